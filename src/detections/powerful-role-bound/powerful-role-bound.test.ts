import { KUBERNETES_ADMIN, write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const binding = (
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  role: { kind: 'ClusterRole' | 'Role'; name: string },
  subjects: Record<string, unknown>[] = [
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'mallory@example.com' },
  ],
  namespace?: string,
) => ({
  kind,
  apiVersion: 'rbac.authorization.k8s.io/v1',
  metadata: { name: 'grant', ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...role },
  subjects,
});
const bind = (body: Record<string, unknown>, namespace?: string) =>
  write({
    resource: body.kind === 'RoleBinding' ? 'rolebindings' : 'clusterrolebindings',
    ...(namespace ? { namespace } : {}),
    body,
    user: KUBERNETES_ADMIN,
  });
const secretsReader = {
  kind: 'ClusterRole',
  apiVersion: 'rbac.authorization.k8s.io/v1',
  metadata: { name: 'secret-reader' },
  rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
};

testDetection(detection, {
  valid: [
    {
      name: 'edit bound in an application namespace',
      events: [bind(binding('RoleBinding', { kind: 'ClusterRole', name: 'edit' }, undefined, 'shop'), 'shop')],
    },
    {
      name: 'view bound cluster-wide',
      events: [bind(binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'view' }))],
    },
    {
      name: 'a custom role the log never showed',
      events: [bind(binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'unknown-role' }))],
    },
    {
      name: 'a dry run of a cluster-admin binding',
      events: [
        write({
          resource: 'clusterrolebindings',
          body: binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'cluster-admin' }),
          query: 'dryRun=All',
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'cluster-admin bound to a user (kubectl create clusterrolebinding)',
      events: [bind(binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'cluster-admin' }))],
      alerts: [
        {
          techniques: ['MS-TA9019'],
          severity: 'critical',
          message:
            /^ClusterRoleBinding 'grant' was created binding ClusterRole 'cluster-admin' to User mallory@example.com: they can do anything/,
        },
      ],
    },
    {
      name: 'edit bound cluster-wide',
      events: [
        bind(
          binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'edit' }, [
            { kind: 'ServiceAccount', name: 'default', namespace: 'shop' },
          ]),
        ),
      ],
      alerts: [
        {
          severity: 'critical',
          message:
            /binding ClusterRole 'edit' to ServiceAccount shop\/default: they can impersonate service accounts; create pods or pod controllers; exec into or attach to containers and 7 more$/,
        },
      ],
    },
    {
      name: 'cluster-admin bound in one namespace',
      events: [bind(binding('RoleBinding', { kind: 'ClusterRole', name: 'cluster-admin' }, undefined, 'shop'), 'shop')],
      alerts: [{ severity: 'high', message: /^RoleBinding 'grant' in shop was created/ }],
    },
    {
      name: 'a custom role written, then bound to every authenticated user',
      events: [
        write({ resource: 'clusterroles', body: secretsReader, user: KUBERNETES_ADMIN }),
        bind(
          binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'secret-reader' }, [
            { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
          ]),
        ),
      ],
      alerts: [
        {
          severity: 'critical',
          message: /to Group system:authenticated \(everyone who reaches the API server\): they can read secrets/,
        },
      ],
    },
  ],
});
