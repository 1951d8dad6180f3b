import type { AuditEvent } from '../inputs/audit/event.js';
import { type AuditReadOptions, readAuditLog } from '../inputs/audit/read.js';
import type { ScanError } from '../model/report.js';
import type { Subject } from '../rbac/types.js';
import type { ObservedUsage } from './types.js';

/**
 * `kubematrix fix --audit LOG…`: what each subject actually did in the log's window, streamed from the audit log
 * (bounded memory: one counter per subject and request kind). A request counts once, at its last stage, and only
 * when it got past authorization: a denied request used no grant.
 */

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** How {@link ObservedUsage} keys a subject: `sa:ns/name`, `user:name`, `group:name`. */
export function usageSubject(subject: Subject): string {
  if (subject.kind === 'ServiceAccount') return `sa:${subject.namespace ?? ''}/${subject.name}`;
  return `${subject.kind === 'User' ? 'user' : 'group'}:${subject.name}`;
}

/** How {@link ObservedUsage} keys a request: `verb resource[/subresource] [namespace]`. */
export function usageRequest(verb: string, resource: string, namespace?: string): string {
  return namespace ? `${verb} ${resource} ${namespace}` : `${verb} ${resource}`;
}

/** A usage key read back. */
export function parseUsageRequest(key: string): { verb: string; resource: string; namespace?: string } {
  const [verb = '', resource = '', namespace] = key.split(' ');
  return { verb, resource, ...(namespace ? { namespace } : {}) };
}

/** The subjects a request is made as: its user and each of its groups. */
function actorsOf(event: AuditEvent): string[] {
  const user = event.impersonatedUser ?? event.user;
  const name = user.username ?? '';
  const account = SERVICE_ACCOUNT.exec(name);
  const self = account ? `sa:${account[1]}/${account[2]}` : `user:${name}`;
  return [self, ...(user.groups ?? []).map((group) => `group:${group}`)];
}

/** Its last stage (a pipeline may drop the stage: then it is taken as the last), and authorized. */
function counts(event: AuditEvent): boolean {
  if (event.stage !== undefined && event.stage !== 'ResponseComplete' && event.stage !== 'Panic') return false;
  const code = event.responseStatus?.code;
  return code !== 401 && code !== 403 && event.objectRef?.resource !== undefined;
}

export interface UsageRead {
  readonly usage: ObservedUsage;
  /** Events that counted. */
  readonly events: number;
  /** Unreadable inputs and malformed records, located. */
  readonly errors: readonly ScanError[];
}

/** Reads the logs (files, directories, `-`) into what each subject used, and the window they cover. */
export async function readUsage(inputs: readonly string[], options: AuditReadOptions = {}): Promise<UsageRead> {
  const bySubject = new Map<string, Map<string, number>>();
  // Compared as instants: the API server's timestamps and an export's may differ in precision and zone.
  let from: { time: number; text: string } | undefined;
  let to: { time: number; text: string } | undefined;
  let events = 0;
  const { errors } = await readAuditLog(
    inputs,
    ({ event }) => {
      if (!counts(event)) return;
      events++;
      const at = event.requestReceivedTimestamp ?? event.stageTimestamp;
      const time = at === undefined ? Number.NaN : Date.parse(at);
      if (at !== undefined && !Number.isNaN(time)) {
        if (from === undefined || time < from.time) from = { time, text: at };
        if (to === undefined || time > to.time) to = { time, text: at };
      }
      const ref = event.objectRef ?? {};
      const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : String(ref.resource);
      const key = usageRequest(event.verb, resource, ref.namespace);
      for (const actor of actorsOf(event)) {
        const used = bySubject.get(actor) ?? new Map<string, number>();
        used.set(key, (used.get(key) ?? 0) + 1);
        bySubject.set(actor, used);
      }
    },
    options,
  );
  return { usage: { from: from?.text ?? '', to: to?.text ?? '', bySubject }, events, errors };
}
