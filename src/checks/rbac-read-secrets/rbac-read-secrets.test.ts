import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: "an unbound `*` on `*` in `*` ClusterRole is rbac-cluster-admin's one finding",
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
`,
    },
    {
      name: 'config maps, and creating secrets without reading them',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: app}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [secrets], verbs: [create, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: app}
subjects:
- {kind: ServiceAccount, name: app, namespace: app}
`,
    },
    {
      name: 'view does not read secrets',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-views}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: Group, name: developers}
`,
    },
    {
      // Its one finding comes from rbac-cluster-admin, and says this and more.
      name: 'a subject with cluster-admin power is left to rbac-cluster-admin, secrets and all',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: backup}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: backup}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: backup}
subjects:
- {kind: ServiceAccount, name: operator, namespace: platform}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: operator, namespace: platform}
`,
    },
  ],
  invalid: [
    {
      name: 'listing secrets cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: secret-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: backup, namespace: backup}
`,
      findings: [
        {
          line: 13,
          severity: 'critical',
          techniques: ['MS-TA9025'],
          message: /ServiceAccount backup\/backup can read secrets cluster-wide/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'the same ClusterRole through a RoleBinding: one namespace, medium',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: secret-reader, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: api}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          message: /ServiceAccount payments\/api can read secrets in namespace payments/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'get restricted to named secrets is not reading them all: lower, with the names',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tls, namespace: web}
rules:
- {apiGroups: [""], resources: [secrets], resourceNames: [web-tls, web-ca], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: tls, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: tls}
subjects:
- {kind: ServiceAccount, name: nginx}
`,
      findings: [
        {
          line: 13,
          severity: 'low',
          message: /ServiceAccount web\/nginx can read secrets in namespace web, only web-ca, web-tls/,
        },
      ],
    },
    {
      name: 'manifests without namespace: in default, as kubectl applies them',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: app}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          message: /ServiceAccount default\/app can read secrets in namespace default \(RoleBinding default\/reader/,
        },
      ],
    },
    {
      name: 'every service account is no system component: system:serviceaccounts is not info',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-pods-view-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kube-controller-manager}
subjects:
- {kind: Group, name: "system:serviceaccounts"}
`,
      findings: [
        {
          line: 7,
          severity: 'critical',
          message: /^Group system:serviceaccounts can read secrets cluster-wide/,
          // The binding, then the two built-in rules that read secrets: from no file, so no line.
          evidence: [{ type: 'binding', line: 5 }, { type: 'rule' }, { type: 'rule' }],
        },
      ],
    },
    {
      // One namespace is no cluster-admin power: each check reports what the binding opens there.
      name: 'a RoleBinding to cluster-admin: the secrets of its namespace, reported here',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-admin, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: Group, name: devs}
`,
      findings: [
        {
          line: 7,
          severity: 'medium',
          techniques: ['MS-TA9025'],
          message:
            /^Group devs can read secrets in namespace dev \(RoleBinding dev\/devs-admin → ClusterRole cluster-admin\)$/,
        },
      ],
    },
    {
      name: 'through edit, and a kube-system controller as info',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: devs}
- {kind: ServiceAccount, name: cert-manager, namespace: kube-system}
`,
      findings: [
        {
          line: 7,
          severity: 'medium',
          message: /Group devs can read secrets in namespace app \(RoleBinding app\/devs → ClusterRole edit\)/,
        },
        { line: 8, severity: 'info' },
      ],
    },
  ],
});
