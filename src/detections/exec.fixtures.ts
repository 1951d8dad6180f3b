/** Exec and attach events as kube-apiserver writes them, for the exec rules' test tables. */
import type { AuditEvent } from '../inputs/audit/event.js';
import { auditEvent, type EventOverrides } from './tester.js';

export interface ExecCase {
  readonly command?: readonly string[];
  readonly kind?: 'exec' | 'attach';
  readonly namespace?: string;
  readonly pod?: string;
  readonly container?: string;
  /** `kubectl exec -it`: stdin and a terminal. */
  readonly interactive?: boolean;
}

/**
 * The `ResponseStarted` event of a successful `kubectl exec` (101 Switching Protocols, level `Metadata`): the command
 * URL-encoded in `requestURI`, one `command=` per word, parameters in the order Go's `url.Values` writes them.
 */
export function execEvent(exec: ExecCase = {}, overrides: EventOverrides = {}): AuditEvent {
  const { kind = 'exec', namespace = 'default', pod = 'web-7d4b9c6f5-x2x8q', container = 'web' } = exec;
  const query = new URLSearchParams();
  for (const word of kind === 'exec' ? (exec.command ?? ['sh']) : []) query.append('command', word);
  query.append('container', container);
  query.append('stderr', String(!exec.interactive));
  query.append('stdin', String(Boolean(exec.interactive)));
  query.append('stdout', 'true');
  query.append('tty', String(Boolean(exec.interactive)));
  return auditEvent({
    stage: 'ResponseStarted',
    level: 'Metadata',
    requestURI: `/api/v1/namespaces/${namespace}/pods/${pod}/${kind}?${query}`,
    objectRef: { resource: 'pods', subresource: kind, namespace, name: pod, apiVersion: 'v1' },
    responseStatus: { code: 101 },
    ...overrides,
  });
}
