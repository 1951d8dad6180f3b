import { AttackPaths, type GraphEdge, type GraphNode } from '../../src/model/paths.js';
import type { Evidence, ResourceRef } from '../../src/model/report.js';

/**
 * Hand-made attack paths of a small shop, as `attackPaths` should build them from its manifests (deploy/*.yaml):
 * - the internet-facing Deployment shop/web runs a privileged container: it escapes to a node, whose root is a
 *   target, and reads the tokens of the pods there, among them ServiceAccount shop/shop-operator's;
 * - shop-operator is bound to cluster-admin by ClusterRoleBinding shop-operator: cluster-admin, every secret;
 * - user alice may create pods in shop: a pod running as shop-operator gets her there too;
 * - CronJob shop/nightly-backup (assume breach) mounts the container runtime socket: another way onto the node;
 * - the operator's own pods (assume breach) hold its token.
 * Greedy set cover: removing the binding cuts five paths, then the privileged container one, then the socket one.
 */

const ref = (kind: string, namespace: string | null, name: string, apiVersion = 'v1'): ResourceRef => ({
  apiVersion,
  kind,
  namespace,
  name,
});
const at = (file: string, line: number, column = 1) => ({ file, line, column });

const web = ref('Deployment', 'shop', 'web', 'apps/v1');
const backup = ref('CronJob', 'shop', 'nightly-backup', 'batch/v1');
const operator = ref('ServiceAccount', 'shop', 'shop-operator');
const adminBinding = ref('ClusterRoleBinding', null, 'shop-operator', 'rbac.authorization.k8s.io/v1');
const deployers = ref('RoleBinding', 'shop', 'deployers', 'rbac.authorization.k8s.io/v1');

export const sampleIds = {
  privileged: 'f0a1privileged',
  socket: 'f0a2runtimesock',
  clusterAdmin: 'f0a3clusteradmn',
  createPods: 'f0a4createpods0',
  operatorToken: 'f0a5operatortkn',
} as const;

const nodes: GraphNode[] = [
  {
    id: 'workload:shop/Deployment/web',
    kind: 'workload',
    label: 'Deployment shop/web',
    entry: 'internet',
    resource: web,
    location: at('deploy/web.yaml', 1),
  },
  {
    id: 'workload:shop/CronJob/nightly-backup',
    kind: 'workload',
    label: 'CronJob shop/nightly-backup',
    entry: 'assume-breach',
    resource: backup,
    location: at('deploy/backup.yaml', 1),
  },
  {
    id: 'workload:shop/Deployment/shop-operator',
    kind: 'workload',
    label: 'Deployment shop/shop-operator',
    entry: 'assume-breach',
    resource: ref('Deployment', 'shop', 'shop-operator', 'apps/v1'),
    location: at('deploy/operator.yaml', 20),
  },
  { id: 'identity:user:alice', kind: 'identity', label: 'User alice', entry: 'subject' },
  {
    id: 'identity:sa:shop/shop-operator',
    kind: 'identity',
    label: 'ServiceAccount shop/shop-operator',
    resource: operator,
    location: at('deploy/operator.yaml', 1),
  },
  { id: 'node:*', kind: 'node', label: 'any node' },
  { id: 'target:cluster-admin', kind: 'target', label: 'cluster-admin equivalent' },
  { id: 'target:all-secrets', kind: 'target', label: 'every secret' },
  { id: 'target:node-root', kind: 'target', label: "a node's root" },
  { id: 'target:control-plane', kind: 'target', label: 'the control plane' },
];

const field = (resource: ResourceRef, file: string, line: number, column: number, text: string): Evidence => ({
  type: 'workload',
  resource,
  location: at(file, line, column),
  text,
});

