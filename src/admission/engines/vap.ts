import { asRecord, type Inventory, type Resource } from '../../inventory/index.js';
import { selects } from '../../k8s/selectors.js';
import { type Access, fieldOf, mergeAccess, newAccess, requestKey } from '../access.js';
import type { AdmissionEngine, AdmissionRequest, Answering, PolicyOutcome } from '../types.js';
import {
  type Action,
  type BodyResult,
  bodyAccess,
  bodyMemo,
  outcomesOf,
  policyBody,
  requestVariable,
  runBodyOnce,
  unknownFor,
  validationActions,
} from './cel-policy.js';
import { both, matchResources, namespaceOf, objectName } from './match.js';

/**
 * ValidatingAdmissionPolicy and its bindings (admissionregistration.k8s.io v1, v1beta1, v1alpha1): what the API
 * server's own CEL admission does with a request. A policy without a binding does nothing.
 */

const GROUP = 'admissionregistration.k8s.io/';
const ofGroup = (resource: Resource) => String(resource.object.apiVersion ?? '').startsWith(GROUP);

const EVERYTHING = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*', '*/*'] };

/** The binding's actions; v1alpha1 had none and denied. */
function actionsOf(binding: Resource): Set<Action> | undefined {
  return (
    validationActions(binding) ??
    (String(binding.object.apiVersion).endsWith('/v1alpha1') ? new Set<Action>(['Deny']) : undefined)
  );
}

type Params =
  | { readonly objects: readonly Resource[] }
  | { readonly unproven: string }
  | { readonly error: string }
  /** No params object and `parameterNotFoundAction: Allow`: the binding does nothing. */
  | { readonly allowed: true };

/** The params objects a binding's `paramRef` picks, from the input; none when the policy takes no params. */
function paramsOf(policy: Resource, binding: Resource, request: AdmissionRequest, inventory: Inventory): Params {
  const paramKind = asRecord(asRecord(policy.object.spec).paramKind);
  if (typeof paramKind.kind !== 'string') return { objects: [] };
  const paramRef = asRecord(asRecord(binding.object.spec).paramRef);
  if (Object.keys(paramRef).length === 0)
    return { error: `the policy takes ${paramKind.kind} params and the binding gives no paramRef` };
  const candidates = inventory
    .ofKind(paramKind.kind)
    .filter((p) => paramKind.apiVersion === undefined || p.object.apiVersion === paramKind.apiVersion);
  const namespace = typeof paramRef.namespace === 'string' ? paramRef.namespace : request.namespace;
  const picked = candidates.filter(
    (p) =>
      (p.ref.namespace ?? null) === (namespace ?? null) ||
      (p.ref.namespace === undefined && paramRef.namespace === undefined),
  );
  const found =
    typeof paramRef.name === 'string'
      ? picked.filter((p) => p.ref.name === paramRef.name)
      : picked.filter((p) => selects(paramRef.selector ?? {}, p.labels));
  if (found.length > 0) return { objects: found };
  const wanted = typeof paramRef.name === 'string' ? `${paramKind.kind} ${paramRef.name}` : `${paramKind.kind} params`;
  if (!inventory.complete) return { unproven: `${wanted} for binding ${binding.ref.name} is not in the input` };
  // Deny is what the API server defaults an absent parameterNotFoundAction to.
  if (paramRef.parameterNotFoundAction !== 'Allow')
    return { error: `no ${wanted} found (parameterNotFoundAction Deny)` };
  return { allowed: true };
}

/** A binding with its policy, and what is read of them once: their match specs, actions, the policy's body. */
interface Bound {
  readonly policy: Resource;
  readonly binding: Resource;
  readonly name: string;
  readonly policyMatch: unknown;
  readonly bindingMatch: unknown;
  readonly actions: ReadonlySet<Action> | undefined;
  /** The outcomes of each body result when the policy takes no params: the same for every request that gets it. */
  readonly outcomes: WeakMap<BodyResult, PolicyOutcome[]>;
}

function bind(policy: Resource, binding: Resource): Bound {
  const resources = asRecord(asRecord(binding.object.spec).matchResources);
  // Without resourceRules a binding narrows only by its selectors and exclusions.
  const rules = Array.isArray(resources.resourceRules) && resources.resourceRules.length > 0;
  return {
    policy,
    binding,
    name: `ValidatingAdmissionPolicy ${policy.ref.name}`,
    policyMatch: asRecord(policy.object.spec).matchConstraints,
    bindingMatch: rules ? resources : { ...resources, resourceRules: [EVERYTHING] },
    actions: actionsOf(binding),
    outcomes: new WeakMap(),
  };
}

