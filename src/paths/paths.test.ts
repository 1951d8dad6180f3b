import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/paths.js';
import { IDENTITIES, nodeAgent } from '../checks/node-agent.fixtures.js';
import { scanManifests } from '../engine/scan.js';
import { AttackPaths } from '../model/paths.js';
import { RISKY_PERMISSIONS } from '../rbac/risky.js';
import { powerOf } from './graph.js';
import { attackPaths, PathFilterError } from './index.js';
import { edgeOf, pathsOf, reaches } from './tester.js';

const RBAC = 'apiVersion: rbac.authorization.k8s.io/v1';

function pod(name: string, spec: string, namespace = 'app'): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}, labels: {app: ${name}}}
spec:
${spec
  .trim()
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
---
`;
}

/** A Role in `app` with one rule, bound to ServiceAccount app/ci. */
function granted(rule: string, kind: 'Role' | 'ClusterRole' = 'Role'): string {
  const namespace = kind === 'Role' ? ', namespace: app' : '';
  const binding = kind === 'Role' ? 'RoleBinding' : 'ClusterRoleBinding';
  return `${RBAC}
kind: ${kind}
metadata: {name: power${namespace}}
rules: [${rule}]
---
${RBAC}
kind: ${binding}
metadata: {name: ci-power${namespace}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${kind}, name: power}
subjects: [{kind: ServiceAccount, name: ci, namespace: app}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: app}
---
`;
}

const CI = 'identity:sa:app/ci';
const PLAIN = 'containers: [{name: c, image: app:1}]';

describe('escape edges: workload → node', () => {
  const cases: { name: string; spec: string; technique: string }[] = [
    {
      name: 'privileged',
      spec: `containers: [{name: c, image: app:1, securityContext: {privileged: true}}]`,
      technique: 'MS-TA9018',
    },
    {
      name: 'SYS_ADMIN',
      spec: `containers: [{name: c, image: app:1, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]`,
      technique: 'MS-TA9018',
    },
    {
      name: 'SYS_PTRACE with hostPID',
      spec: `hostPID: true\ncontainers: [{name: c, image: app:1, securityContext: {capabilities: {add: [SYS_PTRACE]}}}]`,
      technique: 'MS-TA9018',
    },
    {
      name: 'unmasked /proc',
      spec: `containers: [{name: c, image: app:1, securityContext: {procMount: Unmasked}}]`,
      technique: 'MS-TA9018',
    },
    {
      name: 'runtime socket',
      spec: `volumes: [{name: s, hostPath: {path: /run/containerd/containerd.sock}}]\ncontainers: [{name: c, image: app:1, volumeMounts: [{name: s, mountPath: /s, readOnly: true}]}]`,
      technique: 'MS-TA9018',
    },
    {
      name: 'writable /etc',
      spec: `volumes: [{name: s, hostPath: {path: /etc}}]\ncontainers: [{name: c, image: app:1, volumeMounts: [{name: s, mountPath: /host}]}]`,
      technique: 'MS-TA9013',
    },
  ];
  for (const { name, spec, technique } of cases) {
    it(`${name}: an edge to any node, resting on the check's finding`, () => {
      const result = pathsOf(pod('p', spec));
      const edge = edgeOf(result, 'workload:app/Pod/p', 'node:*');
      expect(edge?.techniques).toContain(technique);
      expect(edge?.findings).toHaveLength(1);
      expect(reaches(result, 'workload:app/Pod/p', 'target:node-root')).toBe(true);
    });
  }

  it('no escape for a plain pod, SYS_PTRACE without hostPID, or a read-only /etc mount', () => {
    const result = pathsOf(
      pod('plain', PLAIN) +
        pod('ptrace', `containers: [{name: c, image: app:1, securityContext: {capabilities: {add: [SYS_PTRACE]}}}]`) +
        pod(
          'ro',
          `volumes: [{name: s, hostPath: {path: /etc}}]\ncontainers: [{name: c, image: app:1, volumeMounts: [{name: s, mountPath: /h, readOnly: true}]}]`,
        ),
    );
    for (const name of ['plain', 'ptrace', 'ro'])
      expect(edgeOf(result, `workload:app/Pod/${name}`, 'node:*')).toBeUndefined();
  });

  it('node-exporter as nobody without capabilities reaches no node through /, the same pod as root does', () => {
    for (const { name, agent, unprivileged } of IDENTITIES) {
      const result = pathsOf(nodeAgent({ ...agent, spec: 'serviceAccountName: exporter' }));
      const edge = edgeOf(result, 'workload:monitoring/DaemonSet/node-exporter', 'node:*');
      expect(edge === undefined, name).toBe(unprivileged);
      // The kubelet's pod volumes and /etc/kubernetes are root's too.
      expect(edgeOf(result, 'workload:monitoring/DaemonSet/node-exporter', 'target:cloud') === undefined, name).toBe(
        unprivileged,
      );
    }
  });

  it('a control-plane static pod is no assumed-breach entry point, though its host mounts stay edges', () => {
    const result = pathsOf(`apiVersion: v1
kind: Pod
metadata: {name: etcd-cp-1, namespace: kube-system}
spec:
  hostNetwork: true
  volumes: [{name: data, hostPath: {path: /var/lib/etcd}}]
  containers: [{name: etcd, image: registry.k8s.io/etcd:3.5.15-0, command: [etcd], volumeMounts: [{name: data, mountPath: /var/lib/etcd}]}]
`);
    const etcd = result.nodes.find((node) => node.id === 'workload:kube-system/Pod/etcd-cp-1');
    expect(etcd).toBeDefined();
    expect(etcd?.entry).toBeUndefined();
    expect(result.paths.filter((path) => path.from === etcd?.id)).toEqual([]);
  });

  const varLog = `serviceAccountName: ci
volumes: [{name: logs, hostPath: {path: /var/log}}]
containers: [{name: c, image: app:1, volumeMounts: [{name: logs, mountPath: /logs}]}]`;

  it('a writable /var/log escapes only with pods/log read held by the pod', () => {
    const without = pathsOf(
      pod('logger', varLog) + granted('{apiGroups: [""], resources: [configmaps], verbs: [get]}'),
    );
    expect(edgeOf(without, 'workload:app/Pod/logger', 'node:*')).toBeUndefined();
    const withLogs = pathsOf(pod('logger', varLog) + granted('{apiGroups: [""], resources: [pods/log], verbs: [get]}'));
    const edge = edgeOf(withLogs, 'workload:app/Pod/logger', 'node:*');
    expect(edge?.text).toMatch(/pods\/log/);
    expect(edge?.evidence.some((item) => item.type === 'binding')).toBe(true);
  });

  it('cluster Pods fold into their controller and escape to the nodes they run on', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: app:1, securityContext: {privileged: true}}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-1, namespace: app, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: app:1, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1-a, namespace: app, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: u2, controller: true}]}
