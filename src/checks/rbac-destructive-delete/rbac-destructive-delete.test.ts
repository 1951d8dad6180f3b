import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'deleting config maps, services and leases, or reading pods and secrets',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: janitor}
rules:
- {apiGroups: [""], resources: [configmaps, services], verbs: [delete, deletecollection]}
- {apiGroups: [coordination.k8s.io], resources: [leases], verbs: ["*"]}
- {apiGroups: [""], resources: [pods, secrets], verbs: [get, list, watch]}
`,
    },
  ],
  invalid: [
    {
      name: 'deleting namespaces cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: namespace-reaper}
rules:
- {apiGroups: [""], resources: [namespaces], verbs: [delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: namespace-reaper}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: namespace-reaper}
subjects:
- {kind: ServiceAccount, name: reaper, namespace: tools}
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          techniques: ['MS-TA9038'],
          message:
            /ServiceAccount tools\/reaper can delete workloads, pods, secrets, volumes or namespaces cluster-wide/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'deleting every claim of a namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cleanup, namespace: data}
rules:
- {apiGroups: [""], resources: [persistentvolumeclaims], verbs: [deletecollection]}
`,
      findings: [{ line: 6, path: 'rules[0]', severity: 'medium', message: /no binding here gives anyone this yet/ }],
    },
    {
      name: 'deleting every pod and every secret of the cluster',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reaper}
rules:
- {apiGroups: [""], resources: [pods], verbs: [delete]}
- {apiGroups: [""], resources: [secrets], verbs: [deletecollection]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: reaper}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reaper}
subjects:
- {kind: Group, name: oncall}
`,
      findings: [
        {
          line: 14,
          severity: 'high',
          techniques: ['MS-TA9038'],
          message: /Group oncall can delete/,
          evidence: [
            { type: 'binding', line: 12 },
            { type: 'rule', line: 6 },
            { type: 'rule', line: 7 },
          ],
        },
      ],
    },
    {
      name: 'a wildcard verb on secrets in one namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-admin, namespace: payments}
rules:
- {apiGroups: [""], resources: [secrets], verbs: ["*"]}
`,
      findings: [{ line: 6, severity: 'medium', techniques: ['MS-TA9038'] }],
    },
  ],
});
