import path from 'node:path';
import type * as z from 'zod';
import { objectUri } from '../inputs/cluster/uri.js';
import { issueMessage } from '../inputs/errors.js';
import type { FieldPath } from '../inputs/path.js';
import type { ResourceRef, ScanError, ScanWarning, SourceLocation } from '../model/report.js';
import { nameTable } from '../util/lookup.js';
import { takesAsIs } from './as-is.js';
import { type KubeletConfigView, kubeletConfigOf } from './kubelet.js';
import { locatedError } from './located.js';
import { asRecord, dig } from './records.js';
import { type Container, NetworkPolicySpec, PodSpec, type SecurityContext } from './schema.js';
import { namespacedKinds } from './scope.js';

export type { KubeletConfigView } from './kubelet.js';
export { asRecord, dig } from './records.js';
export type { Container, PodSpec, SecurityContext, Volume } from './schema.js';

/** Anything an input produced: an object plus, where it came from a file, the means to locate its fields. */
export interface SourceObject {
  readonly object: Readonly<Record<string, unknown>>;
  /** Undefined for objects without a source file (a live cluster). */
  locate?(path: FieldPath): SourceLocation;
  /** The input this object came from, for error messages. */
  readonly file?: string;
  /** The context of the live cluster it was read from: it is addressed there, as `Finding.uri` says. */
  readonly context?: string;
}

export interface Resource {
  /** Its namespace as it lives in the cluster: see {@link InventoryOptions.namespace}. */
  readonly ref: ResourceRef;
  /** The file the object was read from, as given; undefined for a live cluster. */
  readonly file?: string;
  /** The object's address in a live cluster (`k8s://…`); undefined for files. */
  readonly uri?: string;
  readonly object: Readonly<Record<string, unknown>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Where a field is written; for an object placed in the namespace the input defaults to, the location says so. */
  locate(path: FieldPath): SourceLocation | undefined;
}

export type ContainerGroup = 'containers' | 'initContainers' | 'ephemeralContainers';

/** A value and where in the object it was set. */
export interface Located<T> {
  readonly value: T;
  readonly path: FieldPath;
}

/** Fields of a PodSecurityContext that a container inherits unless its own securityContext sets them. */
const INHERITED = ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'seccompProfile', 'appArmorProfile'] as const;

export interface ContainerView {
  readonly group: ContainerGroup;
  readonly index: number;
  readonly spec: Container;
  /** Absolute path of the container in its owner object. */
  readonly path: FieldPath;
  /** The security setting the kubelet applies: the container's own, else the pod's for inherited fields. */
  security<K extends keyof SecurityContext>(field: K): Located<NonNullable<SecurityContext[K]>> | undefined;
}

export interface PodSpecView {
  /** The object that declares the pod template: a Pod, Deployment, CronJob, … */
  readonly owner: Resource;
  /** Path of the pod spec inside the owner: `spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`. */
  readonly path: FieldPath;
  readonly spec: PodSpec;
  /** Labels and annotations of the pods this template creates. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Every container, init and ephemeral ones included. */
  readonly containers: readonly ContainerView[];
  /** The namespace its pods run in. */
  readonly namespace: string;
  /** `default` when the spec names none, as the API server does. */
  readonly serviceAccountName: string;
}

export interface Inventory {
  /**
   * Whether the input holds everything of the kinds it read, as a live cluster does: only then does an absent object
   * (no NetworkPolicy in a namespace, no binding of a role) mean it does not exist. Files never are.
   */
  readonly complete: boolean;
  /** Kinds the input could not read (a cluster denied listing them), with why: their objects are unknown. */
  readonly unreadable: ReadonlyMap<string, string>;
  readonly resources: readonly Resource[];
  readonly podSpecs: readonly PodSpecView[];
  /** KubeletConfiguration objects, and those kubeadm keeps in kube-system ConfigMaps, parsed. */
  readonly kubeletConfigs: readonly KubeletConfigView[];
  ofKind(kind: string): readonly Resource[];
  /** Objects of a kind in one namespace (`null`: cluster-scoped ones), indexed on first use. */
  inNamespace(kind: string, namespace: string | null): readonly Resource[];
  /**
   * The object of that kind and name in that namespace (`null` for a cluster-scoped kind). Files may define one
   * identity several times (a base and its overlays, one folder per environment): a reference from `near` resolves
   * to the definition in the same file, else the same folder, else the closest folder.
   */
  find(kind: string, namespace: string | null, name: string, near?: Resource): Resource | undefined;
}

