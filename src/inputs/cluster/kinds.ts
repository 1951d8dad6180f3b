/**
 * What the collector lists: every kind a check reads, and those the issue's signals need next (namespaces for Pod
 * Security Admission labels, nodes, admission webhooks and policies, policy-engine and Gateway API resources).
 * deploy/'s ClusterRole grants `list` on exactly these; a test keeps the two in step.
 */
export interface CollectedKind {
  /** API group, `''` for the core group. */
  readonly group: string;
  /** Plural resource name, as in URLs and RBAC rules. */
  readonly resource: string;
  readonly kind: string;
  /**
   * Listed as PartialObjectMetadataList: names, labels and annotations cross the wire, values never do. A server
   * that cannot answer in that form leaves the kind unavailable rather than sending whole objects.
   */
  readonly metadataOnly?: true;
}

const core = (resource: string, kind: string, metadataOnly?: true): CollectedKind => ({
  group: '',
  resource,
  kind,
  ...(metadataOnly ? { metadataOnly } : {}),
});
const of =
  (group: string) =>
  (resource: string, kind: string): CollectedKind => ({ group, resource, kind });
const apps = of('apps');
const batch = of('batch');
const networking = of('networking.k8s.io');
const rbac = of('rbac.authorization.k8s.io');
const admission = of('admissionregistration.k8s.io');
const kyverno = of('kyverno.io');
const kyvernoCel = of('policies.kyverno.io');
const gatekeeper = of('templates.gatekeeper.sh');
const gateway = of('gateway.networking.k8s.io');

export const COLLECTED_KINDS: readonly CollectedKind[] = [
  core('namespaces', 'Namespace'),
  core('nodes', 'Node'),
  core('pods', 'Pod'),
  core('podtemplates', 'PodTemplate'),
  core('replicationcontrollers', 'ReplicationController'),
  core('services', 'Service'),
  core('serviceaccounts', 'ServiceAccount'),
  core('configmaps', 'ConfigMap'),
  core('secrets', 'Secret', true),
  core('limitranges', 'LimitRange'),
  apps('deployments', 'Deployment'),
  apps('statefulsets', 'StatefulSet'),
  apps('daemonsets', 'DaemonSet'),
  apps('replicasets', 'ReplicaSet'),
  batch('jobs', 'Job'),
  batch('cronjobs', 'CronJob'),
  networking('ingresses', 'Ingress'),
  networking('networkpolicies', 'NetworkPolicy'),
  rbac('roles', 'Role'),
  rbac('rolebindings', 'RoleBinding'),
  rbac('clusterroles', 'ClusterRole'),
  rbac('clusterrolebindings', 'ClusterRoleBinding'),
  admission('mutatingwebhookconfigurations', 'MutatingWebhookConfiguration'),
  admission('validatingwebhookconfigurations', 'ValidatingWebhookConfiguration'),
  admission('validatingadmissionpolicies', 'ValidatingAdmissionPolicy'),
  admission('validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding'),
  kyverno('clusterpolicies', 'ClusterPolicy'),
  kyverno('policies', 'Policy'),
  // What exempts from Kyverno's policies is read with them: without it, a policy would seem to reject what it lets by.
  kyverno('policyexceptions', 'PolicyException'),
  kyvernoCel('validatingpolicies', 'ValidatingPolicy'),
  kyvernoCel('namespacedvalidatingpolicies', 'NamespacedValidatingPolicy'),
  kyvernoCel('policyexceptions', 'PolicyException'),
  gatekeeper('constrainttemplates', 'ConstraintTemplate'),
  gateway('gateways', 'Gateway'),
  gateway('httproutes', 'HTTPRoute'),
  gateway('grpcroutes', 'GRPCRoute'),
  gateway('tlsroutes', 'TLSRoute'),
  gateway('tcproutes', 'TCPRoute'),
];

/** Counted per namespace with one-item lists, never collected: how many says something, the events themselves not. */
export const EVENTS: CollectedKind = core('events', 'Event');

/**
 * API groups whose every listable kind is collected, whatever discovery shows: their kinds are defined by the
 * cluster's users. Gatekeeper serves one kind per ConstraintTemplate (the template's `spec.crd.spec.names.kind`)
 * in `constraints.gatekeeper.sh`. deploy/'s ClusterRole grants `list` on `*` in each.
 */
export const COLLECTED_GROUPS: readonly string[] = ['constraints.gatekeeper.sh'];

/** `deployments.apps`, `secrets`: how RBAC and kubectl name a resource. */
export function qualifiedResource({ group, resource }: Pick<CollectedKind, 'group' | 'resource'>): string {
  return group ? `${resource}.${group}` : resource;
}
