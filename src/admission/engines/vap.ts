import { asRecord, type Inventory, type Resource } from '../../inventory/index.js';
import { selects } from '../../k8s/selectors.js';
import type { AdmissionEngine, AdmissionRequest, PolicyOutcome } from '../types.js';
import {
  type Action,
  outcomesOf,
  policyBody,
  requestVariable,
  runBody,
  UNKNOWABLE,
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

function evaluateBinding(
  policy: Resource,
  binding: Resource,
  request: AdmissionRequest,
  inventory: Inventory,
): PolicyOutcome[] {
  const spec = asRecord(policy.object.spec);
  const name = `ValidatingAdmissionPolicy ${policy.ref.name}`;
  const unproven = (reason: string, related: readonly Resource[] = [binding]): PolicyOutcome[] => [
    { engine: 'validating-admission-policy', policy, path: ['spec'], name, outcome: 'unproven', reason, related },
  ];
  const matched = both(matchResources(spec.matchConstraints, request, inventory), () => {
    const resources = asRecord(asRecord(binding.object.spec).matchResources);
    // Without resourceRules a binding narrows only by its selectors and exclusions.
    const rules = Array.isArray(resources.resourceRules) && resources.resourceRules.length > 0;
    return matchResources(rules ? resources : { ...resources, resourceRules: [EVERYTHING] }, request, inventory);
  });
  if ('unproven' in matched) return unproven(matched.unproven);
  if (!matched.matches) return [];
  const actions = actionsOf(binding);
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
  const unknown = new Map(UNKNOWABLE);
  if (request.namespace !== null && !namespace)
    unknown.set('namespaceObject', `reads namespaceObject, and namespace ${request.namespace} is not in the input`);
  const bindings = {
    object: request.object,
    oldObject: request.oldObject ?? null,
    request: requestVariable(request, objectName(request)),
    namespaceObject: namespace?.object ?? null,
  };
  const paramObjects = 'objects' in params && params.objects.length > 0 ? params.objects : [undefined];
  return paramObjects.flatMap((param) =>
    outcomesOf(runBody(body, { bindings: { ...bindings, params: param?.object ?? null }, unknown }), {
      ...context,
      related: param ? [binding, param] : [binding],
    }),
  );
}

interface Index {
  readonly policies: ReadonlyMap<string, Resource>;
  readonly bindings: readonly Resource[];
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
    index = { policies, bindings: inventory.ofKind('ValidatingAdmissionPolicyBinding').filter(ofGroup) };
    INDEXES.set(inventory, index);
  }
  return index;
}

export const validatingAdmissionPolicyEngine: AdmissionEngine = {
  id: 'validating-admission-policy',
  evaluate(request, inventory) {
    const { policies, bindings } = indexOf(inventory);
    return bindings.flatMap((binding) => {
      const policy = policies.get(String(asRecord(binding.object.spec).policyName));
      return policy ? evaluateBinding(policy, binding, request, inventory) : [];
    });
  },
};