/** Where each workload kind keeps its pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, FieldPath>> = nameTable({
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
});

export interface InventoryOptions {
  /** See {@link Inventory.complete}. */
  readonly complete?: boolean;
  /** See {@link Inventory.unreadable}. */
  readonly unreadable?: ReadonlyMap<string, string>;
  /**
   * Where a namespaced object that names no namespace lives, as `kubectl apply -n NS` and `helm template -n NS` put
   * it: `default` unless given. Cluster-scoped kinds (see src/inventory/scope.ts) never have one.
   */
  readonly namespace?: string;
}

/** Where the objects of an input live: the namespace for those naming none, and which kinds have a namespace. */
interface Placement {
  readonly namespace: string;
  readonly namespaced: (apiVersion: string, kind: string) => boolean;
}

/** The namespace `kubectl apply` uses when neither the object nor the command line names one. */
export const DEFAULT_NAMESPACE = 'default';

export function buildInventory(
  sources: Iterable<SourceObject>,
  { complete = false, unreadable = new Map(), namespace = DEFAULT_NAMESPACE }: InventoryOptions = {},
): { inventory: Inventory; errors: ScanError[]; warnings: ScanWarning[] } {
  const all = [...sources];
  // The input's CustomResourceDefinitions say where their kinds live, wherever they come in it.
  const placement: Placement = { namespace, namespaced: namespacedKinds(all.map((source) => source.object)) };
  const resources: Resource[] = [];
  const podSpecs: PodSpecView[] = [];
  const kubeletConfigs: KubeletConfigView[] = [];
  const errors: ScanError[] = [];
  const byKind = new Map<string, Resource[]>();
  const byKey = new Map<string, Resource[]>();

  for (const source of all) {
    const resource = toResource(source, placement);
    resources.push(resource);
    const sameKind = byKind.get(resource.ref.kind);
    if (sameKind) sameKind.push(resource);
    else byKind.set(resource.ref.kind, [resource]);
    const identity = key(resource.ref.kind, resource.ref.namespace, resource.ref.name);
    const definitions = byKey.get(identity);
    if (definitions) definitions.push(resource);
    else byKey.set(identity, [resource]);

    if (resource.ref.kind === 'ConfigMap') errors.push(...configMapErrors(resource));
    const kubelet = kubeletConfigOf(resource);
    if (kubelet.view) kubeletConfigs.push(kubelet.view);
    if (kubelet.error) errors.push(kubelet.error);

    if (resource.ref.kind === 'NetworkPolicy') {
      // A policy read wrongly would misstate who is isolated: say where it is broken, and evaluate without it.
      const parsed = parseNetworkPolicy(resource);
      if (!parsed.success) errors.push(specError(resource, ['spec'], parsed.error, 'the policy was ignored'));
      continue;
    }
    const read = readPodSpec(resource);
    if (read && 'error' in read) errors.push(read.error);
    else if (read) podSpecs.push(read);
  }

  const byNamespace = new Map<string, Map<string | null, Resource[]>>();
  const find: Inventory['find'] = (kind, namespace, name, near) => nearest(byKey.get(key(kind, namespace, name)), near);
  const inventory: Inventory = {
    complete,
    unreadable,
    resources,
    // A cluster dump holds a Deployment, its ReplicaSet and their Pods: one pod template, assessed once, where
    // it is written. A controlled object whose controller is absent from the input is assessed itself.
    podSpecs: podSpecs.filter((pod) => !controller(pod.owner, find)),
    kubeletConfigs,
    ofKind: (kind) => byKind.get(kind) ?? [],
    inNamespace(kind, namespace) {
      let index = byNamespace.get(kind);
      if (!index) {
        index = new Map();
        for (const resource of byKind.get(kind) ?? []) {
          const list = index.get(resource.ref.namespace);
          if (list) list.push(resource);
          else index.set(resource.ref.namespace, [resource]);
        }
        byNamespace.set(kind, index);
      }
      return index.get(namespace) ?? [];
    },
    find,
  };
  return { inventory, errors, warnings: repeatedIdentities(byKey) };
}

