import type { AuditEvent } from '../inputs/audit/event.js';
import { eventTimeMs } from './pipeline.js';

/**
 * Whether the API server let the request through. `RequestReceived` carries no answer yet: rules that judge the
 * outcome wait for `ResponseStarted` (exec, watch) or `ResponseComplete`; the pipeline alerts once per request anyway.
 * An answered event without a status code (some exports drop it) counts as allowed rather than hiding the request.
 */
export function succeeded(event: AuditEvent): boolean {
  if (event.stage === 'RequestReceived') return false;
  const code = event.responseStatus?.code;
  return code === undefined || code < 400;
}

/** The request's query parameters, as the client sent them in `requestURI`; empty when it has none. */
export function queryOf(event: AuditEvent): URLSearchParams {
  const uri = event.requestURI ?? '';
  const start = uri.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : uri.slice(start + 1));
}

/** `requestURI` without its query string. */
export function pathOf(event: AuditEvent): string {
  const uri = event.requestURI ?? '';
  const start = uri.indexOf('?');
  return start < 0 ? uri : uri.slice(0, start);
}

/** The event's time in epoch milliseconds, for rules that count over time; `undefined` when it has none readable. */
export function timeOf(event: AuditEvent): number | undefined {
  const time = eventTimeMs(event);
  return Number.isNaN(time) ? undefined : time;
}

/** The namespace whose pods and service accounts run the cluster: an exec or a token there reaches its power. */
export const SYSTEM_NAMESPACE = 'kube-system';

const SERVICE_ACCOUNT = 'system:serviceaccount:';

/** `namespace/name` of a service-account user (`system:serviceaccount:ns:name`), else `undefined`. */
export function serviceAccountOf(username: string | undefined): string | undefined {
  if (!username?.startsWith(SERVICE_ACCOUNT)) return undefined;
  const rest = username.slice(SERVICE_ACCOUNT.length);
  const colon = rest.indexOf(':');
  return colon > 0 ? `${rest.slice(0, colon)}/${rest.slice(colon + 1)}` : undefined;
}

/** `namespace/name`, or `name` for cluster-scoped objects, for messages. */
export function objectName(event: AuditEvent): string {
  const ref = event.objectRef;
  const name = ref?.name ?? '';
  return ref?.namespace ? `${ref.namespace}/${name}` : name;
}

/** Text from the request (a path, a command word) fit for a one-line message: quoted, escaped and cut short. */
export function quoted(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
