import type { AuditEvent } from '../inputs/audit/event.js';
import { asRecord, dig, POD_SPEC_PATHS, type PodSpecView, podSpecOf } from '../inventory/index.js';
import { nameTable } from '../util/lookup.js';

/** The kind of each resource whose objects carry a pod template, by `objectRef.resource`. */
export const WORKLOAD_KINDS: Readonly<Record<string, string>> = nameTable({
  pods: 'Pod',
  deployments: 'Deployment',
  daemonsets: 'DaemonSet',
  statefulsets: 'StatefulSet',
  replicasets: 'ReplicaSet',
  replicationcontrollers: 'ReplicationController',
  jobs: 'Job',
  cronjobs: 'CronJob',
  podtemplates: 'PodTemplate',
});

export const WORKLOAD_RESOURCES: readonly string[] = Object.keys(WORKLOAD_KINDS);

/**
 * Whether the request changed the cluster: the API server answered it with success, and it was no dry run. A
 * `RequestReceived` event has no answer yet; the same request is logged again when it completes.
 */
export function applied(event: AuditEvent): boolean {
  const code = event.responseStatus?.code;
  return code !== undefined && code < 400 && !/[?&]dryRun=/.test(event.requestURI ?? '');
}

/**
 * The object a write sent, when the audit level logged a body: what a create or update sent in full. For a patch,
 * `patch: 'result'` reads the object after it (the response, else the patch) and `patch: 'body'` only what the
 * patch itself sets, so that a rule about a setting does not fire again on every later patch (a rollout restart)
 * of an object that already had it. Kind, namespace and name are filled in from the event where the body leaves
 * them out (a pod created from `generateName` gets its name in the response). Undefined at level `Metadata`, and
 * for JSON patches (a list of operations).
 */
export function writtenObject(
  event: AuditEvent,
  patch: 'result' | 'body' = 'result',
): Record<string, unknown> | undefined {
  const body = writtenBody(event, patch);
  return body && objectOf(event, body);
}

/** Which of the event's bodies {@link writtenObject} reads, as it is logged. */
function writtenBody(event: AuditEvent, patch: 'result' | 'body'): Record<string, unknown> | undefined {
  // A delete's body is its DeleteOptions, not the object.
  if (event.verb === 'delete' || event.verb === 'deletecollection') return undefined;
  const request = isObject(event.requestObject) ? event.requestObject : undefined;
  const response = responseOf(event);
  return event.verb !== 'patch' ? (request ?? response) : patch === 'body' ? request : (response ?? request);
}

function responseOf(event: AuditEvent): Record<string, unknown> | undefined {
  return isObject(event.responseObject) && event.responseObject.kind !== 'Status' ? event.responseObject : undefined;
}

/** The body with the kind, namespace and name the event gives filled in. */
function objectOf(event: AuditEvent, body: Record<string, unknown>): Record<string, unknown> {
  const ref = event.objectRef ?? {};
  const metadata = asRecord(body.metadata);
  const name = metadata.name ?? ref.name ?? asRecord(responseOf(event)?.metadata).name;
  const kind = body.kind ?? WORKLOAD_KINDS[ref.resource ?? ''] ?? KINDS[ref.resource ?? ''];
  return {
    ...body,
    ...(kind !== undefined ? { kind } : {}),
    metadata: {
      ...metadata,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      ...(name !== undefined ? { name } : {}),
    },
  };
}

/**
 * Pod specs already read, per event and body: several rules judge each pod written, and both ways of reading a
 * create or update (and a patch logged without its result) come to the same body, read once.
 */
const podSpecs = new WeakMap<AuditEvent, { body: object; pod: PodSpecView | undefined }[]>();

/** The pod template of the object written (of a patch, what it sets), read as the checks read pod specs. */
export function writtenPodSpec(event: AuditEvent, patch: 'result' | 'body' = 'body'): PodSpecView | undefined {
  const body = writtenBody(event, patch);
  if (!body) return undefined;
  const read = podSpecs.get(event) ?? [];
  const known = read.find((entry) => entry.body === body);
  if (known) return known.pod;
  const pod = podSpecOf(objectOf(event, body));
  if (!read.length) podSpecs.set(event, read);
  read.push({ body, pod });
  return pod;
}

/** A pod template as the event logged it, not yet read: what the test of {@link writtenPodSpecIf} looks at. */
export interface LoggedTemplate {
  /** The object written, as {@link writtenObject} gives it. */
  readonly object: Readonly<Record<string, unknown>>;
  /** Its pod spec, unvalidated: any field may be missing or of any type. */
  readonly spec: Readonly<Record<string, unknown>>;
}

/**
 * {@link writtenPodSpec}, read only when `mayMatter` finds in the template as logged what the rule looks for. Reading
 * validates the whole spec, the costliest step of these rules, and most pods written (a controller's replicas) hold
 * nothing they look for. The test must hold for every template the rule could alert on: then a template it rules out
 * raises nothing whether its spec is valid or not, and skipping the read changes no verdict.
 */
export function writtenPodSpecIf(
  event: AuditEvent,
  mayMatter: (template: LoggedTemplate) => boolean,
  patch: 'result' | 'body' = 'body',
): PodSpecView | undefined {
  const body = writtenBody(event, patch);
  if (!body) return undefined;
  const object = objectOf(event, body);
  const kind = String(object.kind);
  const path = POD_SPEC_PATHS[kind];
  const spec = path && dig(object, path);
  // Whatever is not a pod template as logged is read as always, to the same verdict.
  if (!isObject(spec)) return writtenPodSpec(event, patch);
  return mayMatter({ object, spec }) ? writtenPodSpec(event, patch) : undefined;
}

