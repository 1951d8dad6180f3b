import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'deleting pods (their controller recreates them) and config maps',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: restarter}
rules:
- {apiGroups: [""], resources: [pods, configmaps], verbs: [delete]}
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
          message: /ServiceAccount tools\/reaper can delete workloads, volumes or namespaces cluster-wide/,
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
  ],
});