spec: {nodeName: worker-1, containers: [{name: c, image: app:1, securityContext: {privileged: true}}]}
`;
    const result = pathsOf(yaml);
    expect(result.nodes.filter((node) => node.kind === 'workload').map((node) => node.id)).toEqual([
      'workload:app/Deployment/web',
    ]);
    expect(edgeOf(result, 'workload:app/Deployment/web', 'node:worker-1')).toBeDefined();
    expect(edgeOf(result, 'workload:app/Deployment/web', 'node:*')).toBeUndefined();
    expect(result.nodes.find((node) => node.id === 'target:node-root')?.members).toContain('node:worker-1');
    expect(reaches(result, 'workload:app/Deployment/web', 'target:node-root')).toBe(true);
  });
});

describe('credential edges', () => {
  it('a pod holds its service account when the token is mounted, not when automount is off', () => {
    const result = pathsOf(
      pod('mounted', 'serviceAccountName: ci\ncontainers: [{name: c, image: app:1}]') +
        pod(
          'off',
          'serviceAccountName: ci\nautomountServiceAccountToken: false\ncontainers: [{name: c, image: app:1}]',
        ) +
        granted('{apiGroups: [""], resources: [configmaps], verbs: [get]}'),
    );
    expect(edgeOf(result, 'workload:app/Pod/mounted', CI)?.techniques).toEqual(['MS-TA9016']);
    expect(edgeOf(result, 'workload:app/Pod/off', CI)).toBeUndefined();
  });

  it("root on a node holds the mounted tokens of the pods there and the kubelet's credentials", () => {
    const result = pathsOf(pod('mounted', 'serviceAccountName: ci\ncontainers: [{name: c, image: app:1}]'));
    expect(edgeOf(result, 'node:*', CI)?.severity).toBe('critical');
    expect(edgeOf(result, 'node:*', 'identity:group:system:nodes')).toBeDefined();
  });

  it("a hostPath of the kubelet's directory, read-only, steals the tokens of the node's pods", () => {
    const thief = `volumes: [{name: k, hostPath: {path: /var/lib/kubelet/pods}}]
