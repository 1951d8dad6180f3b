import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading workloads, writing config maps',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: app}
rules:
- {apiGroups: [apps], resources: [deployments, daemonsets], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [configmaps], verbs: [patch]}
- {apiGroups: [apps], resources: [deployments/scale], verbs: [patch]}
`,
    },
  ],
  invalid: [
    {
      name: 'patching DaemonSets cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ds-patcher}
rules:
- {apiGroups: [apps], resources: [daemonsets], verbs: [patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ds-patcher}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ds-patcher}
subjects:
- {kind: ServiceAccount, name: updater, namespace: tools}
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          techniques: ['MS-TA9011'],
          message: /ServiceAccount tools\/updater can change running workloads/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'updating StatefulSets in a namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: db-operator, namespace: db}
rules:
- {apiGroups: [apps], resources: [statefulsets], verbs: [update]}
`,
      findings: [
        {
          line: 6,
          severity: 'medium',
          message:
            /Role db\/db-operator would let its holders change running workloads.*; no binding here gives anyone this yet/,
        },
      ],
    },
  ],
});