/** One warning per identity defined more than once, with every place it is defined. */
function repeatedIdentities(byKey: ReadonlyMap<string, readonly Resource[]>): ScanWarning[] {
  const warnings: ScanWarning[] = [];
  for (const definitions of byKey.values()) {
    const [first] = definitions;
    if (!first || definitions.length < 2) continue;
    const { kind, namespace, name } = first.ref;
    warnings.push({
      code: 'repeated-identity',
      resource: first.ref,
      message: `${kind} ${namespace ? `${namespace}/` : ''}${name} is defined ${definitions.length} times: each definition is assessed where it is written, and references resolve to the nearest one`,
      locations: definitions.flatMap((definition) => definition.locate(['metadata', 'name']) ?? []),
    });
  }
  return warnings;
}

/** Of several definitions of one identity, the one a reference from `near` means (see {@link Inventory.find}). */
export function nearest(
  definitions: readonly Resource[] | undefined,
  near: Resource | undefined,
): Resource | undefined {
  if (!definitions || definitions.length < 2 || near?.file === undefined) return definitions?.[0];
  const from = near.file;
  let best = definitions[0];
  let bestScore = -1;
  for (const definition of definitions) {
    const score = definition.file === from ? Number.MAX_SAFE_INTEGER : sharedFolders(definition.file ?? '', from);
    // Ties go to the first definition read: input order is the user's order.
    if (score > bestScore) [best, bestScore] = [definition, score];
  }
  return best;
}

/** How many leading folders two file paths share. */
function sharedFolders(a: string, b: string): number {
  const left = path.dirname(a).split(/[\\/]/);
  const right = path.dirname(b).split(/[\\/]/);
  let shared = 0;
  while (shared < left.length && left[shared] === right[shared]) shared++;
  // The same folder beats any deeper common ancestor of two other folders.
  return shared === left.length && shared === right.length ? Number.MAX_SAFE_INTEGER - 1 : shared;
}

/**
 * The object's controller (`ownerReferences[].controller: true`) when the input holds it and it declares pods: a Pod's
 * ReplicaSet, a ReplicaSet's Deployment. Attack paths follow it up to the pod template a running Pod belongs to.
 */
export function controller(resource: Resource, find: Inventory['find']): Resource | undefined {
  const owners = asRecord(resource.object.metadata).ownerReferences;
  if (!Array.isArray(owners)) return undefined;
  for (const owner of owners.map(asRecord)) {
    if (owner.controller !== true || typeof owner.kind !== 'string' || typeof owner.name !== 'string') continue;
    // A mirror pod's controller is its Node, which holds no pod template: the pod is its only definition.
    if (!POD_SPEC_PATHS[owner.kind]) return undefined;
    return find(owner.kind, resource.ref.namespace, owner.name, resource);
  }
  return undefined;
}

function key(kind: string, namespace: string | null, name: string): string {
  // Joined: one flat string per identity, where a template would keep a rope of pieces behind every resource.
  return [kind, namespace ?? '', name].join('\u0000');
}

/**
 * Secret values never go further than the reader: the inventory keeps a Secret's key names and type only.
 * `last-applied-configuration` would otherwise carry the values again.
 */
function redactSecret(object: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const blank = (data: unknown) =>
    Object.fromEntries(Object.keys(asRecord(data)).map((key) => [key, REDACTED] as const));
  const metadata = asRecord(object.metadata);
  const { 'kubectl.kubernetes.io/last-applied-configuration': _lastApplied, ...annotations } = asRecord(
    metadata.annotations,
  );
  return {
    ...object,
    metadata: { ...metadata, ...(metadata.annotations ? { annotations } : {}) },
    ...(object.data !== undefined ? { data: blank(object.data) } : {}),
    ...(object.stringData !== undefined ? { stringData: blank(object.stringData) } : {}),
  };
}

/** What a Secret's values read as anywhere after the input. */
export const REDACTED = '<redacted>';

