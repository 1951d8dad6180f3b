import { asRecord } from '../inventory/index.js';
import type { PolicyRule, Scope } from './types.js';

export const CLUSTER: Scope = { cluster: true };

export function inNamespace(namespace: string): Scope {
  return { cluster: false, namespace };
}

/** Whether a grant at `scope` applies to a request in `namespace` (undefined: a cluster-wide request). */
export function covers(scope: Scope, namespace: string | null | undefined): boolean {
  return scope.cluster || (namespace !== undefined && scope.namespace === namespace);
}

/** Reads a `rules` entry defensively: a malformed list grants nothing rather than failing the scan. */
export function toPolicyRule(value: unknown): PolicyRule {
  const record = asRecord(value);
  return {
    verbs: strings(record.verbs),
    apiGroups: strings(record.apiGroups),
    resources: strings(record.resources),
    resourceNames: strings(record.resourceNames),
    nonResourceURLs: strings(record.nonResourceURLs),
  };
}

function strings(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return [];
  // Well-formed lists, nearly all of them, are used as they are: policies run to tens of thousands of rules.
  return value.every((item) => typeof item === 'string') ? value : value.filter((item) => typeof item === 'string');
}

/** Groups of the resources people ask about by bare name (`pods`, `deployments`); others match any group. */
const WELL_KNOWN_GROUPS: Readonly<Record<string, string>> = {
  pods: '',
  secrets: '',
  configmaps: '',
  services: '',
  serviceaccounts: '',
  nodes: '',
  namespaces: '',
  events: '',
  endpoints: '',
  persistentvolumes: '',
  persistentvolumeclaims: '',
  replicationcontrollers: '',
  podtemplates: '',
  users: '',
  groups: '',
  deployments: 'apps',
  daemonsets: 'apps',
  statefulsets: 'apps',
  replicasets: 'apps',
  controllerrevisions: 'apps',
  jobs: 'batch',
  cronjobs: 'batch',
  roles: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  validatingadmissionpolicies: 'admissionregistration.k8s.io',
  validatingadmissionpolicybindings: 'admissionregistration.k8s.io',
  selfsubjectaccessreviews: 'authorization.k8s.io',
  selfsubjectrulesreviews: 'authorization.k8s.io',
  subjectaccessreviews: 'authorization.k8s.io',
  selfsubjectreviews: 'authentication.k8s.io',
  tokenreviews: 'authentication.k8s.io',
  leases: 'coordination.k8s.io',
  certificatesigningrequests: 'certificates.k8s.io',
  signers: 'certificates.k8s.io',
  ingresses: 'networking.k8s.io',
  networkpolicies: 'networking.k8s.io',
  customresourcedefinitions: 'apiextensions.k8s.io',
};

/** Every resource whose group is well known, with it: what a `*` of resources covers, as far as the names go. */
export const WELL_KNOWN_RESOURCES: readonly (readonly [resource: string, group: string])[] =
  Object.entries(WELL_KNOWN_GROUPS);

export function wellKnownGroup(resource: string): string | undefined {
  return WELL_KNOWN_GROUPS[resource];
}

/**
 * Cluster-scoped resources: a RoleBinding cannot grant them. `namespaces` is not here: a RoleBinding does reach
 * its own Namespace object. Nor are `clusterroles`: `bind` on a ClusterRole is checked in the binding's namespace.
 */
const CLUSTER_SCOPED = new Set([
  'nodes',
  'persistentvolumes',
  'clusterrolebindings',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'certificatesigningrequests',
  'signers',
  'customresourcedefinitions',
  'apiservices',
  'storageclasses',
  'priorityclasses',
  'runtimeclasses',
  'users',
  'groups',
  'uids',
  'userextras',
]);

/** Whether `resource`, named without its subresource (`nodes` for `nodes/proxy`), is cluster-scoped. */
export function isClusterScoped(resource: string): boolean {
  return CLUSTER_SCOPED.has(resource);
}

/** `pods`, `pods/exec`, `deployments.apps`, `deployments.apps/scale` as kubectl writes them. */
export function parseResource(text: string): { resource: string; subresource?: string; apiGroup?: string } {
  const [qualified = '', subresource] = text.split('/', 2);
  const dot = qualified.indexOf('.');
  const resource = dot < 0 ? qualified : qualified.slice(0, dot);
  const apiGroup = dot < 0 ? wellKnownGroup(resource) : qualified.slice(dot + 1);
  return {
    resource,
    ...(subresource ? { subresource } : {}),
    ...(apiGroup !== undefined ? { apiGroup } : {}),
  };
}

/** What a rule allows of a resource: every object, only the named ones, or nothing. */
export type Reach = 'all' | readonly string[] | undefined;

/**
 * Kubernetes' RBAC rule matching for a resource request made without an object name: `*` wildcards,
 * `*\/subresource`, and resourceNames, which restrict a rule to named objects (and so never allow `create`
 * or `deletecollection` of a resource itself: those requests carry no name).
 * `apiGroup` undefined matches any group.
 */
export function ruleReach(
  rule: PolicyRule,
  verb: string,
  apiGroup: string | undefined,
  resource: string,
  subresource?: string,
): Reach {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(verb)) return undefined;
  // Any group still needs the rule to name one: a rule without apiGroups matches no resource request.
  if (apiGroup === undefined ? !rule.apiGroups.length : !groupMatches(rule.apiGroups, apiGroup)) return undefined;
  if (!resourceMatches(rule.resources, resource, subresource)) return undefined;
  if (!rule.resourceNames.length) return 'all';
  if (!subresource && (verb === 'create' || verb === 'deletecollection')) return undefined;
  return rule.resourceNames;
}

function groupMatches(apiGroups: readonly string[], apiGroup: string): boolean {
  return apiGroups.includes('*') || apiGroups.includes(apiGroup);
}

function resourceMatches(resources: readonly string[], resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return resources.some(
    (entry) => entry === '*' || entry === combined || (subresource !== undefined && entry === `*/${subresource}`),
  );
}

/** Non-resource URLs match exactly, or by prefix when the rule's URL ends in `*`. */
export function urlAllowed(rule: PolicyRule, verb: string, url: string): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(verb)) return false;
  return rule.nonResourceURLs.some(
    (entry) => entry === url || (entry.endsWith('*') && url.startsWith(entry.slice(0, -1))),
  );
}

export function reachAllows(reach: Reach, name: string | undefined): boolean {
  return reach === 'all' || (reach !== undefined && name !== undefined && reach.includes(name));
}

/** Index keys that may hold rules matching a request: the exact resource and the wildcards that cover it. */
export function lookupKeys(resource: string, subresource: string | undefined): string[] {
  if (subresource) return [`${resource}/${subresource}`, '*', `*/${subresource}`];
  return resource === '*' ? ['*'] : [resource, '*'];
}
