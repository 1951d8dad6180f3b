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
    {
      // A client certificate for system:masters is cluster-admin: rbac-cluster-admin reports the subject, once.
      name: 'approving any signer cluster-wide is left to rbac-cluster-admin',
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
    },
  ],
  invalid: [
    {
      name: 'a ClusterRole approving any signer, bound by nobody yet: at its rule',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: approver}
rules:
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}
- {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}
`,
      findings: [
        {
          line: 6,
          path: 'rules[0]',
          severity: 'critical',
          techniques: ['MS-TA9019'],
          message:
            /^ClusterRole approver would let its holders approve certificate signing requests .*; no binding here gives anyone this yet/,
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
      // One signer only, and one that cannot sign client certificates: a step lower, and not cluster-admin power.
      findings: [
        {
          line: 22,
          severity: 'high',
          message:
            /^ServiceAccount pki\/serving-approver can approve certificate signing requests .*\(ClusterRoleBinding approval → ClusterRole approval\)/,
        },
      ],
    },
  ],
});
