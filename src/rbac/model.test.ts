import { describe, expect, it } from 'vitest';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory, type SourceObject } from '../inventory/index.js';
import { buildRbac } from './model.js';
import type { Request, Subject } from './types.js';

function rbacFrom(yaml: string, namespace?: string) {
  const { objects, errors } = parseManifest('test.yaml', Buffer.from(yaml));
  if (errors.length) throw new Error(JSON.stringify(errors));
  return buildRbac(buildInventory(objects, namespace ? { namespace } : {}).inventory);
}

const sa = (namespace: string | null, name: string): Subject => ({ kind: 'ServiceAccount', namespace, name });
const user = (name: string): Subject => ({ kind: 'User', namespace: null, name });
const group = (name: string): Subject => ({ kind: 'Group', namespace: null, name });

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', role: string, subjects: string, namespace?: string) {
  const roleKind = role.startsWith('Role:') ? 'Role' : 'ClusterRole';
  return `
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: b-${role.replace(/\W/g, '')}${namespace ? `, namespace: ${namespace}` : ''}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: ${role.replace('Role:', '')}}
subjects: ${subjects}
---`;
}

describe('RBAC model: built-in roles', () => {
  const rbac = rbacFrom(`
${binding('RoleBinding', 'edit', '[{kind: ServiceAccount, name: ci, namespace: app}]', 'app')}
${binding('RoleBinding', 'view', '[{kind: ServiceAccount, name: dash, namespace: app}]', 'app')}
${binding('RoleBinding', 'admin', '[{kind: User, name: alice}]', 'app')}
${binding('ClusterRoleBinding', 'cluster-admin', '[{kind: Group, name: ops}]')}
`);
  const can = (subject: Subject, request: Request) => rbac.can(subject, request).allowed;

  it('edit (aggregated from system:aggregate-to-edit and view) execs, reads secrets and writes workloads', () => {
    expect(can(sa('app', 'ci'), { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'app' })).toBe(
      true,
    );
    expect(can(sa('app', 'ci'), { verb: 'get', resource: 'secrets', namespace: 'app' })).toBe(true);
    expect(can(sa('app', 'ci'), { verb: 'patch', resource: 'deployments', namespace: 'app' })).toBe(true);
    expect(can(sa('app', 'ci'), { verb: 'list', resource: 'configmaps', namespace: 'app' })).toBe(true);
    expect(can(sa('app', 'ci'), { verb: 'create', resource: 'rolebindings', namespace: 'app' })).toBe(false);
  });

  it('a RoleBinding to a ClusterRole grants it in the binding namespace only', () => {
    expect(can(sa('app', 'ci'), { verb: 'get', resource: 'secrets', namespace: 'other' })).toBe(false);
    expect(can(sa('app', 'ci'), { verb: 'get', resource: 'secrets' })).toBe(false);
  });

  it('view reads workloads but not secrets, and cannot exec', () => {
    expect(can(sa('app', 'dash'), { verb: 'list', resource: 'pods', namespace: 'app' })).toBe(true);
    expect(can(sa('app', 'dash'), { verb: 'get', resource: 'secrets', namespace: 'app' })).toBe(false);
    expect(can(sa('app', 'dash'), { verb: 'list', resource: 'secrets', namespace: 'app' })).toBe(false);
    const websocketExec: Request = { verb: 'get', resource: 'pods', subresource: 'exec', namespace: 'app' };
    expect(can(sa('app', 'dash'), websocketExec)).toBe(false);
    expect(can(sa('app', 'ci'), websocketExec)).toBe(true);
  });

  it('admin adds role bindings on top of edit', () => {
    expect(can(user('alice'), { verb: 'create', resource: 'rolebindings', namespace: 'app' })).toBe(true);
    expect(can(user('alice'), { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'app' })).toBe(true);
  });

  it('a binding to cluster-admin resolves to the built-in role: everything, everywhere', () => {
    expect(can(group('ops'), { verb: 'delete', resource: 'nodes' })).toBe(true);
    expect(can(group('ops'), { verb: 'get', url: '/metrics' })).toBe(true);
    expect(rbac.bindings.find((b) => b.name === 'b-clusteradmin')?.role?.origin).toBe('built-in');
  });

  it('system:masters can do anything without any binding', () => {
    const bare = rbacFrom(`${binding('ClusterRoleBinding', 'view', '[{kind: User, name: bob}]')}`);
    expect(bare.can(group('system:masters'), { verb: 'escalate', resource: 'clusterroles' }).allowed).toBe(true);
  });

  it('system:masters stays hard-wired when the input redefines the cluster-admin binding', () => {
    const redefined = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: root}]
`);
    expect(redefined.can(user('root'), { verb: 'delete', resource: 'namespaces' }).allowed).toBe(true);
    const masters = redefined.can(group('system:masters'), { verb: 'delete', resource: 'namespaces' });
    expect(masters.grants.map((g) => g.binding.origin)).toEqual(['hard-wired']);
  });

  it('input definitions override built-ins of the same name', () => {
    const edited = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
${binding('ClusterRoleBinding', 'view', '[{kind: User, name: bob}]')}
`);
    expect(edited.can(user('bob'), { verb: 'get', resource: 'secrets', namespace: 'x' }).allowed).toBe(true);
    expect(edited.can(user('bob'), { verb: 'get', resource: 'pods', namespace: 'x' }).allowed).toBe(false);
  });

  it('puts the default rules back into an edited default role, as the API server does at start, unless it opts out', () => {
    const edited = (annotations: string) =>
      rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin${annotations}}
rules: [{apiGroups: [apps], resources: [deployments], verbs: [get]}]
---
${binding('ClusterRoleBinding', 'cluster-admin', '[{kind: User, name: carol}]')}
`);
    const secrets = { verb: 'get', resource: 'secrets', namespace: 'x' } as const;
    expect(edited('').can(user('carol'), secrets).allowed).toBe(true);
    const optedOut = edited(', annotations: {rbac.authorization.kubernetes.io/autoupdate: "false"}');
    expect(optedOut.can(user('carol'), secrets).allowed).toBe(false);
    expect(optedOut.can(user('carol'), { verb: 'get', resource: 'deployments', namespace: 'x' }).allowed).toBe(true);
  });
});

describe('RBAC model: aggregation', () => {
  const rbac = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {example.com/aggregate-to-monitoring: "true"}
  - matchExpressions:
    - {key: tier, operator: In, values: [metrics, logs]}
    - {key: deprecated, operator: DoesNotExist}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: read-nodes, labels: {example.com/aggregate-to-monitoring: "true"}}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: read-logs, labels: {tier: logs}}
rules: [{apiGroups: [""], resources: [pods/log], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: old-logs, labels: {tier: logs, deprecated: "yes"}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: widgets-view, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules: [{apiGroups: [example.com], resources: [widgets], verbs: [get, list]}]
---
${binding('ClusterRoleBinding', 'monitoring', '[{kind: User, name: prometheus}]')}
${binding('RoleBinding', 'admin', '[{kind: User, name: alice}]', 'app')}
`);
  const prometheus = user('prometheus');

  it('collects rules of roles matched by matchLabels or matchExpressions', () => {
    expect(rbac.can(prometheus, { verb: 'get', resource: 'nodes' }).allowed).toBe(true);
    expect(rbac.can(prometheus, { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'x' }).allowed).toBe(
      true,
    );
  });

  it('does not collect roles a matchExpressions requirement excludes', () => {
    expect(rbac.can(prometheus, { verb: 'get', resource: 'secrets', namespace: 'x' }).allowed).toBe(false);
  });

  it('an input role labelled aggregate-to-view extends view, hence edit and admin', () => {
    const decision = rbac.can(user('alice'), {
      verb: 'list',
      resource: 'widgets',
      apiGroup: 'example.com',
      namespace: 'app',
    });
    expect(decision.allowed).toBe(true);
    expect(decision.grants[0]?.rule.declaredBy.name).toBe('widgets-view');
    expect(decision.grants[0]?.role.name).toBe('admin');
  });

  it("an aggregated role's own rules are replaced by those it selects, as the controller does", () => {
    const overwritten = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: selects-nothing}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/none: "true"}}]
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
${binding('ClusterRoleBinding', 'selects-nothing', '[{kind: User, name: ivan}]')}
`);
    expect(overwritten.can(user('ivan'), { verb: 'get', resource: 'secrets', namespace: 'x' }).allowed).toBe(false);
  });
});

describe('RBAC model: rules', () => {
  const rbac = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mixed}
rules:
- {apiGroups: ["*"], resources: ["*/scale"], verbs: [update]}
- {apiGroups: [""], resources: [secrets], resourceNames: [tls, db], verbs: [get, create]}
- {apiGroups: [""], resources: [pods], verbs: ["*"]}
- {nonResourceURLs: [/healthz/*, /metrics], verbs: [get]}
- {apiGroups: [""], resources: [nodes], verbs: [get]}
- {resources: [widgets], verbs: [get]}
---
${binding('ClusterRoleBinding', 'mixed', '[{kind: User, name: carol}]')}
${binding('RoleBinding', 'mixed', '[{kind: User, name: dave}]', 'app')}
`);
  const carol = user('carol');
  const can = (subject: Subject, request: Request) => rbac.can(subject, request).allowed;

  it('matches */subresource wildcards in any group', () => {
    expect(can(carol, { verb: 'update', resource: 'deployments', subresource: 'scale', namespace: 'x' })).toBe(true);
    expect(can(carol, { verb: 'update', resource: 'deployments', namespace: 'x' })).toBe(false);
  });

  it('a resource rule does not cover its subresources', () => {
    expect(can(carol, { verb: 'create', resource: 'pods', namespace: 'x' })).toBe(true);
    expect(can(carol, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'x' })).toBe(false);
  });

  it('resourceNames allow named objects only, and never create', () => {
    expect(can(carol, { verb: 'get', resource: 'secrets', namespace: 'x', name: 'tls' })).toBe(true);
    expect(can(carol, { verb: 'get', resource: 'secrets', namespace: 'x', name: 'other' })).toBe(false);
    expect(can(carol, { verb: 'get', resource: 'secrets', namespace: 'x' })).toBe(false);
    expect(can(carol, { verb: 'create', resource: 'secrets', namespace: 'x' })).toBe(false);
  });

  it('get restricted by resourceNames is not listing every secret', () => {
    expect(can(carol, { verb: 'list', resource: 'secrets', namespace: 'x' })).toBe(false);
    expect(rbac.whoCan('list', 'secrets').map((who) => who.subject.name)).not.toContain('carol');
    const getters = rbac.whoCan('get', 'secrets').filter((who) => who.subject.name === 'carol');
    expect(getters.map((who) => who.names)).toEqual([['db', 'tls']]);
  });

  it('a rule without apiGroups matches no resource, not even one of an unknown group', () => {
    expect(can(carol, { verb: 'get', resource: 'widgets', namespace: 'x' })).toBe(false);
    expect(rbac.whoCan('get', 'widgets').map((who) => who.subject.name)).not.toContain('carol');
  });

  it('matches non-resource URLs exactly or by trailing *', () => {
    expect(can(carol, { verb: 'get', url: '/healthz/etcd' })).toBe(true);
    expect(can(carol, { verb: 'get', url: '/metrics' })).toBe(true);
    expect(can(carol, { verb: 'get', url: '/metrics/slis' })).toBe(false);
    expect(can(user('dave'), { verb: 'get', url: '/metrics' })).toBe(false);
  });

  it('a RoleBinding grants no cluster-scoped resource', () => {
    expect(can(carol, { verb: 'get', resource: 'nodes' })).toBe(true);
    expect(can(user('dave'), { verb: 'get', resource: 'nodes', namespace: 'app' })).toBe(false);
    expect(can(user('dave'), { verb: 'get', resource: 'pods', namespace: 'app' })).toBe(true);
  });

  it('reads malformed rules as granting nothing', () => {
    const broken = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: broken}
rules: [{apiGroups: "", resources: pods, verbs: [get]}, 42]
---
${binding('ClusterRoleBinding', 'broken', '[{kind: User, name: eve}]')}
`);
    expect(broken.can(user('eve'), { verb: 'get', resource: 'pods', namespace: 'x' }).allowed).toBe(false);
  });
});

describe('RBAC model: subjects and bindings', () => {
  const rbac = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: ci}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: local}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
---
${binding('RoleBinding', 'Role:reader', '[{kind: ServiceAccount, name: builder}, {kind: User, name: "system:serviceaccount:ci:deployer"}]', 'ci')}
${binding('RoleBinding', 'Role:local', '[{kind: ServiceAccount, name: app}]')}
${binding('RoleBinding', 'Role:missing', '[{kind: User, name: frank}]', 'ci')}
${binding('ClusterRoleBinding', 'Role:reader', '[{kind: User, name: grace}]')}
${binding('RoleBinding', 'view', '[{kind: Group, name: "system:serviceaccounts:ci"}]', 'ci')}
${binding('ClusterRoleBinding', 'system:basic-user', '[{kind: Group, name: "system:unauthenticated"}]')}
${binding('ClusterRoleBinding', 'view', '[{kind: Group, name: "system:authenticated"}]')}
`);

  it('a ServiceAccount subject without namespace is in the RoleBinding namespace', () => {
    expect(rbac.can(sa('ci', 'builder'), { verb: 'get', resource: 'configmaps', namespace: 'ci' }).allowed).toBe(true);
  });

  it('the user system:serviceaccount:NS:NAME is that ServiceAccount', () => {
    expect(rbac.can(sa('ci', 'deployer'), { verb: 'get', resource: 'configmaps', namespace: 'ci' }).allowed).toBe(true);
  });

  it('manifests without namespace live in default, their ServiceAccount subjects too, as kubectl applies them', () => {
    expect(rbac.can(sa('default', 'app'), { verb: 'list', resource: 'secrets', namespace: 'default' }).allowed).toBe(
      true,
    );
    expect(rbac.can(sa('default', 'app'), { verb: 'list', resource: 'secrets', namespace: 'ci' }).allowed).toBe(false);
    expect(rbac.can(sa(null, 'app'), { verb: 'list', resource: 'secrets', namespace: null }).allowed).toBe(false);
  });

  it('with -n NS, manifests without namespace live in NS; those naming theirs stay there', () => {
    const placed = rbacFrom(
      `${binding('RoleBinding', 'Role:reader', '[{kind: ServiceAccount, name: builder}]', 'ci')}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
---
${binding('RoleBinding', 'Role:reader', '[{kind: ServiceAccount, name: app}]')}`,
      'shop',
    );
    const listSecrets = (namespace: string) => ({ verb: 'list', resource: 'secrets', namespace });
    expect(placed.can(sa('shop', 'app'), listSecrets('shop')).allowed).toBe(true);
    expect(placed.can(sa('default', 'app'), listSecrets('default')).allowed).toBe(false);
    // The binding in ci names a Role reader that only the shop namespace holds: it grants nothing.
    expect(placed.can(sa('ci', 'builder'), listSecrets('ci')).allowed).toBe(false);
  });

  it('a binding to a missing role says so and grants nothing', () => {
    const missing = rbac.bindings.find((b) => b.roleRef.name === 'missing');
    expect(missing?.role).toBeUndefined();
    expect(rbac.permissionsOf(user('frank'))).toEqual(
      rbac.permissionsOf(group('system:authenticated')), // only what every user has
    );
  });

  it('a ClusterRoleBinding cannot reference a Role', () => {
    expect(
      rbac.bindings.find((b) => b.kind === 'ClusterRoleBinding' && b.roleRef.name === 'reader')?.role,
    ).toBeUndefined();
  });

  it('grants to system:serviceaccounts:NS apply to every ServiceAccount of NS, not to others', () => {
    expect(rbac.can(sa('ci', 'anyone'), { verb: 'list', resource: 'pods', namespace: 'ci' }).allowed).toBe(true);
    const other = rbac.can(sa('web', 'anyone'), { verb: 'list', resource: 'pods', namespace: 'ci' });
    expect(other.grants.map((g) => g.subject.name)).toEqual(['system:authenticated']);
  });

  it('system:authenticated covers users and ServiceAccounts but not anonymous', () => {
    const request: Request = { verb: 'list', resource: 'services', namespace: 'x' };
    expect(rbac.can(user('anybody'), request).allowed).toBe(true);
    expect(rbac.can(sa('web', 'app'), request).allowed).toBe(true);
    expect(rbac.can(user('system:anonymous'), request).allowed).toBe(false);
    const selfReview: Request = {
      verb: 'create',
      resource: 'selfsubjectaccessreviews',
      apiGroup: 'authorization.k8s.io',
    };
    expect(rbac.can(user('system:anonymous'), selfReview).allowed).toBe(true);
  });

  it('permissionsOf lists own grants and those of the groups, each with its binding and role', () => {
    const grants = rbac.permissionsOf(sa('ci', 'builder'));
    const sources = new Set(grants.map((g) => `${g.subject.name} ${g.binding.name} ${g.role.name}`));
    expect(sources).toContain('builder b-Rolereader reader');
    expect(sources).toContain('system:serviceaccounts:ci b-view view');
    expect(sources).toContain('system:authenticated system:discovery system:discovery');
    expect(grants.every((g) => g.scope.cluster || g.scope.namespace === 'ci')).toBe(true);
  });
});

