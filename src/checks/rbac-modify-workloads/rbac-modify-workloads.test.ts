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
      name: 'patching DaemonSets cluster-wide: as strong as creating pods',
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
          severity: 'critical',
          techniques: ['MS-TA9011', 'MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
          message: /ServiceAccount tools\/updater can change workload controllers' pod templates .* cluster-wide/,
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
          techniques: ['MS-TA9011', 'MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
          message:
            /Role db\/db-operator would let its holders change workload controllers' pod templates.*; no binding here gives anyone this yet/,
        },
      ],
    },
    {
      name: 'patching running pods only swaps images: a sidecar-style change, not privilege',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-patcher}
rules:
- {apiGroups: [""], resources: [pods], verbs: [patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pod-patcher}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-patcher}
subjects:
- {kind: User, name: alice}
`,
      findings: [
        { line: 13, severity: 'high', techniques: ['MS-TA9011'], message: /User alice can change running pods/ },
      ],
    },
    {
      name: 'a wildcard on pods and Deployments: one finding per rule and subject, the template decides',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: kube-system}
rules:
- {apiGroups: ["", apps], resources: [pods, deployments], verbs: ["*"]}
`,
      findings: [
        {
          line: 6,
          severity: 'critical',
          techniques: ['MS-TA9011', 'MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
          message: /pod templates .*; change running pods/,
        },
      ],
    },
  ],
});