function evaluateBinding(bound: Bound, request: AdmissionRequest, inventory: Inventory): PolicyOutcome[] {
  const { policy, binding, name, actions } = bound;
  const unproven = (reason: string): PolicyOutcome[] => [
    {
      engine: 'validating-admission-policy',
      policy,
      path: ['spec'],
      name,
      outcome: 'unproven',
      reason,
      related: [binding],
    },
  ];
  const matched = both(matchResources(bound.policyMatch, request, inventory), () =>
    matchResources(bound.bindingMatch, request, inventory),
  );
  if ('unproven' in matched) return unproven(matched.unproven);
  if (!matched.matches) return [];
  if (!actions) return unproven(`binding ${binding.ref.name} sets no validationActions, which the API server requires`);
  const body = policyBody(policy);
  const params = paramsOf(policy, binding, request, inventory);
  if ('unproven' in params) return unproven(params.unproven);
  if ('allowed' in params) return [];
  const context = {
    engine: 'validating-admission-policy' as const,
    policy,
    name,
    actions,
    failurePolicy: body.failurePolicy,
    related: [binding, ...('objects' in params ? params.objects : [])],
  };
  if ('error' in params) {
    const results = body.validations.map((v) => ({ kind: 'error' as const, path: v.path, message: params.error }));
    return outcomesOf({ kind: 'evaluated', results }, context);
  }
  const namespace = namespaceOf(request, inventory);
  const unknown = unknownFor(request, namespace);
  const bindings = {
    object: request.object,
    oldObject: request.oldObject ?? null,
    request: requestVariable(request, objectName(request)),
    namespaceObject: namespace?.object ?? null,
    params: null,
  };
  const memo = bodyMemo(inventory);
  if (params.objects.length === 0) {
    const result = runBodyOnce(body, { bindings, unknown }, memo);
    let outcomes = bound.outcomes.get(result);
    if (!outcomes) {
      outcomes = outcomesOf(result, context);
      bound.outcomes.set(result, outcomes);
    }
    return outcomes;
  }
  return params.objects.flatMap((param) =>
    outcomesOf(runBodyOnce(body, { bindings: { ...bindings, params: param.object }, unknown }, memo), {
      ...context,
      related: [binding, param],
    }),
  );
}

interface Index {
  readonly bound: readonly Bound[];
  /** What of a request's objects the engine's answer can depend on; undefined when that cannot be said. */
  readonly reads: { readonly object: Access; readonly oldObject: Access } | undefined;
  /** The engine's outcomes per distinct request, as {@link requestKey} tells them apart. */
  readonly answers: Map<string, PolicyOutcome[]>;
}

/**
 * What every binding's answer can depend on besides the request's kind, resource, operation and namespace (which
 * give the namespace object and params too): the fields of `object` and `oldObject` their bodies read, the labels
 * where an objectSelector reads them, the name where resourceNames or `request.name` does.
 */
function readsOf(bound: readonly Bound[]): Index['reads'] {
  const object = newAccess();
  const oldObject = newAccess();
  const metadata = fieldOf(object, 'metadata');
  fieldOf(object, 'kind').whole = true;
  for (const { policy, policyMatch, bindingMatch } of bound) {
    const roots = bodyAccess(policyBody(policy));
    if (!roots) return undefined;
    for (const [name, access] of roots) {
      if (name === 'object') mergeAccess(object, access);
      if (name === 'oldObject') mergeAccess(oldObject, access);
      if (name === 'request' && (access.whole || access.fields.has('name'))) fieldOf(metadata, 'name').whole = true;
    }
    for (const match of [policyMatch, bindingMatch]) {
      const { objectSelector, resourceRules, excludeResourceRules } = asRecord(match);
      if (objectSelector !== undefined && objectSelector !== null) fieldOf(metadata, 'labels').whole = true;
      const rules = [resourceRules, excludeResourceRules].flatMap((list) => (Array.isArray(list) ? list : []));
      if (rules.some((rule) => Array.isArray(asRecord(rule).resourceNames))) fieldOf(metadata, 'name').whole = true;
    }
  }
  return { object, oldObject };
}

const INDEXES = new WeakMap<Inventory, Index>();

function indexOf(inventory: Inventory): Index {
  let index = INDEXES.get(inventory);
  if (!index) {
    const policies = new Map(
      inventory
        .ofKind('ValidatingAdmissionPolicy')
        .filter(ofGroup)
        .map((p) => [p.ref.name, p] as const),
    );
    const bound = inventory
      .ofKind('ValidatingAdmissionPolicyBinding')
      .filter(ofGroup)
      .flatMap((binding) => {
        const policy = policies.get(String(asRecord(binding.object.spec).policyName));
        return policy ? [bind(policy, binding)] : [];
      });
    index = { bound, reads: readsOf(bound), answers: new Map() };
    INDEXES.set(inventory, index);
  }
  return index;
}

/** Without policies of its kind, an engine answers nothing: it neither denies nor warns. */
const hasPolicies = (inventory: Inventory) => indexOf(inventory).bound.length > 0;

export const validatingAdmissionPolicyEngine: AdmissionEngine = {
  id: 'validating-admission-policy',
  evaluate(request, inventory, answering: Answering = 'all') {
    const { bound, reads, answers } = indexOf(inventory);
    if (!bound.length) return [];
    const evaluateAll = () =>
      bound.flatMap((each) =>
        answering === 'deny' && !each.actions?.has('Deny') ? [] : evaluateBinding(each, request, inventory),
      );
    const key = reads && requestKey(request, reads.object, reads.oldObject, answering);
    if (key === undefined) return evaluateAll();
    let outcomes = answers.get(key);
    if (!outcomes) {
      outcomes = evaluateAll();
      answers.set(key, outcomes);
    }
    return outcomes;
  },
  mayDeny: hasPolicies,
  mayAnswer: hasPolicies,
  // Params objects are read by `paramKind`, which the simulation takes for reading names.
  dependsOn: (inventory) => indexOf(inventory).bound.flatMap(({ policy, binding }) => [policy.object, binding.object]),
};
