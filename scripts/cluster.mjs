// A deterministic cluster, as a list of API objects, for the benchmarks (scripts/bench.mjs, scripts/bench-paths.mjs).

/**
 * 50 namespaces; 2,400 Deployments with a ReplicaSet and 10 pods each (the pods owned, as in a cluster), 1,000
 * bare pods, Services, ServiceAccounts (`accountsPerNamespace` in each namespace, which pods and RoleBindings name in
 * turn), ConfigMaps, Secrets, `roleBindings` Roles and RoleBindings (one in five granting secrets and pods/exec), 50
 * ClusterRoles bound to groups, NetworkPolicies and Kyverno policies.
 */
export function generateCluster({ accountsPerNamespace = 10, roleBindings = 500 } = {}) {
  const objects = [];
  const ns = (n) => `team-${n % 50}`;
  const container = (n) => ({
    name: 'main',
    image: n % 7 === 0 ? 'nginx' : `registry.example.com/team-${n % 50}/app:${n % 13}.0.1`,
    ports: [{ containerPort: 8000 + (n % 100) }],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      n % 11 === 0 ? { name: 'DB_PASSWORD', value: `pw-${n}` } : { name: 'DB_HOST', value: 'db' },
    ],
    ...(n % 3 === 0
      ? {
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          resources: { limits: { cpu: '500m', memory: '256Mi' } },
        }
      : n % 17 === 0
        ? { securityContext: { privileged: true } }
        : {}),
  });
  const podSpec = (n) => ({
    serviceAccountName: `sa-${n % accountsPerNamespace}`,
    containers: [container(n)],
    ...(n % 19 === 0 ? { volumes: [{ name: 'host', hostPath: { path: '/var/log' } }] } : {}),
  });
  const meta = (name, n, extra = {}) => ({
    name,
    namespace: ns(n),
    uid: `uid-${name}-${n}`,
    labels: { app: `app-${n}` },
    ...extra,
  });
  for (let n = 0; n < 50; n++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(n), uid: `ns-${n}` } });
    if (n % 2 === 0) {
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('default-deny', n),
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      });
    }
    for (let s = 0; s < accountsPerNamespace; s++)
      objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { ...meta(`sa-${s}`, n), name: `sa-${s}` } });
  }
  for (let n = 0; n < 2400; n++) {
    const name = `app-${n}`;
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, n),
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: podSpec(n) },
      },
    });
    const owner = (kind, ownerName) => ({
      ownerReferences: [{ apiVersion: 'apps/v1', kind, name: ownerName, uid: `uid-${ownerName}`, controller: true }],
    });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta(`${name}-5d8f`, n, owner('Deployment', name)),
      spec: { replicas: 10, template: { metadata: { labels: { app: name } }, spec: podSpec(n) } },
    });
    for (let p = 0; p < 10; p++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: meta(`${name}-5d8f-${p}`, n, owner('ReplicaSet', `${name}-5d8f`)),
        spec: { ...podSpec(n), nodeName: `node-${p}` },
        status: { phase: 'Running', podIP: `10.0.${n % 250}.${p}` },
      });
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, n),
      spec: {
        type: n % 10 === 0 ? 'LoadBalancer' : 'ClusterIP',
        selector: { app: name },
        ports: [{ port: 80, targetPort: 8000 + (n % 100) }],
      },
    });
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(name, n),
      data: { 'config.yaml': `listen: 0.0.0.0:8080\nupstream: http://svc-${n % 100}:80\n` },
    });
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: meta(name, n),
      data: { password: Buffer.from(`secret-${n}`).toString('base64') },
    });
  }
  for (let n = 0; n < 1000; n++) {
    objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: meta(`bare-${n}`, n), spec: podSpec(n) });
  }
  for (let n = 0; n < roleBindings; n++) {
    const risky = n % 5 === 0;
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`role-${n}`, n),
      rules: [
        {
          apiGroups: [''],
          resources: risky ? ['secrets', 'pods/exec'] : ['configmaps'],
          verbs: risky ? ['get', 'list', 'create'] : ['get', 'list'],
        },
      ],
    });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`binding-${n}`, n),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role-${n}` },
      subjects: [{ kind: 'ServiceAccount', name: `sa-${n % accountsPerNamespace}`, namespace: ns(n) }],
    });
  }
  for (let n = 0; n < 50; n++) {
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `cluster-role-${n}`, uid: `cr-${n}` },
      rules: [{ apiGroups: ['*'], resources: n % 10 === 0 ? ['*'] : ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `cluster-binding-${n}`, uid: `crb-${n}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `cluster-role-${n}` },
      subjects: [{ kind: 'Group', name: `group-${n}` }],
    });
  }
  for (let n = 0; n < 10; n++) {
    objects.push({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: `policy-${n}`, uid: `kp-${n}` },
      spec: { validationFailureAction: 'Enforce', rules: [] },
    });
  }
  return objects;
}
