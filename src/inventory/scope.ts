import { asRecord } from './records.js';

/**
 * Which kinds live in a namespace. An object that names none lives where it is applied (`kubectl apply -n NS`,
 * `helm template -n NS`), unless its kind is cluster-scoped: then it has no namespace, whatever it writes.
 */

/** Cluster-scoped kinds of the built-in API (`kubectl api-resources --namespaced=false`), by API group. */
const BUILT_IN_CLUSTER_SCOPED: Readonly<Record<string, readonly string[]>> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'authentication.k8s.io': ['TokenReview', 'SelfSubjectReview'],
  'authorization.k8s.io': ['SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'internal.apiserver.k8s.io': ['StorageVersion'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  policy: ['PodSecurityPolicy'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice', 'DeviceTaintRule'],
  'scheduling.k8s.io': ['PriorityClass'],
  'storage.k8s.io': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment', 'VolumeAttributesClass'],
  'storagemigration.k8s.io': ['StorageVersionMigration'],
  // The add-ons kubematrix reads, for inputs that do not carry their CustomResourceDefinitions.
  'gateway.networking.k8s.io': ['GatewayClass'],
  'kyverno.io': ['ClusterPolicy', 'ClusterCleanupPolicy'],
  'policies.kyverno.io': [
    'ValidatingPolicy',
    'MutatingPolicy',
    'GeneratingPolicy',
    'ImageValidatingPolicy',
    'DeletingPolicy',
  ],
  'templates.gatekeeper.sh': ['ConstraintTemplate'],
};

/** Groups the API server serves itself: no CustomResourceDefinition can define a kind in them. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
  ...[
    'admissionregistration',
    'apiextensions',
    'apiregistration',
    'authentication',
    'authorization',
    'certificates',
    'coordination',
    'discovery',
    'events',
    'flowcontrol.apiserver',
    'internal.apiserver',
    'networking',
    'node',
    'rbac.authorization',
    'resource',
    'scheduling',
    'storage',
    'storagemigration',
  ].map((name) => `${name}.k8s.io`),
]);

/**
 * Groups whose every kind is cluster-scoped: Gatekeeper's constraints, and the configuration files components read
 * (KubeletConfiguration, kubeadm's, audit policies, Kustomizations), which are no API objects and live nowhere.
 */
const CLUSTER_SCOPED_GROUP =
  /^(?:constraints\.gatekeeper\.sh|(?:.+\.)?config\.k8s\.io|kubeadm\.k8s\.io|audit\.k8s\.io)$/;

/** `apps` of `apps/v1`, `''` of `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether objects of a kind live in a namespace, as the API server serving it would say: the built-in API's table,
 * then the CustomResourceDefinitions among `objects` (`spec.scope`). A kind neither knows is taken for a namespaced
 * custom resource, as most are, unless its name starts with `Cluster` (ClusterIssuer, ClusterSecretStore), the
 * convention for cluster-scoped kinds.
 */
export function namespacedKinds(objects: Iterable<Readonly<Record<string, unknown>>>) {
  const defined = new Map<string, boolean>();
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition' || groupOf(String(object.apiVersion)) !== 'apiextensions.k8s.io')
      continue;
    const spec = asRecord(object.spec);
    const kind = asRecord(spec.names).kind;
    // One claiming a built-in kind would move Deployments or RoleBindings out of their namespaces: never so.
    if (typeof spec.group !== 'string' || typeof kind !== 'string' || BUILT_IN_GROUPS.has(spec.group)) continue;
    defined.set(identity(spec.group, kind), spec.scope !== 'Cluster');
  }
  return (apiVersion: string, kind: string): boolean => {
    const group = groupOf(apiVersion);
    if (BUILT_IN_CLUSTER_SCOPED[group]?.includes(kind) || CLUSTER_SCOPED_GROUP.test(group)) return false;
    return defined.get(identity(group, kind)) ?? !kind.startsWith('Cluster');
  };
}

const identity = (group: string, kind: string) => `${group}\u0000${kind}`;