/** Whether the template declares a hostPath volume: what every hostPath finding starts from. */
export function declaresHostPath({ spec }: LoggedTemplate): boolean {
  return Array.isArray(spec.volumes) && spec.volumes.some((volume) => asRecord(volume).hostPath != null);
}

/**
 * Whether the template sets anything through which `nodeLevelExposures` (src/k8s/node-exposure.ts) finds a way onto
 * the node, or the rules add one: a host namespace, a hostPath volume, a privileged container or an added capability
 * (neither is inherited from the pod's securityContext).
 */
export function mayReachNode(template: LoggedTemplate): boolean {
  const { spec } = template;
  return (
    spec.hostNetwork === true ||
    spec.hostPID === true ||
    spec.hostIPC === true ||
    declaresHostPath(template) ||
    CONTAINER_GROUPS.some((group) => {
      const containers = spec[group];
      return (
        Array.isArray(containers) &&
        containers.some((container) => {
          const security = asRecord(asRecord(container).securityContext);
          return security.privileged === true || asRecord(security.capabilities).add != null;
        })
      );
    })
  );
}

const CONTAINER_GROUPS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Whether the object written carries the annotation, with any value. */
export function annotated(name: string): (template: LoggedTemplate) => boolean {
  return ({ object }) => asRecord(asRecord(object.metadata).annotations)[name] != null;
}

/** `ReplicaSet/web-5d78c9869d`: the controller that owns the object, when one does. */
export function controllerOf(object: Readonly<Record<string, unknown>>): string | undefined {
  const owners = asRecord(object.metadata).ownerReferences;
  if (!Array.isArray(owners)) return undefined;
  const owner = owners.map(asRecord).find((candidate) => candidate.controller === true);
  return typeof owner?.kind === 'string' && typeof owner.name === 'string' ? `${owner.kind}/${owner.name}` : undefined;
}

/** `Pod 'web' in default`, `ClusterRole 'reader'`: the object written, for messages. */
export function describeObject(object: Readonly<Record<string, unknown>>): string {
  const metadata = asRecord(object.metadata);
  const name =
    typeof metadata.name === 'string'
      ? metadata.name
      : typeof metadata.generateName === 'string'
        ? `${metadata.generateName}…`
        : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace ? ` in ${metadata.namespace}` : '';
  return `${String(object.kind ?? 'object')}${name ? ` '${name}'` : ''}${namespace}`;
}

/**
 * Keys remembered for a run of any length: past `limit`, the oldest are forgotten. Rules keep per-object memory
 * here (a controller already alerted on, the containers a workload had) so that memory stays flat.
 */
export class Recent<V = true> {
  readonly #entries = new Map<string, V>();
  constructor(readonly limit = 50_000) {}

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

/**
 * Once per controller: a DaemonSet's or ReplicaSet's pods are copies of one template, so of the pods a controller
 * creates only the first says something new. True for objects no controller owns. Rules that see every identity
 * use this to alert on a privileged template and its first pod, not on every replica.
 */
export function firstOfController(seen: Recent, event: AuditEvent, object: Readonly<Record<string, unknown>>): boolean {
  const controller = controllerOf(object);
  if (controller === undefined) return true;
  const key = `${event.objectRef?.resource ?? ''}\0${event.objectRef?.namespace ?? ''}\0${controller}`;
  if (seen.has(key)) return false;
  seen.set(key, true);
  return true;
}

/** The object an event is about, for messages: from its body when logged, else from `objectRef`. */
export function describeTarget(event: AuditEvent): string {
  const ref = event.objectRef ?? {};
  const kind = WORKLOAD_KINDS[ref.resource ?? ''] ?? KINDS[ref.resource ?? ''] ?? ref.resource ?? 'object';
  return describeObject(
    writtenObject(event) ?? {
      kind,
      // A Namespace's own events carry its name as their namespace too.
      metadata: { name: ref.name, namespace: ref.resource === 'namespaces' ? undefined : ref.namespace },
    },
  );
}

/** Kinds of the other resources rules name in messages. */
const KINDS: Readonly<Record<string, string>> = nameTable({
  namespaces: 'Namespace',
  persistentvolumes: 'PersistentVolume',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  clusterroles: 'ClusterRole',
  clusterrolebindings: 'ClusterRoleBinding',
  roles: 'Role',
  rolebindings: 'RoleBinding',
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `created`, `replaced`, `patched`, `deleted`: what the request did, for messages. */
export function wrote(event: AuditEvent): string {
  return WROTE[event.verb] ?? event.verb;
}

const WROTE: Readonly<Record<string, string>> = {
  create: 'created',
  update: 'replaced',
  patch: 'patched',
  delete: 'deleted',
  deletecollection: 'deleted',
};

/**
 * Whether a write touches the object at `path`: always for a create or update (their body is the whole object), and
 * for a patch only when its body sets something there. `kubectl rollout restart`, which patches a template
 * annotation, does not touch `spec.template.spec`.
 */
export function touches(event: AuditEvent, path: readonly string[]): boolean {
  if (event.verb !== 'patch') return true;
  if (Array.isArray(event.requestObject)) {
    const pointer = `/${path.join('/')}`;
    return event.requestObject.some((operation) => String(asRecord(operation).path ?? '').startsWith(pointer));
  }
  return dig(event.requestObject, path) !== undefined;
}

/** The images of a pod template's regular and init containers, for messages: names of images are not secrets. */
export function imagesOf(pod: PodSpecView): string {
  const images = [...new Set(pod.containers.map((container) => container.spec.image ?? 'no image'))];
  return images.join(', ') || 'no container';
}

/** The name of the object written: from `objectRef`, else (a create) from the body or the response. */
export function objectName(event: AuditEvent): string | undefined {
  const name = event.objectRef?.name ?? asRecord(writtenObject(event)?.metadata).name;
  return typeof name === 'string' ? name : undefined;
}