const edges = {
  webEscapes: {
    from: 'workload:shop/Deployment/web',
    to: 'node:*',
    techniques: ['MS-TA9018'],
    attack: ['T1611'],
    text: 'escapes to the node through a privileged container',
    severity: 'critical',
    findings: [sampleIds.privileged],
    evidence: [
      field(web, 'deploy/web.yaml', 24, 21, "container 'app' is privileged (spec.template.spec.containers[0])"),
    ],
  },
  backupEscapes: {
    from: 'workload:shop/CronJob/nightly-backup',
    to: 'node:*',
    techniques: ['MS-TA9008', 'MS-TA9018'],
    attack: ['T1610', 'T1611'],
    text: 'starts a container of its own on the node through the mounted container runtime socket',
    severity: 'critical',
    findings: [sampleIds.socket],
    evidence: [field(backup, 'deploy/backup.yaml', 25, 15, 'hostPath /run/containerd/containerd.sock is mounted')],
  },
  nodeRoot: {
    from: 'node:*',
    to: 'target:node-root',
    techniques: ['MS-TA9018'],
    attack: ['T1611'],
    text: 'is root on the node it escaped to',
    severity: 'critical',
    findings: [],
    evidence: [{ type: 'target', text: 'a container that escaped runs as root on its host' }],
  },
  nodeTokens: {
    from: 'node:*',
    to: 'identity:sa:shop/shop-operator',
    techniques: ['MS-TA9016'],
    attack: ['T1528'],
    text: 'reads the service account token of Deployment shop/shop-operator, whose pods may run on the same node',
    severity: 'high',
    findings: [],
    evidence: [
      {
        type: 'workload',
        resource: ref('Deployment', 'shop', 'shop-operator', 'apps/v1'),
        location: at('deploy/operator.yaml', 33, 7),
        path: 'spec.template.spec.serviceAccountName',
        text: 'mounts the token of ServiceAccount shop/shop-operator',
      },
    ],
  },
  operatorAdmin: {
    from: 'identity:sa:shop/shop-operator',
    to: 'target:cluster-admin',
    techniques: ['MS-TA9019'],
    attack: ['T1078.003'],
    text: 'holds every permission cluster-wide',
    severity: 'critical',
    findings: [sampleIds.clusterAdmin],
    evidence: [
      {
        type: 'binding',
        resource: adminBinding,
        location: at('deploy/operator.yaml', 12, 1),
        path: 'roleRef',
        text: 'ClusterRoleBinding shop-operator binds ClusterRole cluster-admin cluster-wide',
      },
    ],
  },
  operatorSecrets: {
    from: 'identity:sa:shop/shop-operator',
    to: 'target:all-secrets',
    techniques: ['MS-TA9025'],
    attack: ['T1552.007'],
    text: 'lists the Secrets of every namespace',
    severity: 'critical',
    findings: [sampleIds.clusterAdmin],
    evidence: [
      {
        type: 'binding',
        resource: adminBinding,
        location: at('deploy/operator.yaml', 12, 1),
        path: 'roleRef',
        text: 'ClusterRoleBinding shop-operator binds ClusterRole cluster-admin cluster-wide',
      },
    ],
  },
  operatorToken: {
    from: 'workload:shop/Deployment/shop-operator',
    to: 'identity:sa:shop/shop-operator',
    techniques: ['MS-TA9016'],
    attack: ['T1528'],
    text: 'uses the service account token mounted in its pods',
    severity: 'low',
    findings: [sampleIds.operatorToken],
    evidence: [
      {
        type: 'workload',
        resource: ref('Deployment', 'shop', 'shop-operator', 'apps/v1'),
        location: at('deploy/operator.yaml', 33, 7),
        path: 'spec.template.spec.serviceAccountName',
        text: 'mounts the token of ServiceAccount shop/shop-operator',
      },
    ],
  },
  aliceCreates: {
    from: 'identity:user:alice',
    to: 'identity:sa:shop/shop-operator',
    techniques: ['MS-TA9008'],
    attack: ['T1610'],
    text: 'creates a pod in namespace shop that runs as ServiceAccount shop/shop-operator',
    severity: 'high',
    findings: [sampleIds.createPods],
    evidence: [
      {
        type: 'binding',
        resource: deployers,
        location: at('deploy/rbac.yaml', 9, 1),
        text: 'RoleBinding shop/deployers binds Role deployers to User alice',
      },
      {
        type: 'rule',
        resource: ref('Role', 'shop', 'deployers', 'rbac.authorization.k8s.io/v1'),
        location: at('deploy/rbac.yaml', 5, 5),
        text: 'create pods',
      },
    ],
  },
} satisfies Record<string, GraphEdge>;

const step = ({ attack, ...edge }: GraphEdge) => edge;

