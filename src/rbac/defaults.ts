import type { PolicyRule, Subject } from './types.js';

/**
 * The ClusterRoles and ClusterRoleBindings every cluster has, from Kubernetes' bootstrap policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), reduced to the rules that matter for security.
 * They are known even when the input lacks them, so that a binding to `edit` or `cluster-admin` resolves.
 */

export interface DefaultClusterRole {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** matchLabels of the role's single aggregation selector: its rules are those of the roles it selects. */
  readonly aggregates?: Readonly<Record<string, string>>;
  readonly rules: readonly PolicyRule[];
}

export interface DefaultClusterRoleBinding {
  readonly name: string;
  readonly role: string;
  readonly subjects: readonly Subject[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

function rule(
  verbs: readonly string[],
  apiGroups: readonly string[],
  resources: readonly string[],
  names: readonly string[] = [],
): PolicyRule {
  return { verbs, apiGroups, resources, resourceNames: names, nonResourceURLs: [] };
}

function urls(...nonResourceURLs: string[]): PolicyRule {
  return { verbs: ['get'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs };
}

const EVENTS = rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);
const AGGREGATE_TO = (role: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${role}`]: 'true' });

export const DEFAULT_CLUSTER_ROLES: readonly DefaultClusterRole[] = [
  {
    name: 'cluster-admin',
    rules: [rule(['*'], ['*'], ['*']), { ...urls('*'), verbs: ['*'] }],
  },
  { name: 'admin', aggregates: AGGREGATE_TO('admin'), rules: [] },
  { name: 'edit', labels: AGGREGATE_TO('admin'), aggregates: AGGREGATE_TO('edit'), rules: [] },
  { name: 'view', labels: AGGREGATE_TO('edit'), aggregates: AGGREGATE_TO('view'), rules: [] },
  {
    name: 'system:aggregate-to-admin',
    labels: AGGREGATE_TO('admin'),
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings']),
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: AGGREGATE_TO('edit'),
    rules: [
      rule(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [''], ['pods/eviction']),
      rule(
        WRITE,
        [''],
        [
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/proxy',
          'persistentvolumeclaims',
          'configmaps',
          'secrets',
          'events',
        ],
      ),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(
        WRITE,
        ['apps'],
        [
          'statefulsets',
          'statefulsets/scale',
          'daemonsets',
          'deployments',
          'deployments/scale',
          'deployments/rollback',
          'replicasets',
          'replicasets/scale',
        ],
      ),
      rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
      rule(WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
      rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: AGGREGATE_TO('view'),
    rules: [
      rule(
        READ,
        [''],
        [
          'pods',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/status',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'configmaps',
        ],
      ),
      rule(
        READ,
        [''],
        [
          'limitranges',
          'resourcequotas',
          'bindings',
          'events',
          'pods/status',
          'resourcequotas/status',
          'namespaces/status',
          'replicationcontrollers/status',
          'pods/log',
        ],
      ),
      rule(READ, [''], ['namespaces']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(
        READ,
        ['apps'],
        [
          'controllerrevisions',
          'statefulsets',
          'statefulsets/status',
          'statefulsets/scale',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/status',
          'deployments/scale',
          'replicasets',
          'replicasets/status',
          'replicasets/scale',
        ],
      ),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
    ],
  },
  {
    name: 'system:discovery',
    rules: [
      urls(
        '/livez',
        '/readyz',
        '/healthz',
        '/version',
        '/version/',
        '/openapi',
        '/openapi/*',
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
      ),
    ],
  },
  { name: 'system:public-info-viewer', rules: [urls('/livez', '/readyz', '/healthz', '/version', '/version/')] },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  {
    name: 'system:monitoring',
    rules: [urls('/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*')],
  },
  {
    name: 'system:service-account-issuer-discovery',
    rules: [urls('/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks')],
  },
  {
    // Bound to no one: the Node authorizer grants nodes these rights, restricted to their own pods.
    name: 'system:node',
    rules: [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
      rule(READ, [''], ['services']),
      rule(['create', 'get', 'list', 'watch', 'update', 'patch'], [''], ['nodes']),
      rule(['update', 'patch'], [''], ['nodes/status']),
      EVENTS,
      rule([...READ, 'create', 'delete'], [''], ['pods']),
      rule(['update', 'patch'], [''], ['pods/status']),
      rule(['create'], [''], ['pods/eviction']),
      rule(READ, [''], ['secrets', 'configmaps']),
      rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes', 'endpoints']),
      rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  {
    name: 'system:kube-controller-manager',
    rules: [
      EVENTS,
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
      rule(['create', 'delete', 'update'], [''], ['secrets']),
      rule(['create', 'update'], [''], ['serviceaccounts']),
      rule(['get'], [''], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      // Its shared informers watch everything, secrets included.
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  {
    name: 'system:kube-scheduler',
    rules: [
      EVENTS,
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      rule(READ, [''], ['nodes', 'namespaces', 'services', 'replicationcontrollers']),
      rule(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule([...READ, 'delete'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding', 'bindings']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(READ, ['apps'], ['replicasets', 'statefulsets']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, ['storage.k8s.io'], ['csinodes', 'csidrivers', 'csistoragecapacities']),
    ],
  },
  {
    name: 'system:volume-scheduler',
    rules: [
      rule([...READ, 'update', 'patch'], [''], ['persistentvolumes', 'persistentvolumeclaims']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
    ],
  },
  {
    name: 'system:node-proxier',
    rules: [
      rule(['list', 'watch'], [''], ['services', 'endpoints']),
      rule(READ, [''], ['nodes']),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
      EVENTS,
    ],
  },
  { name: 'system:kube-dns', rules: [rule(['list', 'watch'], [''], ['endpoints', 'services'])] },
  {
    name: 'system:auth-delegator',
    rules: [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ],
  },
  {
    name: 'system:kubelet-api-admin',
    rules: [
      rule(READ, [''], ['nodes']),
      rule(['proxy'], [''], ['nodes']),
      rule(['*'], [''], ['nodes/proxy', 'nodes/metrics', 'nodes/stats', 'nodes/log']),
    ],
  },
  {
    name: 'system:node-bootstrapper',
    rules: [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])],
  },
  {
    name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
    rules: [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])],
  },
  {
    name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
    rules: [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])],
  },
  {
    name: 'system:persistent-volume-provisioner',
    rules: [
      rule([...READ, 'create', 'delete'], [''], ['persistentvolumes']),
      rule([...READ, 'update'], [''], ['persistentvolumeclaims']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      EVENTS,
    ],
  },
];

const group = (name: string): Subject => ({ kind: 'Group', namespace: null, name });
const user = (name: string): Subject => ({ kind: 'User', namespace: null, name });

export const DEFAULT_CLUSTER_ROLE_BINDINGS: readonly DefaultClusterRoleBinding[] = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [group('system:masters')] },
  { name: 'system:monitoring', role: 'system:monitoring', subjects: [group('system:monitoring')] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [group('system:authenticated')] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [group('system:authenticated')] },
  {
    name: 'system:public-info-viewer',
    role: 'system:public-info-viewer',
    subjects: [group('system:authenticated'), group('system:unauthenticated')],
  },
  {
    name: 'system:service-account-issuer-discovery',
    role: 'system:service-account-issuer-discovery',
    subjects: [group('system:serviceaccounts')],
  },
  { name: 'system:node-proxier', role: 'system:node-proxier', subjects: [user('system:kube-proxy')] },
  {
    name: 'system:kube-controller-manager',
    role: 'system:kube-controller-manager',
    subjects: [user('system:kube-controller-manager')],
  },
  {
    name: 'system:kube-dns',
    role: 'system:kube-dns',
    subjects: [{ kind: 'ServiceAccount', namespace: 'kube-system', name: 'kube-dns' }],
  },
  { name: 'system:kube-scheduler', role: 'system:kube-scheduler', subjects: [user('system:kube-scheduler')] },
  { name: 'system:volume-scheduler', role: 'system:volume-scheduler', subjects: [user('system:kube-scheduler')] },
  { name: 'system:node', role: 'system:node', subjects: [] },
];

/** The label the API server puts on every role and binding it creates at bootstrap. */
export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

/**
 * Kubernetes' own roles: the ones kubematrix knows by name, and any other `system:` role carrying the bootstrap
 * label (a live cluster has dozens of `system:controller:*` roles). A chart's own role named `system:…` without
 * the label is not Kubernetes', and naming it so must not hide what it grants.
 */
export function isDefaultRole(name: string, labels: Readonly<Record<string, string>>): boolean {
  return (
    DEFAULT_CLUSTER_ROLES.some((role) => role.name === name) ||
    (name.startsWith('system:') && labels[BOOTSTRAP_LABEL] === 'rbac-defaults')
  );
}

/** Members of this group pass authorization without any binding (the API server's "privileged group"). */
export const SUPERUSER_GROUP = 'system:masters';
