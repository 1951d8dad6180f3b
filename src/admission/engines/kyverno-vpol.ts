import { asRecord, type Inventory, POD_SPEC_PATHS, type Resource } from '../../inventory/index.js';
import { compileCel } from '../cel.js';
import type { AdmissionEngine, AdmissionRequest, Answering, PolicyOutcome } from '../types.js';
import {
  bodyMemo,
  outcomesOf,
  policyBody,
  requestVariable,
  runBodyOnce,
  unknownFor,
  validationActions,
} from './cel-policy.js';
import { matchResources, namespaceOf, objectName } from './match.js';

/**
 * Kyverno's CEL policies (`ValidatingPolicy`, `NamespacedValidatingPolicy`, policies.kyverno.io): the body of a
 * ValidatingAdmissionPolicy with its own `validationActions`, `evaluation` settings and autogen, which applies a
 * policy on pods to the pod template of each pod controller. Kyverno's own libraries (`resource.Get`, `http`,
 * `image`, …) are not in the evaluator: an expression using them is unproven.
 */

const GROUP = 'policies.kyverno.io/';
const KINDS = ['ValidatingPolicy', 'NamespacedValidatingPolicy'];

/** Controllers autogen covers unless the policy lists its own, by resource name. */
const AUTOGEN_DEFAULT = new Set(['daemonsets', 'deployments', 'jobs', 'statefulsets', 'replicasets', 'cronjobs']);

/** The controllers autogen covers for this policy. */
function autogenControllers(policy: Resource): ReadonlySet<string> {
  const listed = asRecord(asRecord(asRecord(policy.object.spec).autogen).podControllers).controllers;
  return Array.isArray(listed) ? new Set(listed.map((c) => String(c).toLowerCase())) : AUTOGEN_DEFAULT;
}

/** Each controller request's pod, made once for all the policies. */
const PODS = new WeakMap<AdmissionRequest, AdmissionRequest | undefined>();

/** The pod a controller's template makes, as the request autogen evaluates in its place. */
function podOfController(request: AdmissionRequest): AdmissionRequest | undefined {
  if (PODS.has(request)) return PODS.get(request);
  const pod = makePod(request);
  PODS.set(request, pod);
  return pod;
}

function makePod(request: AdmissionRequest): AdmissionRequest | undefined {
  const path = POD_SPEC_PATHS[request.kind.kind];
  if (!path || request.kind.kind === 'Pod') return undefined;
  const template = path.slice(0, -1).reduce<unknown>((node, key) => asRecord(node)[key], request.object);
  const { metadata, spec } = asRecord(template);
  if (spec === undefined) return undefined;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...asRecord(metadata), ...(request.namespace ? { namespace: request.namespace } : {}) },
    spec,
  };
  return {
    ...request,
    object: pod,
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    subResource: '',
  };
}

/** A CEL PolicyException naming the policy exempts requests its matchConditions all accept. */
function exemption(policy: Resource, request: AdmissionRequest, inventory: Inventory): 'exempt' | string | undefined {
  for (const exception of inventory.ofKind('PolicyException')) {
    if (!String(exception.object.apiVersion).startsWith(GROUP)) continue;
    const spec = asRecord(exception.object.spec);
    const refs = Array.isArray(spec.policyRefs) ? spec.policyRefs.map(asRecord) : [];
    if (!refs.some((ref) => ref.name === policy.ref.name && (ref.kind === undefined || ref.kind === policy.ref.kind)))
      continue;
    if (exception.ref.namespace && request.namespace !== exception.ref.namespace) continue;
    const conditions = Array.isArray(spec.matchConditions) ? spec.matchConditions.map(asRecord) : [];
    const results = conditions.map((condition) => {
      const program = compileCel(String(condition.expression ?? ''));
      if ('error' in program) return undefined;
      const outcome = program.evaluate({ object: request.object, oldObject: request.oldObject ?? null });
      return outcome.ok ? outcome.value : undefined;
    });
    if (results.some((r) => r === false)) continue;
    if (results.every((r) => r === true)) return 'exempt';
    return `PolicyException ${exception.ref.name} may exempt it: a matchCondition could not be evaluated`;
  }
  return undefined;
}

function evaluatePolicy(policy: Resource, request: AdmissionRequest, inventory: Inventory): PolicyOutcome[] {
  const spec = asRecord(policy.object.spec);
  const evaluation = asRecord(spec.evaluation);
  if (asRecord(evaluation.admission).enabled === false || evaluation.mode === 'JSON') return [];
  if (policy.ref.kind === 'NamespacedValidatingPolicy' && request.namespace !== (policy.ref.namespace ?? null))
    return [];
  const name = `${policy.ref.kind} ${policy.ref.name}`;
  const unproven = (reason: string): PolicyOutcome[] => [
    { engine: 'kyverno', policy, path: ['spec'], name, outcome: 'unproven', reason },
  ];
  // A pod controller is judged by the pod its template makes, when autogen covers it.
  let evaluated = request;
  let matched = matchResources(spec.matchConstraints, request, inventory);
  const pod = 'matches' in matched && !matched.matches ? podOfController(request) : undefined;
  if (pod && autogenControllers(policy).has(request.resource.resource)) {
    evaluated = pod;
    matched = matchResources(spec.matchConstraints, pod, inventory);
  }
  if ('unproven' in matched) return unproven(matched.unproven);
  if (!matched.matches) return [];
  const actions = validationActions(policy);
  if (!actions) return unproven(`${name} sets no validationActions`);
  const exempt = exemption(policy, evaluated, inventory);
  if (exempt === 'exempt') return [];
  if (exempt) return unproven(exempt);
  const namespace = namespaceOf(request, inventory);
  const unknown = unknownFor(request, namespace);
  const body = policyBody(policy);
  const result = runBodyOnce(
    body,
    {
      bindings: {
        object: evaluated.object,
        oldObject: evaluated.oldObject ?? null,
        request: requestVariable(evaluated, objectName(request)),
        namespaceObject: namespace?.object ?? null,
        params: null,
      },
      unknown,
    },
    bodyMemo(inventory),
  );
  return outcomesOf(result, {
    engine: 'kyverno',
    policy,
    name: evaluated === request ? name : `${name} (autogen for ${request.kind.kind})`,
    actions,
    failurePolicy: body.failurePolicy,
    related: [],
  });
}

const INDEXES = new WeakMap<Inventory, readonly Resource[]>();

function policiesOf(inventory: Inventory): readonly Resource[] {
  let policies = INDEXES.get(inventory);
  if (!policies) {
    policies = KINDS.flatMap((kind) => inventory.ofKind(kind)).filter((p) =>
      String(p.object.apiVersion).startsWith(GROUP),
    );
    INDEXES.set(inventory, policies);
  }
  return policies;
}

/** Without policies of its kind, an engine answers nothing: it neither denies nor warns. */
const hasPolicies = (inventory: Inventory) => policiesOf(inventory).length > 0;

export const kyvernoValidatingPolicyEngine: AdmissionEngine = {
  id: 'kyverno',
  evaluate(request, inventory, answering: Answering = 'all') {
    return policiesOf(inventory).flatMap((policy) =>
      answering === 'deny' && !validationActions(policy)?.has('Deny') ? [] : evaluatePolicy(policy, request, inventory),
    );
  },
  mayDeny: hasPolicies,
  mayAnswer: hasPolicies,
  dependsOn: (inventory) =>
    [
      ...policiesOf(inventory),
      ...inventory
        .ofKind('PolicyException')
        .filter((exception) => String(exception.object.apiVersion).startsWith(GROUP)),
    ].map((resource) => resource.object),
};
