import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'metrics and stats, as collectors need',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: metrics}
rules:
- {apiGroups: [""], resources: [nodes, nodes/metrics, nodes/stats], verbs: [get, list]}
`,
    },
  ],
  invalid: [
    {
      name: 'GET on nodes/proxy, cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
rules:
- {apiGroups: [""], resources: [nodes/proxy], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
`,
      findings: [
        {
          line: 13,
          severity: 'critical',
          techniques: ['MS-TA9030', 'MS-TA9006'],
          message: /ServiceAccount monitoring\/prometheus can reach the kubelet API .*exec into any container/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'nodes are cluster-scoped: through a RoleBinding only the role is reported',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-proxy}
rules:
- {apiGroups: [""], resources: [nodes/proxy], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: node-proxy, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-proxy}
subjects:
- {kind: ServiceAccount, name: prometheus}
`,
      // The RoleBinding grants nothing (nodes have no namespace): the role is still unused power, at its rule.
      findings: [
        {
          line: 6,
          path: 'rules[0]',
          severity: 'critical',
          message:
            /^ClusterRole node-proxy would let its holders reach the kubelet API.*; no binding here gives anyone this yet$/,
        },
      ],
    },
  ],
});
