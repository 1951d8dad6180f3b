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
        { line: 6, severity: 'critical', techniques: ['MS-TA9030', 'MS-TA9006'] },
        {
          line: 13,
          severity: 'critical',
          techniques: ['MS-TA9030', 'MS-TA9006'],
          message: /ServiceAccount monitoring\/prometheus can reach the kubelet API .*exec into any container/,
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
      findings: [{ line: 6, severity: 'critical' }],
    },
  ],
});
