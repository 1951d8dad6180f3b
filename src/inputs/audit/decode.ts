import type { AuditEvent } from './event.js';

/**
 * Turns one parsed JSON record into the audit events it holds: an `audit.k8s.io` `Event`, an `EventList` (what the
 * audit webhook POSTs), a JSON array of either, or a managed-cluster export wrapping Events:
 * - AKS diagnostic records: `properties.log` holds the Event as JSON text; Event Hubs batch them under `records`;
 * - GKE Cloud Audit Logs entries: `protoPayload` of type `google.cloud.audit.AuditLog`, mapped by {@link fromGke};
 * - EKS audit logs from CloudWatch: `@message` (Logs Insights) or `message` holding the Event as JSON text, batched
 *   under `logEvents` (subscription filters) or `events` (`aws logs filter-log-events`).
 * Returns the reason, in our words, when the record holds none; never quotes the record.
 */
export function decodeRecord(record: unknown): AuditEvent[] | string {
  // The common case first: one Event per line, read a million times a run. Pipelines that drop `auditID` (and
  // `apiVersion`/`kind`) still leave the verb, which no wrapper has at its top.
  if (isObject(record) && (typeof record.auditID === 'string' || typeof record.verb === 'string')) {
    const event = asEvent(record);
    return typeof event === 'string' ? event : [event];
  }
  if (Array.isArray(record)) return decodeAll(record, 'a list item');
  if (!isObject(record)) return 'not a JSON object';
  if (record.kind === 'EventList' || Array.isArray(record.items)) {
    if (!Array.isArray(record.items)) return 'an EventList without items';
    return decodeAll(record.items, 'an EventList item');
  }
  if (isObject(record.protoPayload)) return wrapped(fromGke(record, record.protoPayload), 'a GKE audit entry');
  if (isObject(record.properties) && 'log' in record.properties) {
    return wrapped(embedded(record.properties.log), 'an AKS diagnostic record (properties.log)');
  }
  if (Array.isArray(record.records)) return decodeAll(record.records, 'an AKS record');
  for (const key of ['@message', 'message'] as const) {
    if (key in record) return wrapped(embedded(record[key]), `a CloudWatch record (${key})`);
  }
  for (const key of ['logEvents', 'events'] as const) {
    if (Array.isArray(record[key])) return decodeAll(record[key], 'a CloudWatch log event');
  }
  return 'not an audit event (no verb, user or object)';
}

/** Every record of a batch; one that holds no event rejects the batch, as the webhook backend answers 400 for it. */
function decodeAll(records: readonly unknown[], what: string): AuditEvent[] | string {
  const events: AuditEvent[] = [];
  for (const record of records) {
    const decoded = decodeRecord(record);
    if (typeof decoded === 'string') return `${what} is ${decoded}`;
    for (const event of decoded) events.push(event);
  }
  return events;
}

function wrapped(inner: unknown, what: string): AuditEvent[] | string {
  if (typeof inner === 'string') return `${what} holding ${inner}`;
  const event = asEvent(inner);
  return typeof event === 'string' ? `${what} holding ${event}` : [event];
}

/** An Event a wrapper carries as JSON text (or, in some exports, already as an object). */
function embedded(value: unknown): unknown {
  if (typeof value !== 'string') return isObject(value) ? value : 'no audit event';
  try {
    return JSON.parse(value);
  } catch {
    return 'text that is not JSON';
  }
}

/**
 * An Event needs what every rule dispatches on: a verb, a user and what was acted on (an objectRef, or the request
 * URI of a non-resource request). The rest is optional (see {@link AuditEvent}): SIEMs and log shippers drop or
 * rename fields, and an event without its `auditID` or `stage` still shows what happened.
 */
function asEvent(value: unknown): AuditEvent | string {
  if (!isObject(value)) return 'not a JSON object';
  if (value.auditID !== undefined && typeof value.auditID !== 'string')
    return 'an audit event whose auditID is not text';
  if (typeof value.verb !== 'string' || !value.verb) return 'an audit event without a verb';
  if (value.stage !== undefined && typeof value.stage !== 'string') return 'an audit event whose stage is not text';
  if (!isObject(value.user)) return 'an audit event without a user';
  if (!isObject(value.objectRef) && typeof value.requestURI !== 'string')
    return 'an audit event without what it acted on (no objectRef or requestURI)';
  if (value.objectRef !== undefined && !isObject(value.objectRef))
    return 'an audit event whose objectRef is not an object';
  if (value.sourceIPs !== undefined && !Array.isArray(value.sourceIPs))
    return 'an audit event whose sourceIPs is not a list';
  return value as unknown as AuditEvent;
}

/**
 * The HTTP status a `google.rpc.Code` stands for (its documented mapping): GKE logs the outcome as an RPC code, and
 * rules read `responseStatus.code` (403 denied, 401 unauthenticated, < 400 succeeded). Success is 200 whatever the
 * API server answered (201 for a create): the entry does not say.
 */
