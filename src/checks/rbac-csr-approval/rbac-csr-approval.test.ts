import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'updating approvals without approving any signer is not enough',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: half-approver}
rules:
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: half-approver}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: half-approver}
subjects:
- {kind: User, name: bob}
`,
    },
  ],
  invalid: [
    {
      name: 'approving any signer',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: approver}
rules:
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}
- {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: approver}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: approver}
subjects:
- {kind: ServiceAccount, name: approver, namespace: pki}
`,
      findings: [
        { line: 6, path: 'rules[0]', severity: 'critical', techniques: ['MS-TA9019'] },
        {
          line: 14,
          severity: 'critical',
          message: /ServiceAccount pki\/approver can approve certificate signing requests/,
        },
      ],
    },
    {
      name: 'the two halves from two roles: the subject holds it, neither role alone does',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: approval}
rules:
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kubelet-serving}
rules:
- apiGroups: [certificates.k8s.io]
  resources: [signers]
  resourceNames: [kubernetes.io/kubelet-serving]
  verbs: [approve]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: approval}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: approval}
subjects:
- {kind: ServiceAccount, name: serving-approver, namespace: pki}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kubelet-serving}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubelet-serving}
subjects:
- {kind: ServiceAccount, name: serving-approver, namespace: pki}
`,
      // One signer only: a step lower than approving for any signer.
      findings: [{ line: 22, severity: 'high', message: /\(ClusterRoleBinding approval → ClusterRole approval\)/ }],
    },
  ],
});
