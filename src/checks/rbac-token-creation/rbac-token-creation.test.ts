import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading service accounts, creating config maps',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: app}
rules:
- {apiGroups: [""], resources: [serviceaccounts], verbs: [get, list]}
- {apiGroups: [""], resources: [configmaps], verbs: [create]}
`,
    },
  ],
  invalid: [
    {
      name: 'minting tokens in a namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: token-minter, namespace: ci}
rules:
- {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: token-minter, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: token-minter}
subjects:
- {kind: ServiceAccount, name: vault}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          techniques: ['MS-TA9016'],
          message: /ServiceAccount ci\/vault can create service-account tokens in namespace ci/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'creating secrets cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-writer}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [create, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: secret-writer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-writer}
subjects:
- {kind: User, name: sync}
`,
      findings: [
        {
          line: 13,
          severity: 'critical',
          message: /User sync can create secrets .* cluster-wide/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
  ],
});