function toResource(source: SourceObject, { namespace: fallback, namespaced }: Placement): Resource {
  const redacted = source.object.kind === 'Secret' ? redactSecret(source.object) : source.object;
  const written = asRecord(redacted.metadata).namespace;
  const named = typeof written === 'string' && written ? written : undefined;
  const apiVersion = String(redacted.apiVersion);
  const kind = String(redacted.kind);
  const namespace = namespaced(apiVersion, kind) ? (named ?? fallback) : null;
  // The object reads as the API server would store it, so that whatever reads its metadata sees the same namespace.
  const object = (namespace ?? undefined) === written ? redacted : withNamespace(redacted, namespace);
  const defaulted = namespace !== null && named === undefined;
  const metadata = asRecord(object.metadata);
  const name = nameOf(metadata);
  return {
    ref: { apiVersion, kind, namespace, name },
    object,
    ...(source.file !== undefined ? { file: source.file } : {}),
    ...(source.context !== undefined ? { uri: objectUri(source.context, object) } : {}),
    labels: stringRecord(metadata.labels),
    annotations: stringRecord(metadata.annotations),
    locate: defaulted
      ? (path) => {
          const location = source.locate?.(path);
          return location && { ...location, namespaceDefaulted: namespace };
        }
      : (path) => source.locate?.(path),
  };
}

/** The name a resource goes by: `metadata.name`, else `generateName` and a star (`web-*`), else empty. */
export function nameOf(metadata: Readonly<Record<string, unknown>>): string {
  return typeof metadata.name === 'string'
    ? metadata.name
    : typeof metadata.generateName === 'string'
      ? `${metadata.generateName}*`
      : '';
}

function withNamespace(
  object: Readonly<Record<string, unknown>>,
  namespace: string | null,
): Readonly<Record<string, unknown>> {
  const { namespace: _written, ...metadata } = asRecord(object.metadata);
  return { ...object, metadata: namespace === null ? metadata : { ...metadata, namespace } };
}

/**
 * The object's pod template, or why it could not be read; undefined when its kind has none or it is absent (a
 * half-written manifest).
 */
function readPodSpec(resource: Resource): PodSpecView | { readonly error: ScanError } | undefined {
  const specPath = POD_SPEC_PATHS[resource.ref.kind];
  if (!specPath) return undefined;
  const rawSpec = withoutNulls(dig(resource.object, specPath));
  if (rawSpec === undefined) return undefined;
  // Most specs need no default and have no error: taken as they are, what the parse below would come to.
  if (podSpecAsIs(rawSpec)) return podSpecView(resource, specPath, rawSpec as PodSpec);
  // Without an error map first: zod parses several times faster without one, and only a failure needs the message.
  const parsed = PodSpec.safeParse(rawSpec);
  // zod returns a copy: the object itself is kept instead unless the copy holds a default it filled in (a missing
  // container name), so that the inventory holds each pod spec once.
  if (parsed.success) {
    return podSpecView(resource, specPath, addsFields(parsed.data, rawSpec) ? parsed.data : (rawSpec as PodSpec));
  }
  const { error } = PodSpec.safeParse(rawSpec, { error: issueMessage });
  return { error: specError(resource, specPath, error ?? parsed.error, 'its pod spec was not checked') };
}

const podSpecAsIs = takesAsIs(PodSpec);

/** An object outside any input lives where the API server puts it: its own namespace, else `default`. */
const OUTSIDE_ANY_INPUT: Placement = { namespace: DEFAULT_NAMESPACE, namespaced: namespacedKinds([]) };

/**
 * The pod template of one object outside any input, such as the body of an API request in an audit event: the same
 * view the checks read, so that detections judge a pod spec exactly as they do. Undefined when the object's kind
 * holds no pod template or its spec is not one.
 */
export function podSpecOf(object: Readonly<Record<string, unknown>>): PodSpecView | undefined {
  const read = readPodSpec(toResource({ object }, OUTSIDE_ANY_INPUT));
  return read && 'error' in read ? undefined : read;
}

function podSpecView(owner: Resource, path: FieldPath, spec: PodSpec): PodSpecView {
  const templateMetadata =
    owner.ref.kind === 'Pod' ? owner.object.metadata : dig(owner.object, [...path.slice(0, -1), 'metadata']);
  const containers: ContainerView[] = [];
  for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    spec[group]?.forEach((container, index) => {
      containers.push(new PodContainer(group, index, container, [...path, group, index], spec, path));
    });
  }
  return {
    owner,
    path,
    spec,
    podLabels: stringRecord(asRecord(templateMetadata).labels),
    podAnnotations: stringRecord(asRecord(templateMetadata).annotations),
    containers,
    // Only a custom kind that a CustomResourceDefinition makes cluster-scoped, and names like a workload, has none.
    namespace: owner.ref.namespace ?? DEFAULT_NAMESPACE,
    serviceAccountName: spec.serviceAccountName || spec.serviceAccount || 'default',
  };
}

