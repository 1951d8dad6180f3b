import { asRecord, type Inventory, POD_SPEC_PATHS } from '../inventory/index.js';
import { nameTable } from '../util/lookup.js';
import { ENGINES } from './engines/index.js';
import type { AdmissionEngine, AdmissionRequest, AdmissionResult, Answering, PolicyOutcome, Verdict } from './types.js';
import { VERDICTS } from './types.js';

export type { AdmissionEngine, AdmissionRequest, AdmissionResult, Answering, PolicyOutcome, Verdict } from './types.js';

/**
 * `admit`: what the cluster's own admission control does with a request to create an object in a namespace. Every
 * registered engine answers for its policies; their outcomes combine as the API server combines them: one deny
 * rejects; otherwise a policy that may deny but could not be evaluated leaves the answer unproven; otherwise the
 * request goes through, warned or audited if a policy said so.
 */

/** API plural names of the kinds admission policies name; other kinds get the API server's default plural. */
const PLURALS: Readonly<Record<string, string>> = nameTable({
  Endpoints: 'endpoints',
  NetworkPolicy: 'networkpolicies',
  PodSecurityPolicy: 'podsecuritypolicies',
  Ingress: 'ingresses',
  IngressClass: 'ingressclasses',
  StorageClass: 'storageclasses',
  PriorityClass: 'priorityclasses',
  RuntimeClass: 'runtimeclasses',
  ClusterPolicy: 'clusterpolicies',
  Policy: 'policies',
  ValidatingAdmissionPolicy: 'validatingadmissionpolicies',
  MutatingAdmissionPolicy: 'mutatingadmissionpolicies',
});

/** `Deployment` → `deployments`, `NetworkPolicy` → `networkpolicies`, `Ingress` → `ingresses`. */
export function pluralOf(kind: string): string {
  const known = PLURALS[kind];
  if (known) return known;
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/** `apps/v1` → group `apps`, version `v1`; `v1` → the core group. */
function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export interface RequestOptions {
  readonly operation?: AdmissionRequest['operation'];
  readonly subResource?: string;
  readonly oldObject?: AdmissionRequest['oldObject'];
}

/** The request the API server hands admission for `object` in `namespace` (`null`: cluster-scoped). */
export function admissionRequest(
  object: Readonly<Record<string, unknown>>,
  namespace: string | null,
  { operation = 'CREATE', subResource = '', oldObject }: RequestOptions = {},
): AdmissionRequest {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const { group, version } = groupVersion(typeof object.apiVersion === 'string' ? object.apiVersion : '');
  const metadata = asRecord(object.metadata);
  // The API server fills the namespace of a namespaced object from the request path.
  const placed = namespace === null ? object : { ...object, metadata: { ...metadata, namespace } };
  return {
    object: placed,
    namespace,
    operation,
    kind: { group, version, kind },
    resource: { group, version, resource: pluralOf(kind) },
    subResource,
    ...(oldObject ? { oldObject } : {}),
  };
}

/** How each verdict reads in a reason, and which outcome of a policy leads to it. */
const OUTCOME_VERDICT: Readonly<Record<PolicyOutcome['outcome'], Verdict>> = {
  deny: 'rejected',
  unproven: 'unproven',
  warn: 'warned',
  audit: 'audited',
  pass: 'admitted',
};

const rank = (verdict: Verdict) => VERDICTS.indexOf(verdict);

/** The verdict one request gets from the engines' outcomes, with the outcomes behind it and why. */
export function combine(outcomes: readonly PolicyOutcome[], what: string): AdmissionResult {
  let verdict: Verdict = 'admitted';
  for (const outcome of outcomes) {
    const candidate = OUTCOME_VERDICT[outcome.outcome];
    if (rank(candidate) < rank(verdict)) verdict = candidate;
  }
  const by = outcomes.filter((outcome) => OUTCOME_VERDICT[outcome.outcome] === verdict && outcome.outcome !== 'pass');
  return { verdict, by, reason: reasonFor(verdict, by, what) };
}

function reasonFor(verdict: Verdict, by: readonly PolicyOutcome[], what: string): string {
  const names = by.map((outcome) => {
    const detail = outcome.outcome === 'unproven' ? outcome.reason : outcome.message;
    return detail ? `${outcome.name} (${detail})` : outcome.name;
  });
  const list = names.join('; ');
  switch (verdict) {
    case 'rejected':
      return `${what} is rejected by ${list}`;
    case 'unproven':
      return `${what} may be rejected, which could not be evaluated: ${list}`;
    case 'warned':
      return `${what} is admitted with a warning from ${list}`;
    case 'audited':
      return `${what} is admitted and recorded by ${list}`;
    default:
      return `${what} is admitted: no policy in the input rejects it`;
  }
}

/** The kind of object each pod-template workload's controller creates, down to the Pod. */
const CREATES: Readonly<Record<string, { apiVersion: string; kind: string }>> = nameTable({
  Deployment: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  CronJob: { apiVersion: 'batch/v1', kind: 'Job' },
});

/**
 * The objects a workload's controllers create in turn: a CronJob's Job, then the Pod of a Job, ReplicaSet, … built
 * from the template with its labels, annotations and an owner reference to the controller, as the controller does.
 * A Deployment's ReplicaSet is left out: it carries the same template as the Deployment.
 */
export function createdObjects(object: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>[] {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const specPath = POD_SPEC_PATHS[kind];
  if (!specPath || kind === 'Pod' || kind === 'PodTemplate') return [];
  const metadata = asRecord(object.metadata);
  const name = typeof metadata.name === 'string' ? metadata.name : kind.toLowerCase();
  if (kind === 'CronJob') {
    const jobTemplate = asRecord(asRecord(object.spec).jobTemplate);
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { ...asRecord(jobTemplate.metadata), name: `${name}-1`, ownerReferences: [owner(object, name)] },
      spec: jobTemplate.spec ?? {},
    };
    return [job, ...createdObjects(job)];
  }
  const template = asRecord(asRecord(object.spec).template);
  const templateMetadata = asRecord(template.metadata);
  // A Deployment's pods are owned by its ReplicaSet.
  const controllerRef = CREATES[kind]
    ? { ...CREATES[kind], name: `${name}-1`, uid: '', controller: true, blockOwnerDeletion: true }
    : owner(object, name);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(templateMetadata.labels ? { labels: templateMetadata.labels } : {}),
      ...(templateMetadata.annotations ? { annotations: templateMetadata.annotations } : {}),
      name: `${name}-1`,
      ownerReferences: [controllerRef],
    },
    spec: template.spec ?? {},
  };
  return [pod];
}