const HTTP_OF_RPC = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401] as const;

/**
 * A GKE Cloud Audit Logs entry as the Event it records. The facts map one to one: `methodName`
 * (`io.k8s.<group>.<version>.<resource>[.<subresource>].<verb>`, `io.k8s.core.v1.pods.exec.create`) gives verb,
 * resource and subresource; `resourceName` (`core/v1/namespaces/shop/pods/api/exec`) gives namespace and name (and
 * the resource when the method name does not parse); `authenticationInfo.principalEmail` the user;
 * `requestMetadata` the caller's address and user agent; `request`/`response` the bodies; `status` the outcome;
 * `operation.id` the API server's audit ID (else the entry's `insertId`; exports may drop both, and the event is
 * read without one); `labels` the audit annotations. GKE logs a
 * long-running request (exec, watch) twice, `operation.last` false while it runs: those are `ResponseStarted`.
 * What GKE does not log stays unset: the request URI (so exec commands), the user's groups.
 */
function fromGke(entry: Record<string, unknown>, payload: Record<string, unknown>): Record<string, unknown> | string {
  const method = typeof payload.methodName === 'string' ? payload.methodName : '';
  if (!method.startsWith('io.k8s.')) return 'no Kubernetes API call (methodName is not io.k8s.…)';
  const operation = isObject(entry.operation) ? entry.operation : {};
  const auditID = str(operation.id) ?? str(entry.insertId);
  const authentication = isObject(payload.authenticationInfo) ? payload.authenticationInfo : {};
  const caller = isObject(payload.requestMetadata) ? payload.requestMetadata : {};
  const status = isObject(payload.status) ? payload.status : {};
  const rpc = typeof status.code === 'number' ? status.code : 0;
  const labels = isObject(entry.labels) ? entry.labels : undefined;
  const username = str(authentication.principalEmail);
  const callerIp = str(caller.callerIp);
  const userAgent = str(caller.callerSuppliedUserAgent);
  const time = str(entry.timestamp);
  const called = methodOf(method);
  const named = objectRefOf(str(payload.resourceName)).objectRef;
  const objectRef = called.resource ? { ...named, ...called.objectRef } : named;
  if (!objectRef) return 'a Kubernetes API call without what it acted on (no resource in methodName or resourceName)';
  return {
    ...(auditID ? { auditID } : {}),
    stage: operation.last === false ? 'ResponseStarted' : 'ResponseComplete',
    level: payload.response !== undefined ? 'RequestResponse' : payload.request !== undefined ? 'Request' : 'Metadata',
    verb: called.verb,
    user: username ? { username } : {},
    ...(callerIp ? { sourceIPs: [callerIp] } : {}),
    ...(userAgent ? { userAgent } : {}),
    objectRef,
    responseStatus: { code: HTTP_OF_RPC[rpc] ?? 500 },
    ...(payload.request !== undefined ? { requestObject: payload.request } : {}),
    ...(payload.response !== undefined ? { responseObject: payload.response } : {}),
    ...(time ? { requestReceivedTimestamp: time } : {}),
    ...(labels ? { annotations: labels } : {}),
  };
}

/** An API version as methodName writes it between group and resource: `v1`, `v1beta1`, `v2alpha1`. */
const API_VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;

/**
 * `io.k8s.apps.v1.deployments.scale.update` as verb `update`, resource `deployments`, subresource `scale`. The group
 * is left to resourceName (methodName spells it its own way, `authorization.rbac`); without a version the resource
 * is unknown, and only the verb is taken.
 */
function methodOf(method: string): { verb: string; resource?: string; objectRef: Record<string, string> } {
  const parts = method.split('.');
  const verb = parts.at(-1) ?? '';
  const version = parts.findIndex((part, index) => index > 2 && API_VERSION.test(part));
  const [resource, subresource] = version === -1 ? [] : parts.slice(version + 1, -1);
  if (!resource) return { verb, objectRef: {} };
  return {
    verb,
    resource,
    objectRef: { resource, ...(subresource ? { subresource } : {}), apiVersion: parts[version] as string },
  };
}

/** `apps/v1/namespaces/shop/deployments/web`, `rbac.authorization.k8s.io/v1/clusterrolebindings/x` as an objectRef. */
function objectRefOf(resourceName: string | undefined): { objectRef?: Record<string, string> } {
  if (!resourceName) return {};
  const [group = '', version = '', ...rest] = resourceName.split('/');
  let namespace: string | undefined;
  // `namespaces/shop` alone is the Namespace shop; followed by more, the namespace of what follows.
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [resource, name, subresource] = rest;
  if (!resource) return {};
  return {
    objectRef: {
      resource,
      ...(group && group !== 'core' ? { apiGroup: group } : {}),
      ...(version ? { apiVersion: version } : {}),
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(subresource ? { subresource } : {}),
    },
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
