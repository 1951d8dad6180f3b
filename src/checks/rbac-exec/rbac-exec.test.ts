import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'logs and pods, but no exec',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debugger, namespace: app}
rules:
- {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
- {apiGroups: [apps], resources: [pods/exec], verbs: [create]}
`,
    },
    {
      name: 'all verbs on pods do not reach the exec subresource',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-admin, namespace: app}
rules:
- {apiGroups: [""], resources: [pods], verbs: ["*"]}
`,
    },
  ],
  invalid: [
    {
      name: 'GET on pods/exec is enough (websocket exec)',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: shell, namespace: app}
rules:
- {apiGroups: [""], resources: [pods/exec], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shell, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: shell}
subjects:
- {kind: User, name: oncall}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          techniques: ['MS-TA9006', 'MS-TA9041'],
          message: /User oncall can exec into or attach to containers in namespace app/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'ephemeral containers and */attach, cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debug-everything}
rules:
- {apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch]}
- {apiGroups: [""], resources: ["*/attach"], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sre}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debug-everything}
subjects:
- {kind: Group, name: sre}
`,
      // One finding for the holder, with both rules as its evidence.
      findings: [
        {
          line: 14,
          severity: 'critical',
          message:
            /Group sre can exec into or attach to containers cluster-wide; add ephemeral \(debug\) containers to running pods cluster-wide/,
          evidence: [
            { type: 'binding', line: 12 },
            { type: 'rule', line: 7 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'a kube-system account: info',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: node-debugger, namespace: kube-system}
rules:
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: node-debugger, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: node-debugger}
subjects:
- {kind: ServiceAccount, name: node-debugger}
`,
      findings: [
        {
          line: 13,
          severity: 'info',
          message: /^expected for a system component: ServiceAccount kube-system\/node-debugger/,
        },
      ],
    },
  ],
});