function owner(object: Readonly<Record<string, unknown>>, name: string) {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name,
    uid: '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function describeRequest(request: AdmissionRequest): string {
  const name = asRecord(request.object.metadata).name;
  const where = request.namespace === null ? '' : ` in ${request.namespace}`;
  const sub = request.subResource ? ` (${request.resource.resource}/${request.subResource} ${request.operation})` : '';
  return `${request.kind.kind} ${typeof name === 'string' ? name : '(unnamed)'}${where}${sub}`;
}

/** A request and, for a pod-template workload, those its controllers would make from it: the Job, the Pod. */
export function requestsFrom(request: AdmissionRequest): AdmissionRequest[] {
  if (request.subResource) return [request];
  return [request, ...createdObjects(request.object).map((object) => admissionRequest(object, request.namespace))];
}

/** Every engine's outcomes for one request. */
export function outcomesOf(
  request: AdmissionRequest,
  inventory: Inventory,
  engines: readonly AdmissionEngine[] = ENGINES,
  answering: Answering = 'all',
): PolicyOutcome[] {
  return engines.flatMap((engine) => engine.evaluate(request, inventory, answering));
}

/**
 * The verdict on a request and, for a pod-template workload, on the objects its controllers would create: the
 * worst of them, since a workload whose pods are rejected runs nothing.
 */
export function admitRequest(
  request: AdmissionRequest,
  inventory: Inventory,
  engines: readonly AdmissionEngine[] = ENGINES,
  answering: Answering = 'all',
): AdmissionResult {
  let worst: AdmissionResult | undefined;
  for (const each of requestsFrom(request)) {
    const result = combine(outcomesOf(each, inventory, engines, answering), describeRequest(each));
    if (!worst || rank(result.verdict) < rank(worst.verdict)) worst = result;
    if (worst.verdict === 'rejected') break;
  }
  return worst as AdmissionResult;
}

/** {@link admitRequest} for creating `object` in `namespace`. */
export function admit(
  object: Readonly<Record<string, unknown>>,
  namespace: string | null,
  inventory: Inventory,
  engines: readonly AdmissionEngine[] = ENGINES,
): AdmissionResult {
  return admitRequest(admissionRequest(object, namespace), inventory, engines);
}

/**
 * {@link admit} when only a rejection matters: the result if the input's enforcing admission rejects creating
 * `object` in `namespace`, the same as {@link admit} gives then; undefined otherwise. Policies that only warn or
 * audit are not evaluated.
 */
export function rejection(
  object: Readonly<Record<string, unknown>>,
  namespace: string | null,
  inventory: Inventory,
  engines: readonly AdmissionEngine[] = ENGINES,
): AdmissionResult | undefined {
  // Nothing to build per object when no engine can reject anything in this input.
  if (!engines.some((engine) => engine.mayDeny?.(inventory) ?? true)) return undefined;
  const result = admitRequest(admissionRequest(object, namespace), inventory, engines, 'deny');
  return result.verdict === 'rejected' ? result : undefined;
}