containers: [{name: c, image: app:1, volumeMounts: [{name: k, mountPath: /k, readOnly: true}]}]`;
    const victim = 'serviceAccountName: ci\ncontainers: [{name: c, image: app:1}]';
    const result = pathsOf(pod('thief', thief) + pod('victim', victim));
    expect(edgeOf(result, 'workload:app/Pod/thief', CI)?.findings).toHaveLength(1);
    expect(edgeOf(pathsOf(pod('thief', PLAIN) + pod('victim', victim)), 'workload:app/Pod/thief', CI)).toBeUndefined();
  });

  it('a workload identity its pods receive leads to the cloud; without the annotation, nothing does', () => {
    const account = (annotated: boolean) => `apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: app${annotated ? ', annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::1:role/r"}' : ''}}
---
`;
    const spec = 'serviceAccountName: ci\ncontainers: [{name: c, image: app:1}]';
    const cloud = pathsOf(account(true) + pod('p', spec));
    expect(edgeOf(cloud, 'workload:app/Pod/p', 'target:cloud')?.techniques).toEqual(['MS-TA9020']);
    const none = pathsOf(account(false) + pod('p', spec));
    expect(none.paths.some((found) => found.to === 'target:cloud')).toBe(false);
  });

  it('without NodeRestriction a kubelet draws every mounted token to its node', () => {
    const apiserver = (plugins: string) =>
      pod(
        'kube-apiserver',
        `containers: [{name: kube-apiserver, image: registry.k8s.io/kube-apiserver:v1.30.0, command: [kube-apiserver, --enable-admission-plugins=${plugins}]}]`,
        'kube-system',
      );
    const victim = pod('victim', 'serviceAccountName: ci\ncontainers: [{name: c, image: app:1}]');
    const off = pathsOf(apiserver('PodSecurity') + victim);
    expect(edgeOf(off, 'identity:group:system:nodes', CI)?.findings).toHaveLength(1);
    const on = pathsOf(apiserver('NodeRestriction') + victim);
    expect(edgeOf(on, 'identity:group:system:nodes', CI)).toBeUndefined();
  });
});

describe('permission edges', () => {
  const hub = 'permission:app/run-pods';

  it('creating pods runs a pod as any account of the namespace, and a privileged one unless Pod Security rejects it', () => {
    const yaml = granted('{apiGroups: [""], resources: [pods], verbs: [create]}');
    const open = pathsOf(`apiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n---\n${yaml}`);
    expect(edgeOf(open, CI, hub)?.techniques).toEqual(['MS-TA9008']);
    expect(edgeOf(open, hub, CI)?.techniques).toEqual(['MS-TA9016']);
    expect(edgeOf(open, hub, 'node:*')?.techniques).toEqual(['MS-TA9008', 'MS-TA9018']);
    const enforced = pathsOf(
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: app, labels: {pod-security.kubernetes.io/enforce: baseline}}\n---\n${yaml}`,
    );
    expect(edgeOf(enforced, CI, hub)).toBeDefined();
    expect(edgeOf(enforced, hub, 'node:*')).toBeUndefined();
  });

  it('no permission, no edge: reading configmaps reaches nothing', () => {
    const result = pathsOf(granted('{apiGroups: [""], resources: [configmaps], verbs: [get, list]}'));
    expect(result.edges.filter((edge) => edge.from === CI)).toEqual([]);
  });

  it('patching Deployments runs pods of its choosing (MS-TA9011); patching Pods swaps images of running ones', () => {
    const controllers = pathsOf(granted('{apiGroups: [apps], resources: [deployments], verbs: [patch]}'));
    expect(edgeOf(controllers, CI, hub)?.techniques).toEqual(['MS-TA9011']);
    const pods = pathsOf(pod('web', PLAIN) + granted('{apiGroups: [""], resources: [pods], verbs: [patch]}'));
    expect(edgeOf(pods, CI, 'workload:app/Pod/web')?.techniques).toEqual(['MS-TA9011']);
    expect(edgeOf(pods, CI, hub)).toBeUndefined();
  });

  it('exec reaches the pods of its namespace; nodes/proxy reaches them through the kubelet', () => {
    const exec = pathsOf(pod('web', PLAIN) + granted('{apiGroups: [""], resources: [pods/exec], verbs: [create]}'));
    expect(edgeOf(exec, CI, 'permission:app/exec')?.techniques).toEqual(['MS-TA9006']);
    expect(edgeOf(exec, 'permission:app/exec', 'workload:app/Pod/web')).toBeDefined();
    const proxy = pathsOf(
      pod('web', PLAIN) + granted('{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}', 'ClusterRole'),
    );
    expect(edgeOf(proxy, CI, 'permission:app/exec')?.techniques).toEqual(['MS-TA9030']);
    const other = pathsOf(
      pod('web', PLAIN, 'other') + granted('{apiGroups: [""], resources: [pods/exec], verbs: [create]}'),
    );
    expect(edgeOf(other, CI, 'permission:other/exec')).toBeUndefined();
  });

  it('reading secrets reaches the accounts of token Secrets there; cluster-wide, every secret', () => {
    const token = `apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: {name: deployer-token, namespace: app, annotations: {kubernetes.io/service-account.name: deployer}}
---
`;
    const read = pathsOf(token + granted('{apiGroups: [""], resources: [secrets], verbs: [get]}'));
    expect(edgeOf(read, CI, 'identity:sa:app/deployer')?.techniques).toEqual(['MS-TA9025']);
    expect(edgeOf(read, CI, 'target:all-secrets')).toBeUndefined();
    const all = pathsOf(granted('{apiGroups: [""], resources: [secrets], verbs: [list]}', 'ClusterRole'));
    expect(edgeOf(all, CI, 'target:all-secrets')).toBeDefined();
  });

  it('from a cluster, which lists Secrets without their type, the account annotation marks a token Secret', () => {
    const listed = `apiVersion: v1
kind: Secret
metadata: {name: deployer-token, namespace: app, annotations: {kubernetes.io/service-account.name: deployer}}
---
apiVersion: v1
kind: Secret
metadata:
  name: old-token
  namespace: app
  annotations: {kubernetes.io/service-account.name: old}
  labels: {kubernetes.io/legacy-token-invalid-since: "2026-01-01"}
---
`;
    const yaml = listed + granted('{apiGroups: [""], resources: [secrets], verbs: [get]}');
    const cluster = pathsOf(yaml, {}, {}, { complete: true });
    expect(edgeOf(cluster, CI, 'identity:sa:app/deployer')?.techniques).toEqual(['MS-TA9025']);
    // A token the cluster has invalidated no longer authenticates: reading it leads nowhere.
    expect(edgeOf(cluster, CI, 'identity:sa:app/old')).toBeUndefined();
    // In files the same Secret is Opaque, and holds no token.
    expect(edgeOf(pathsOf(yaml), CI, 'identity:sa:app/deployer')).toBeUndefined();
  });

  it('bind or escalate cluster-wide is cluster-admin; creating role bindings alone is not', () => {
    const escalate = pathsOf(
      granted('{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate]}', 'ClusterRole'),
    );
    expect(edgeOf(escalate, CI, 'target:cluster-admin')?.techniques).toEqual(['MS-TA9019']);
    const create = pathsOf(
      granted(
        '{apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}',
        'ClusterRole',
      ),
    );
    expect(create.edges.filter((edge) => edge.from === CI)).toEqual([]);
  });

  it('binding roles in a namespace makes one its admin: a new privileged pod there (MS-TA9019, MS-TA9008, MS-TA9018)', () => {
    const bind = granted(
      '{apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [bind]}, {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}',
    );
    const result = pathsOf(pod('shell', `serviceAccountName: ci\n${PLAIN}`) + bind);
    expect(edgeOf(result, CI, hub)?.techniques).toEqual(['MS-TA9019']);
    const path = result.paths.find(
      (found) => found.from === 'workload:app/Pod/shell' && found.to === 'target:node-root',
    );
    expect(path?.steps.map((step) => step.techniques)).toEqual([
      ['MS-TA9016'],
      ['MS-TA9019'],
      ['MS-TA9008', 'MS-TA9018'],
    ]);
    expect(reaches(result, 'workload:app/Pod/shell', 'target:cluster-admin')).toBe(false);
  });

  it('a cluster-admin binding is the target itself', () => {
    const result = pathsOf(granted('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}', 'ClusterRole'));
    const edge = edgeOf(result, CI, 'target:cluster-admin');
    expect(edge?.findings).toHaveLength(1);
    expect(edge?.evidence.map((item) => item.type)).toContain('binding');
  });

  it('impersonating service accounts reaches them', () => {
    const result = pathsOf(
      `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: admin, namespace: app}\n---\n${granted('{apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}')}`,
    );
    expect(edgeOf(result, CI, 'identity:sa:app/admin')?.techniques).toEqual(['MS-TA9019']);
  });

  it('writing webhook configurations rewrites every future pod', () => {
    const result = pathsOf(
      granted(
        '{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [create]}',
        'ClusterRole',
      ),
    );
    expect(edgeOf(result, CI, 'permission:app/run-pods')?.techniques).toEqual(['MS-TA9015']);
  });

  it('every row of the risky-permission table is placed in the graph, or deliberately left out', () => {
    const left = RISKY_PERMISSIONS.filter((permission) => !powerOf(permission)).map(
      (permission) => `${permission.check}: ${permission.action}`,
    );
    expect(left).toEqual([
      'rbac-privilege-escalation-verbs: create or change role bindings',
      'rbac-delete-events: delete events',
      'rbac-cronjobs: create or change CronJobs',
      "rbac-coredns: rewrite the cluster's DNS configuration",
      'rbac-destructive-delete: delete workloads, pods, secrets, volumes or namespaces',
      "rbac-service-status: rewrite Services' status (a LoadBalancer ingress IP that takes other pods' traffic to it, CVE-2020-8554)",
      'rbac-pull-secrets: read image pull secrets',
    ]);
  });
});

