import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading webhook configurations',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: auditor}
rules:
- apiGroups: [admissionregistration.k8s.io]
  resources: [mutatingwebhookconfigurations, validatingwebhookconfigurations]
  verbs: [get, list, watch]
`,
    },
  ],
  invalid: [
    {
      name: 'creating mutating webhooks',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: injector}
rules:
- apiGroups: [admissionregistration.k8s.io]
  resources: [mutatingwebhookconfigurations]
  verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: injector}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: injector}
subjects:
- {kind: ServiceAccount, name: injector, namespace: mesh}
`,
      findings: [
        {
          line: 15,
          severity: 'critical',
          techniques: ['MS-TA9015'],
          message: /ServiceAccount mesh\/injector can register admission webhooks/,
          evidence: [
            { type: 'binding', line: 13 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'patching its own webhook only: lower, with the name',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cert-injector}
rules:
- apiGroups: [admissionregistration.k8s.io]
  resources: [validatingwebhookconfigurations]
  resourceNames: [my-webhook]
  verbs: [get, patch]
`,
      findings: [
        {
          line: 6,
          severity: 'high',
          message:
            /would let its holders register admission webhooks that see or rewrite every object, only my-webhook; no binding here gives anyone this/,
        },
      ],
    },
  ],
});