/** A container of a pod spec; a class, so that its views share one `security` and keep no closure each. */
class PodContainer implements ContainerView {
  readonly #pod: PodSpec;
  readonly #podPath: FieldPath;

  constructor(
    readonly group: ContainerGroup,
    readonly index: number,
    readonly spec: Container,
    readonly path: FieldPath,
    pod: PodSpec,
    podPath: FieldPath,
  ) {
    this.#pod = pod;
    this.#podPath = podPath;
  }

  security<K extends keyof SecurityContext>(field: K): Located<NonNullable<SecurityContext[K]>> | undefined {
    type Found = Located<NonNullable<SecurityContext[K]>>;
    const own = this.spec.securityContext?.[field];
    if (own !== undefined) return { value: own, path: [...this.path, 'securityContext', field] } as Found;
    if (!(INHERITED as readonly string[]).includes(field)) return undefined;
    const inherited = this.#pod.securityContext?.[field as (typeof INHERITED)[number]];
    if (inherited === undefined) return undefined;
    return { value: inherited, path: [...this.#podPath, 'securityContext', field] } as unknown as Found;
  }
}

/** A NetworkPolicy's spec as the API server would accept it, or why it would not. */
export function parseNetworkPolicy(resource: Resource) {
  return NetworkPolicySpec.safeParse(withoutNulls(resource.object.spec ?? {}), { error: issueMessage });
}

function specError(resource: Resource, specPath: FieldPath, error: z.ZodError, consequence: string): ScanError {
  const [issue] = error.issues;
  const issuePath = [...specPath, ...((issue?.path ?? []) as (string | number)[])];
  return locatedError(resource, issuePath, `${issue?.message ?? 'invalid'}; ${consequence}`);
}

/**
 * The API server stores ConfigMap values as strings: `data: {port: 8080}` is rejected on apply. Checks reading a
 * value (a Corefile, a kubelet configuration) skip what is not a string; this says where and why.
 */
function configMapErrors(configMap: Resource): ScanError[] {
  const data = configMap.object.data;
  if (data === undefined || data === null) return [];
  if (typeof data !== 'object' || Array.isArray(data)) {
    return [locatedError(configMap, ['data'], 'expected a mapping of keys to strings; its data was not checked')];
  }
  return Object.entries(data)
    .filter(([, value]) => value !== null && typeof value !== 'string')
    .map(([key]) => locatedError(configMap, ['data', key], 'expected a string (quote it); this value was not checked'));
}

/**
 * The API server treats `field: null` (e.g. an empty `securityContext:` in YAML) as an absent field. Copied only when
 * a field is null: most objects have none, and audit logs bring a pod spec to read with every workload written.
 */
function withoutNulls(value: unknown): unknown {
  return hasNullField(value) ? copyWithoutNulls(value) : value;
}

function copyWithoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyWithoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = copyWithoutNulls(child);
  return out;
}

function hasNullField(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullField);
  if (value === null || typeof value !== 'object') return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    if (child === null || hasNullField(child)) return true;
  }
  return false;
}

/** Whether `copy` has a field, at any depth, that `original` (of which it is a validated copy) lacks. */
function addsFields(copy: unknown, original: unknown): boolean {
  if (copy === null || typeof copy !== 'object' || original === null || typeof original !== 'object') return false;
  for (const key in copy) {
    if (!Object.hasOwn(copy, key)) continue;
    if (!Object.hasOwn(original, key)) return true;
    if (addsFields((copy as Record<string, unknown>)[key], (original as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** What most objects have of annotations, and many of labels: one object for all of them. */
const NONE: Readonly<Record<string, string>> = Object.freeze({});

/** Labels and annotations as Kubernetes means them: strings. Numbers and booleans YAML gave us are stringified. */
function stringRecord(value: unknown): Readonly<Record<string, string>> {
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(asRecord(value))) {
    if (v === null || typeof v === 'object') continue;
    out ??= {};
    out[k] = String(v);
  }
  return out ?? NONE;
}