describe('paths', () => {
  const privileged =
    'serviceAccountName: ci\ncontainers: [{name: c, image: app:1, securityContext: {privileged: true}}]';

  it('a hardened control pod has no path, and an unreachable target has none either', () => {
    const control = `serviceAccountName: quiet
automountServiceAccountToken: false
containers: [{name: c, image: app:1, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]`;
    const result = pathsOf(pod('control', control) + pod('bad', privileged));
    expect(
      result.paths.filter(
        (found) => found.from === 'workload:app/Pod/control' || found.alsoFrom?.includes('workload:app/Pod/control'),
      ),
    ).toEqual([]);
    expect(result.paths.some((found) => found.to === 'target:cloud')).toBe(false);
    expect(result.paths.some((found) => found.to === 'target:node-root')).toBe(true);
    expect(AttackPaths.parse(result)).toEqual(result);
  });

  it('entry points: internet-facing workloads, other workloads assume breach, users and groups with bindings', () => {
    const service = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: app}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
---
${RBAC}
kind: RoleBinding
metadata: {name: devs, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: devs}, {kind: User, name: alice}]
`;
    const result = pathsOf(pod('web', PLAIN) + pod('batch', PLAIN) + service);
    const entry = (id: string) => result.nodes.find((node) => node.id === id)?.entry;
    expect(entry('workload:app/Pod/web')).toBe('internet');
    expect(entry('workload:app/Pod/batch')).toBe('assume-breach');
    expect(entry('identity:group:devs')).toBe('subject');
    expect(entry('identity:user:alice')).toBe('subject');
    // edit creates pods: alice runs a privileged one, no Pod Security being enforced in the input.
    expect(reaches(result, 'identity:user:alice', 'target:node-root')).toBe(true);
  });

  it('entry points that reach a target the same way are grouped; ranking is by length, then weakest link', () => {
    const result = pathsOf(
      pod('a', privileged) +
        pod('b', privileged) +
        granted('{apiGroups: [""], resources: [secrets], verbs: [list]}', 'ClusterRole'),
    );
    const direct = result.paths.find((found) => found.to === 'target:node-root');
    expect(direct?.from).toBe('workload:app/Pod/a');
    expect(direct?.alsoFrom).toEqual(['workload:app/Pod/b']);
    expect(direct?.steps).toHaveLength(1);
    const lengths = result.paths.map((found) => found.steps.length);
    expect(lengths).toEqual([...lengths].sort((x, y) => x - y));
    // Each step of a path leads on from the one before.
    for (const found of result.paths) {
      found.steps.forEach((each, i) => {
        expect(each.from).toBe(i === 0 ? found.from : found.steps[i - 1]?.to);
      });
    }
  });

  it('from, to and maxDepth filter the paths; a pattern naming nothing is an error', () => {
    const yaml =
      pod('a', privileged) +
      pod('b', PLAIN) +
      granted('{apiGroups: [""], resources: [secrets], verbs: [list]}', 'ClusterRole');
    const fromA = pathsOf(yaml, { from: ['Pod/a'] });
    expect(new Set(fromA.paths.map((found) => found.from))).toEqual(new Set(['workload:app/Pod/a']));
    const toSecrets = pathsOf(yaml, { to: ['target:all-secrets'] });
    expect(new Set(toSecrets.paths.map((found) => found.to))).toEqual(new Set(['target:all-secrets']));
    // a → ci's token → every secret: two steps.
    expect(pathsOf(yaml, { from: ['app/Pod/a'], to: ['target:all-secrets'], maxDepth: 1 }).paths).toEqual([]);
    expect(pathsOf(yaml, { from: ['app/Pod/a'], to: ['target:all-secrets'], maxDepth: 2 }).paths).toHaveLength(1);
    expect(pathsOf(yaml, { to: ['sa:app/ci'] }).paths.every((found) => found.to === CI)).toBe(true);
    expect(() => pathsOf(yaml, { from: ['Pod/nope'] })).toThrow(PathFilterError);
    expect(() => pathsOf(yaml, { to: ['nowhere'] })).toThrow(PathFilterError);
  });

  it('configured crown jewels: a secret, and a namespace', () => {
    const yaml =
      pod('a', PLAIN.replace('containers', 'serviceAccountName: ci\ncontainers')) +
      granted('{apiGroups: [""], resources: [secrets], verbs: [get]}');
    const config = { paths: { targets: { secrets: [{ namespace: 'app', name: 'db' }], namespaces: ['pay'] } } };
    const result = pathsOf(yaml, {}, config);
    expect(reaches(result, 'workload:app/Pod/a', 'target:secret:app/db')).toBe(true);
    expect(result.nodes.find((node) => node.id === 'target:namespace:pay')?.kind).toBe('target');
    expect(result.paths.some((found) => found.to === 'target:namespace:pay')).toBe(false);
  });

  it('a suppressed finding keeps its edge, marked as suppressed in the evidence', () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: app, annotations: {kubematrix.io/ignore: privileged-container, kubematrix.io/ignore-reason: node agent}}
spec: {containers: [{name: c, image: app:1, securityContext: {privileged: true}}]}
`;
    const edge = edgeOf(pathsOf(yaml), 'workload:app/Pod/p', 'node:*');
    expect(edge?.evidence[0]?.text).toMatch(/suppressed: node agent/);
  });

  it('a choke point cuts every shortest path of a pair, not only the one shown', () => {
    // ci creates pods in any namespace, and neither enforces Pod Security: a privileged pod in app or in other is
    // as short a way onto a node. Enforcing it in one namespace leaves the other; taking the power away cuts both.
    const namespaces = ['app', 'other']
      .map((name) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n---\n`)
      .join('');
    const result = pathsOf(
      namespaces +
        pod('a', `serviceAccountName: ci\n${PLAIN}`) +
        granted('{apiGroups: [""], resources: [pods], verbs: [create]}', 'ClusterRole'),
      { to: ['target:node-root'] },
    );
    expect(edgeOf(result, 'permission:app/run-pods', 'node:*')?.findings).toHaveLength(1);
    expect(edgeOf(result, 'permission:other/run-pods', 'node:*')?.findings).toHaveLength(1);
    expect(result.chokePoints.map(({ label, removes }) => ({ label, removes }))).toEqual([
      { label: 'RBAC: create pods or pod controllers: ServiceAccount app/ci', removes: 1 },
    ]);
  });

  it('choke points on a multi-namespace fixture: greedy set cover, each counting the pairs it removes', async () => {
    const { report, inventory } = await scanManifests([path.join(repoRoot, 'test/fixtures/paths/multi')]);
    const result = attackPaths(inventory, report.findings);
    const pairs = result.paths.reduce((sum, found) => sum + 1 + (found.alsoFrom?.length ?? 0), 0);
    expect(reaches(result, 'workload:shop/Deployment/web', 'target:cluster-admin')).toBe(true);
    expect(reaches(result, 'workload:pay/Deployment/api', 'target:node-root')).toBe(false);
    // The agent's cluster-admin binding carries every path to cluster-admin and all secrets; its privilege, the
    // escapes; the last path (the web account creating a privileged pod of its own) falls to any of three fixes of
    // equal weight (Pod Security enforcement in shop, the right to create Jobs, the token mounted): ties go by label,
    // the same in every checkout.
    const [first, second, third, ...more] = result.chokePoints.map(({ label, removes }) => ({ label, removes }));
    expect([first, second, third]).toEqual([
      { label: 'RBAC: cluster-admin power: ServiceAccount shop/log-agent', removes: 6 },
      { label: 'Privileged container: DaemonSet shop/log-agent', removes: 2 },
      { label: 'Namespace without Pod Security enforcement: Namespace shop', removes: 1 },
    ]);
    expect(more).toEqual([]);
    // Greedy: each removes no more than the one before, and together they remove every pair.
    const removes = result.chokePoints.map((choke) => choke.removes);
    expect(removes).toEqual([...removes].sort((x, y) => y - x));
    expect(removes.reduce((sum, n) => sum + n, 0)).toBe(pairs);
  });
});
