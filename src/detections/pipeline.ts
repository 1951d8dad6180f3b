import type { AuditEvent, AuditEventHead, AuditEventTimes, SourcedEvent } from '../inputs/audit/event.js';
import { RecentIds } from '../inputs/audit/recent-ids.js';
import type { TechniqueId } from '../matrix/types.js';
import type { Alert } from '../model/alert.js';
import type { AlertDraft, AnyDetection, DetectionContext, DetectionSettings, EventFilter } from './define.js';

/**
 * Identities whose routine work looks like an attack to most rules (controllers create pods and read secrets, nodes
 * read their pods' secrets): skipped by every rule not marked `everyone`. Glob patterns (`*`) on the user name, and
 * groups. Users may replace or extend them in `.kubematrix.yaml` (`audit.allow`).
 */
export const DEFAULT_ALLOW = {
  users: [
    'system:apiserver',
    'system:kube-controller-manager',
    'system:kube-scheduler',
    'system:kube-proxy',
    'system:node:*',
    'system:serviceaccount:kube-system:*-controller',
    'system:serviceaccount:kube-system:generic-garbage-collector',
    'system:serviceaccount:kube-system:namespace-controller',
  ],
  groups: ['system:nodes'],
} as const satisfies AllowList;

export interface AllowList {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

export interface PipelineOptions {
  readonly detections: readonly AnyDetection[];
  readonly settings?: Partial<DetectionSettings>;
  /** Defaults to {@link DEFAULT_ALLOW}. */
  readonly allow?: AllowList;
  /** Only events at or after / before these times (by `requestReceivedTimestamp`, else `stageTimestamp`). */
  readonly since?: Date;
  readonly until?: Date;
}

export interface PipelineStats {
  /** Events handed to the pipeline, and those the time window left out. */
  events: number;
  outsideWindow: number;
  alerts: number;
  byTechnique: Map<TechniqueId, number>;
  byRule: Map<string, number>;
}

export interface Pipeline {
  /** Runs every detection that wants the event; returns its alerts (usually none). */
  push(sourced: SourcedEvent): readonly Alert[];
  /**
   * Whether pushing the event could hand it to a rule (the time window aside): false when no rule's `on` takes it or
   * its user is allow-listed for all that do. Such an event raises nothing and changes no rule's state, so a reader
   * may leave it unparsed elsewhere and only {@link Pipeline.pass} it.
   */
  wants(event: AuditEventHead): boolean;
  /** Counts an event {@link Pipeline.wants} refused without pushing it, and whether {@link Pipeline.outside} was true. */
  pass(outside: boolean): void;
  /** Whether the run's time window leaves the event out; undefined when the run has no window. */
  readonly outside: ((event: AuditEventTimes) => boolean) | undefined;
  readonly stats: PipelineStats;
}

/**
 * How many requests (auditIDs) that raised alerts are remembered to alert once per request: an audit policy often logs a request at
 * two or three stages, written close together, so a bounded window is enough and memory stays flat.
 */
export const ALERTED_WINDOW = 65_536;

/**
 * How many `verb resource` pairs keep their list of candidate rules. Resource names come from request paths, which
 * any client can make up (`GET /api/v1/namespaces/x/anything` is logged with resource `anything`), so past this the
 * cache starts over instead of growing for the life of the webhook backend.
 */
export const CANDIDATE_CACHE = 4096;

type Context = DetectionContext<unknown> & { allowed: boolean };
interface Candidate {
  readonly detection: AnyDetection;
  readonly context: Context;
  /** The rule's `on.users` and `on.codes`, compiled; undefined when it takes every user and code. */
  readonly accepts?: (username: string | undefined, groups: readonly string[] | undefined, code: unknown) => boolean;
}

/** What most events raise, shared: nothing to allocate per event. */
const NONE: Alert[] = [];

/** The detection pipeline: one per run (per file set, or for the life of the webhook backend). */
export function createPipeline(options: PipelineOptions): Pipeline {
  const settings: DetectionSettings = { proxyAddresses: new Set(), ...options.settings };
  const allow = options.allow ?? DEFAULT_ALLOW;
  const allowedUser = globs(allow.users);
  const allowedGroup = globs(allow.groups);
  const since = options.since?.getTime();
  const until = options.until?.getTime();
  const stats: PipelineStats = { events: 0, outsideWindow: 0, alerts: 0, byTechnique: new Map(), byRule: new Map() };
  // auditID → the rules that alerted on it: the window of requests remembered to alert once. Made at the first alert:
  // an audit worker's pipeline never alerts, and the table's random seed would load Web Crypto there at its start.
  let alerted: RecentIds<string[]> | undefined;
  // What the detection running now is looking at: each rule's context is built once and reads these, so that the
  // hot path allocates nothing per rule and event.
  let event: AuditEvent;
  let source: SourcedEvent['source'];
  let raised: Alert[] = NONE;
  let done: string[] | undefined;

  const contexts = new Map(
    options.detections.map((detection) => {
      const context = {
        settings,
        state: detection.initialState?.(),
        allowed: false,
        alert(draft: AlertDraft) {
          if (done?.includes(detection.id)) return;
          if (!done) {
            done = [];
            // Without an auditID the request's other stages cannot be told apart from other requests.
            if (event.auditID !== undefined) {
              alerted ??= new RecentIds(ALERTED_WINDOW);
              alerted.set(event.auditID, done);
            }
          }
          done.push(detection.id);
          const alert = toAlert(detection, draft, event, source);
          if (raised === NONE) raised = [];
          raised.push(alert);
          stats.alerts++;
          stats.byRule.set(detection.id, (stats.byRule.get(detection.id) ?? 0) + 1);
          for (const technique of alert.techniques as TechniqueId[]) {
            stats.byTechnique.set(technique, (stats.byTechnique.get(technique) ?? 0) + 1);
          }
        },
      };
      return [detection, context];
    }),
  );

  // verb → resource → subresource ('' for none) → the rules that want such events, with their contexts: nested maps
  // of the event's own strings, as a key built per event would cost an allocation and a hash of it every time.
  const byKey = new Map<string, Map<string, Map<string, Candidate[]>>>();
  let cached = 0;
  const enabled = options.detections.filter(({ on }) => on.enabled?.(settings) ?? true);
  const accepts = new Map(enabled.map((detection) => [detection, accepting(detection.on)]));
  const candidates = (verb: string, resource: string, subresource: string): Candidate[] => {
    const found = byKey.get(verb)?.get(resource)?.get(subresource);
    if (found) return found;
    const key = subresource ? `${resource}/${subresource}` : resource;
    const wanted: Candidate[] = enabled
      .filter(({ on }) => (!on.verbs || on.verbs.includes(verb)) && (!on.resources || on.resources.includes(key)))
      .map((detection) => {
        const accept = accepts.get(detection);
        return { detection, context: contexts.get(detection) as Context, ...(accept ? { accepts: accept } : {}) };
      });
    if (cached >= CANDIDATE_CACHE) {
      byKey.clear();
      cached = 0;
    }
    const byResource = byKey.get(verb) ?? new Map<string, Map<string, Candidate[]>>();
    byKey.set(verb, byResource);
    const bySubresource = byResource.get(resource) ?? new Map<string, Candidate[]>();
    byResource.set(resource, bySubresource);
    bySubresource.set(subresource, wanted);
    cached++;
    return wanted;
  };

  const isAllowed = (username: string | undefined, groups: readonly string[] | undefined) =>
    (username !== undefined && allowedUser(username)) || (groups?.some(allowedGroup) ?? false);

  const outside =
    since === undefined && until === undefined
      ? undefined
      : (event: AuditEventTimes) => {
          const time = eventTimeMs(event);
          return Number.isNaN(time) || (since !== undefined && time < since) || (until !== undefined && time >= until);
        };
  /** Counts the event; true when the time window leaves it out. */
  const counted = (left: boolean) => {
    stats.events++;
    if (left) stats.outsideWindow++;
    return left;
  };
  const rulesFor = (event: AuditEventHead) => {
    const ref = event.objectRef;
    const resource = ref?.resource ?? '';
    return candidates(event.verb, resource, (resource && ref?.subresource) || '');
  };

  return {
    stats,
    outside,
    wants(event) {
      const rules = rulesFor(event);
      if (!rules.length) return false;
      const { user } = event;
      const allowed = isAllowed(user.username, user.groups);
      return rules.some(
        ({ detection, accepts }) =>
          (!allowed || detection.everyone) &&
          (!accepts || accepts(user.username, user.groups, event.responseStatus?.code)),
      );
    },
    pass(left) {
      counted(left);
    },
    push(sourced) {
      if (counted(outside?.(sourced.event) ?? false)) return NONE;
      const rules = rulesFor(sourced.event);
      if (!rules.length) return NONE;
      ({ event, source } = sourced);
      const { user, auditID } = event;
      const allowed = isAllowed(user.username, user.groups);
      raised = NONE;
      done = auditID === undefined ? undefined : alerted?.get(auditID);
      for (const { detection, context, accepts } of rules) {
        if (allowed && !detection.everyone) continue;
        if (accepts && !accepts(user.username, user.groups, event.responseStatus?.code)) continue;
        // A rule that alerted on this request at an earlier stage does not look again.
        if (done?.includes(detection.id)) continue;
        context.allowed = allowed;
        detection.detect(event, context);
      }
      return raised;
    },
  };
}

/** As alerts name it: `pods/exec`, `deployments.apps`, `deployments.apps/scale`; empty outside the resource API. */
export function qualifiedResource(event: AuditEvent): string {
  const ref = event.objectRef;
  if (!ref?.resource) return '';
  const resource = ref.apiGroup ? `${ref.resource}.${ref.apiGroup}` : ref.resource;
  return ref.subresource ? `${resource}/${ref.subresource}` : resource;
}

export function eventTime(event: AuditEventTimes): string | undefined {
  return event.requestReceivedTimestamp ?? event.stageTimestamp;
}

/** {@link eventTime} in epoch milliseconds; NaN when it has none readable. */
export function eventTimeMs(event: AuditEventTimes): number {
  return Date.parse(eventTime(event) ?? '');
}

function toAlert(detection: AnyDetection, draft: AlertDraft, event: AuditEvent, source: SourcedEvent['source']): Alert {
  const techniques = draft.techniques ?? detection.techniques;
  if (techniques.some((technique) => !detection.techniques.includes(technique))) {
    throw new Error(`detection '${detection.id}' alerted a technique it does not declare`);
  }
  const ref = event.objectRef;
  const resource = qualifiedResource(event);
  const time = eventTime(event);
  return {
    rule: detection.id,
    techniques: [...techniques],
    severity: draft.severity ?? detection.severity,
    ...(time ? { time } : {}),
    user: event.user.username ?? '',
    ...(event.impersonatedUser?.username ? { impersonatedUser: event.impersonatedUser.username } : {}),
    sourceIPs: [...(event.sourceIPs ?? [])],
    verb: event.verb,
    ...(resource ? { resource } : {}),
    ...(ref?.namespace ? { namespace: ref.namespace } : {}),
    ...(ref?.name ? { name: ref.name } : {}),
    ...(event.auditID !== undefined ? { auditID: event.auditID } : {}),
    message: draft.message,
    source: { file: source.file, line: source.line },
  };
}

/** A rule's `on.users` and `on.codes` as one test, or undefined when it takes every user and code. */
function accepting(on: EventFilter): Candidate['accepts'] {
  const { users, codes } = on;
  if (!users && !codes) return undefined;
  // Any character, line breaks too: a name the rule would read must not slip past its own filter.
  const named = users && globs(users.names ?? [], 's');
  const grouped = users?.groups ?? [];
  return (username, groups, code) =>
    (!named ||
      (username !== undefined && named(username)) ||
      (groups?.some((group) => grouped.includes(group)) ?? false)) &&
    (!codes || (typeof code === 'number' && codes.includes(code)));
}

/** One regular expression for a list of `*` globs, compiled once: the pipeline tests every event's user. */
function globs(patterns: readonly string[], flags = ''): (text: string) => boolean {
  if (!patterns.length) return () => false;
  const alternatives = patterns.map((pattern) =>
    pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*'),
  );
  const regex = new RegExp(`^(?:${alternatives.join('|')})$`, flags);
  return (text) => regex.test(text);
}