describe('RBAC model: who can', () => {
  const rbac = rbacFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tls-reader, namespace: web}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [tls], verbs: [get]}]
---
${binding('RoleBinding', 'Role:tls-reader', '[{kind: ServiceAccount, name: nginx}]', 'web')}
${binding('RoleBinding', 'edit', '[{kind: Group, name: devs}]', 'app')}
${binding('ClusterRoleBinding', 'cluster-admin', '[{kind: ServiceAccount, name: op, namespace: ops}]')}
`);

  it('lists every subject and scope (control plane included), cluster-wide first, names for restricted grants', () => {
    const found = rbac.whoCan('get', 'secrets').map((who) => ({
      who: `${who.subject.kind}/${who.subject.name}`,
      where: who.scope.cluster ? '*' : who.scope.namespace,
      names: who.names,
    }));
    expect(found).toEqual([
      { who: 'Group/system:masters', where: '*', names: undefined },
      { who: 'ServiceAccount/op', where: '*', names: undefined },
      { who: 'User/system:kube-controller-manager', where: '*', names: undefined },
      { who: 'Group/devs', where: 'app', names: undefined },
      { who: 'ServiceAccount/nginx', where: 'web', names: ['tls'] },
    ]);
  });

  it('restricts to grants applying in a namespace', () => {
    expect(rbac.whoCan('get', 'secrets', 'app').map((who) => who.subject.name)).toEqual([
      'system:masters',
      'op',
      'system:kube-controller-manager',
      'devs',
    ]);
  });

  it('understands subresources, API groups and URLs', () => {
    expect(rbac.whoCan('create', 'pods/exec', 'app').map((who) => who.subject.name)).toContain('devs');
    expect(rbac.whoCan('patch', 'deployments.apps', 'app').map((who) => who.subject.name)).toContain('devs');
    expect(rbac.whoCan('patch', 'deployments.example.com', 'app').map((who) => who.subject.name)).not.toContain('devs');
    expect(rbac.whoCan('get', '/healthz').map((who) => who.subject.name)).toContain('system:unauthenticated');
  });
});

describe('RBAC model: scale', () => {
  // Its speed is measured by `npm run bench` (scripts/bench-rbac.mjs): a timed unit test only measures the machine's load.
  it('resolves 5,000 subjects and 20,000 rules', () => {
    const sources: SourceObject[] = [];
    const rbacApi = 'rbac.authorization.k8s.io/v1';
    const resources = ['pods', 'secrets', 'configmaps', 'deployments', 'services', 'pods/exec', 'jobs', 'events'];
    for (let role = 0; role < 2_500; role++) {
      const namespace = `team-${role % 50}`;
      const rules = Array.from({ length: 8 }, (_, rule) => ({
        apiGroups: ['', 'apps', 'batch'],
        resources: [resources[(role + rule) % resources.length]],
        verbs: rule % 3 ? ['get', 'list'] : ['create', 'delete'],
      }));
      sources.push({ object: { apiVersion: rbacApi, kind: 'Role', metadata: { name: `r${role}`, namespace }, rules } });
      sources.push({
        object: {
          apiVersion: rbacApi,
          kind: 'RoleBinding',
          metadata: { name: `b${role}`, namespace },
          roleRef: { kind: 'Role', name: `r${role}` },
          subjects: [
            { kind: 'ServiceAccount', name: `sa${role}`, namespace },
            { kind: 'User', name: `user${role}` },
          ],
        },
      });
    }
    const rbac = buildRbac(buildInventory(sources).inventory);
    let grants = 0;
    for (const subject of rbac.subjects) grants += rbac.permissionsOf(subject).length;
    const writers = rbac.whoCan('create', 'pods');
    expect(rbac.subjects.length).toBeGreaterThanOrEqual(5_000);
    expect(grants).toBeGreaterThan(40_000);
    expect(writers.length).toBeGreaterThan(0);
  });
});
