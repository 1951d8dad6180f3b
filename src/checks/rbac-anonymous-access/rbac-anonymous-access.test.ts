import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: "Kubernetes' own discovery bindings",
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:public-info-viewer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:public-info-viewer}
subjects:
- {kind: Group, name: "system:authenticated"}
- {kind: Group, name: "system:unauthenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: oidc-discovery}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:service-account-issuer-discovery}
subjects:
- {kind: Group, name: "system:unauthenticated"}
`,
    },
    {
      name: 'a binding to a role that does not exist grants nothing',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deleted-role}
subjects:
- {kind: User, name: "system:anonymous"}
`,
    },
  ],
  invalid: [
    {
      name: 'view for every authenticated user',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-views}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: Group, name: "system:authenticated"}
`,
      findings: [
        {
          line: 7,
          severity: 'medium',
          techniques: ['MS-TA9005', 'MS-TA9029'],
          message:
            /Group system:authenticated \(every user and every pod token of the cluster\) is granted ClusterRole view/,
        },
      ],
    },
    {
      name: 'cluster-admin for anonymous users',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: oops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: User, name: "system:anonymous"}
`,
      findings: [{ line: 7, severity: 'critical', message: /User system:anonymous .* it can do anything/ }],
    },
    {
      name: 'secrets of a namespace for unauthenticated users',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: public, namespace: web}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: public, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: public}
subjects:
- {kind: Group, name: "system:unauthenticated"}
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          message:
            /Group system:unauthenticated .*is granted Role web\/public \(RoleBinding web\/public\): it can read secrets/,
        },
      ],
    },
  ],
});
