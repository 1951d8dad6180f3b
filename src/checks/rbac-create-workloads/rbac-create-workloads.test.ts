import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading pods, creating config maps',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: app}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [configmaps], verbs: [create]}
- {apiGroups: [""], resources: [deployments], verbs: [create]}
`,
    },
    {
      name: 'create restricted by resourceNames never applies: a create request carries no name',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: named, namespace: app}
rules:
- {apiGroups: [""], resources: [pods], resourceNames: [worker], verbs: [create]}
`,
    },
  ],
  invalid: [
    {
      name: 'a CI account deploying into its namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: ci}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [get, create, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects:
- {kind: ServiceAccount, name: runner}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          techniques: ['MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
          message: /ServiceAccount ci\/runner can create pods or pod controllers in namespace ci/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'jobs cluster-wide, for a group',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: batch-runner}
rules:
- {apiGroups: [batch], resources: ["*"], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: batch-runner}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: batch-runner}
subjects:
- {kind: Group, name: data-science}
`,
      findings: [
        {
          line: 13,
          severity: 'critical',
          message: /Group data-science can create pods or pod controllers cluster-wide/,
        },
      ],
    },
    {
      name: 'in kube-system a namespace grant is as bad as a cluster-wide one',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-edit, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: User, name: alice}
`,
      findings: [
        {
          line: 7,
          severity: 'critical',
          message:
            /User alice can create pods or pod controllers in namespace kube-system \(RoleBinding kube-system\/alice-edit → ClusterRole edit\)/,
        },
      ],
    },
    {
      name: "a RoleBinding to a ClusterRole: the subject gets one namespace, not the role's cluster-wide power",
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-creator}
rules:
- {apiGroups: [""], resources: [pods], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-creator, namespace: sandbox}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-creator}
subjects:
- {kind: ServiceAccount, name: launcher}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          message:
            /ServiceAccount sandbox\/launcher .* in namespace sandbox \(RoleBinding sandbox\/pod-creator → ClusterRole pod-creator\)/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'a control-plane user: info',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: my-controller}
rules:
- {apiGroups: [apps], resources: [replicasets], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: my-controller}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: my-controller}
subjects:
- {kind: User, name: "system:my-controller"}
`,
      findings: [
        { line: 13, severity: 'info', message: /^expected for a system component: User system:my-controller/ },
      ],
    },
  ],
});
