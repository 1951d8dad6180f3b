import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'recording events',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: recorder}
rules:
- {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
`,
    },
  ],
  invalid: [
    {
      name: 'deleting events in a namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: janitor, namespace: app}
rules:
- {apiGroups: [""], resources: [events], verbs: [delete]}
`,
      findings: [
        {
          line: 6,
          severity: 'low',
          techniques: ['MS-TA9022'],
          message: /would let its holders delete events; no binding here gives anyone this/,
        },
      ],
    },
    {
      name: 'deleting collections of events.k8s.io events cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: janitor}
rules:
- {apiGroups: [events.k8s.io], resources: [events], verbs: [deletecollection]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: janitor}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: janitor}
subjects:
- {kind: ServiceAccount, name: janitor, namespace: ops}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          techniques: ['MS-TA9022'],
          message: /ServiceAccount ops\/janitor can delete events cluster-wide/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
  ],
});