/** Ranked as `attackPaths` ranks them: fewer steps first, then the worse weakest link. */
export const samplePaths: AttackPaths = AttackPaths.parse({
  nodes,
  edges: Object.values(edges),
  paths: [
    {
      from: 'workload:shop/Deployment/web',
      to: 'target:node-root',
      steps: [step(edges.webEscapes), step(edges.nodeRoot)],
      severity: 'critical',
    },
    {
      from: 'workload:shop/CronJob/nightly-backup',
      to: 'target:node-root',
      steps: [step(edges.backupEscapes), step(edges.nodeRoot)],
      severity: 'critical',
    },
    {
      from: 'identity:user:alice',
      to: 'target:cluster-admin',
      steps: [step(edges.aliceCreates), step(edges.operatorAdmin)],
      severity: 'high',
    },
    {
      from: 'identity:user:alice',
      to: 'target:all-secrets',
      steps: [step(edges.aliceCreates), step(edges.operatorSecrets)],
      severity: 'high',
    },
    {
      from: 'workload:shop/Deployment/shop-operator',
      to: 'target:cluster-admin',
      steps: [step(edges.operatorToken), step(edges.operatorAdmin)],
      severity: 'low',
    },
    {
      from: 'workload:shop/Deployment/shop-operator',
      to: 'target:all-secrets',
      steps: [step(edges.operatorToken), step(edges.operatorSecrets)],
      severity: 'low',
    },
    {
      from: 'workload:shop/Deployment/web',
      to: 'target:cluster-admin',
      steps: [step(edges.webEscapes), step(edges.nodeTokens), step(edges.operatorAdmin)],
      severity: 'high',
    },
  ],
  chokePoints: [
    {
      kind: 'binding',
      id: 'ClusterRoleBinding shop-operator',
      label: 'ClusterRoleBinding shop-operator gives ServiceAccount shop/shop-operator cluster-admin',
      removes: 5,
      resource: adminBinding,
      location: at('deploy/operator.yaml', 12, 1),
    },
    {
      kind: 'finding',
      id: sampleIds.privileged,
      label: "privileged-container: container 'app' of Deployment shop/web is privileged",
      removes: 1,
      resource: web,
      location: at('deploy/web.yaml', 24, 21),
    },
    {
      kind: 'finding',
      id: sampleIds.socket,
      label: 'container-runtime-socket: CronJob shop/nightly-backup mounts the container runtime socket',
      removes: 1,
      resource: backup,
      location: at('deploy/backup.yaml', 25, 15),
    },
  ],
});

/** The same paths as read from a live cluster: every location replaced by the object's `k8s://` address. */
export function clusterPaths(paths: AttackPaths = samplePaths, context = 'prod'): AttackPaths {
  const move = <T extends { location?: unknown; resource?: ResourceRef }>({ location, ...item }: T) =>
    item.resource
      ? {
          ...item,
          uri: `k8s://${context}/${item.resource.namespace ?? ''}/${item.resource.kind}/${encodeURIComponent(item.resource.name)}`,
        }
      : item;
  return AttackPaths.parse({
    nodes: paths.nodes.map(move),
    edges: paths.edges.map((edge) => ({ ...edge, evidence: edge.evidence.map(move) })),
    paths: paths.paths.map((path) => ({
      ...path,
      steps: path.steps.map((s) => ({ ...s, evidence: s.evidence.map(move) })),
    })),
    chokePoints: paths.chokePoints.map(move),
  });
}

/**
 * The sample paths with alice's two paths grouped: each `label` is another user whose binding lets them create pods in
 * shop as alice's does, an entry point the paths name in `alsoFrom`. The binding's choke point removes those pairs too.
 */
export function groupedPaths(labels: readonly string[]): AttackPaths {
  const users = labels.map((label, index) => ({
    id: `identity:user:u${index + 1}`,
    kind: 'identity' as const,
    label,
    entry: 'subject' as const,
  }));
  const alsoFrom = users.map((user) => user.id);
  return AttackPaths.parse({
    ...samplePaths,
    nodes: [...samplePaths.nodes, ...users],
    paths: samplePaths.paths.map((path) => (path.from === 'identity:user:alice' ? { ...path, alsoFrom } : path)),
    chokePoints: samplePaths.chokePoints.map((point) =>
      point.kind === 'binding' ? { ...point, removes: point.removes + 2 * users.length } : point,
    ),
  });
}
