import { asRecord, type Inventory, type Resource } from '../../inventory/index.js';
import { selects } from '../../k8s/selectors.js';
import type { AdmissionRequest } from '../types.js';

/**
 * Whether a request falls under a `matchResources` (ValidatingAdmissionPolicy `matchConstraints`, a binding's
 * `matchResources`, Kyverno ValidatingPolicy `matchConstraints`), as the API server decides it. A selector on a
 * namespace the input does not hold is `unproven`: its labels are unknown.
 */
export type MatchAnswer = { readonly matches: boolean } | { readonly unproven: string };

/** The label the API server puts on every Namespace, so selectors on it resolve even without the object. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

export function namespaceOf(request: AdmissionRequest, inventory: Inventory): Resource | undefined {
  const name = request.object.kind === 'Namespace' ? objectName(request) : request.namespace;
  return name ? inventory.find('Namespace', null, name) : undefined;
}

export function objectName(request: AdmissionRequest): string {
  const metadata = asRecord(request.object.metadata);
  return typeof metadata.name === 'string' ? metadata.name : '';
}

export function objectLabels(object: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(asRecord(asRecord(object.metadata).labels)).map(([k, v]) => [k, String(v)]));
}

function selectorKeys(selector: unknown): string[] {
  const { matchLabels, matchExpressions } = asRecord(selector);
  const expressions = Array.isArray(matchExpressions) ? matchExpressions.map((e) => String(asRecord(e).key)) : [];
  return [...Object.keys(asRecord(matchLabels)), ...expressions];
}

/**
 * A namespaceSelector against the request's namespace: an absent selector selects all; a cluster-scoped object other
 * than a Namespace is not subject to it.
 */
export function namespaceSelectorMatches(
  selector: unknown,
  request: AdmissionRequest,
  inventory: Inventory,
): MatchAnswer {
  if (selector === undefined || selector === null) return { matches: true };
  const name = request.object.kind === 'Namespace' ? objectName(request) : request.namespace;
  if (name === null || name === '') return { matches: true };
  const namespace = namespaceOf(request, inventory);
  const labels = { ...(namespace?.labels ?? {}), [NAME_LABEL]: name };
  if (!namespace && !selectorKeys(selector).every((key) => key === NAME_LABEL)) {
    return {
      unproven: `namespace ${name} is not in the input, so whether its labels match the namespaceSelector is unknown`,
    };
  }
  return { matches: selects(selector, labels) };
}

function listed(values: unknown, value: string): boolean {
  return Array.isArray(values) && values.some((item) => item === '*' || item === value);
}

function resourceListed(resources: unknown, resource: string, subResource: string): boolean {
  if (!Array.isArray(resources)) return false;
  return resources.some((entry) => {
    if (typeof entry !== 'string') return false;
    const [name, sub] = entry.split('/');
    if (subResource === '') return sub === undefined && (name === '*' || name === resource);
    return (name === '*' || name === resource) && (sub === '*' || sub === subResource);
  });
}

/** One NamedRuleWithOperations; `exact`: `matchPolicy: Exact`, where a rule names the versions it means. */
function ruleMatches(rule: unknown, request: AdmissionRequest, exact: boolean): boolean {
  const { operations, apiGroups, apiVersions, resources, resourceNames, scope } = asRecord(rule);
  if (!listed(operations, request.operation)) return false;
  if (!listed(apiGroups, request.resource.group)) return false;
  if (exact && !listed(apiVersions, request.resource.version)) return false;
  if (!resourceListed(resources, request.resource.resource, request.subResource)) return false;
  if (Array.isArray(resourceNames) && resourceNames.length > 0 && !resourceNames.includes(objectName(request)))
    return false;
  const namespaced = request.namespace !== null;
  if (scope === 'Cluster' && namespaced) return false;
  if (scope === 'Namespaced' && !namespaced) return false;
  return true;
}

/** A whole MatchResources: rules, exclusions and both selectors. */
export function matchResources(spec: unknown, request: AdmissionRequest, inventory: Inventory): MatchAnswer {
  const { resourceRules, excludeResourceRules, namespaceSelector, objectSelector, matchPolicy } = asRecord(spec);
  const exact = matchPolicy === 'Exact';
  if (!Array.isArray(resourceRules) || !resourceRules.some((rule) => ruleMatches(rule, request, exact)))
    return { matches: false };
  if (Array.isArray(excludeResourceRules) && excludeResourceRules.some((rule) => ruleMatches(rule, request, exact)))
    return { matches: false };
  if (objectSelector !== undefined && objectSelector !== null && !selects(objectSelector, objectLabels(request.object)))
    return { matches: false };
  return namespaceSelectorMatches(namespaceSelector, request, inventory);
}

/** Both must match; an unproven side leaves the whole unproven unless the other side rules the request out. */
export function both(a: MatchAnswer, b: () => MatchAnswer): MatchAnswer {
  if ('matches' in a && !a.matches) return a;
  const second = b();
  if ('matches' in second && !second.matches) return second;
  return 'unproven' in a ? a : second;
}
