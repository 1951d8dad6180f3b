import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading secrets where no pull secret is known',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: app}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
`,
    },
    {
      name: "reading secrets of another namespace than the pull secret's",
      yaml: `
apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: shop}
type: kubernetes.io/dockerconfigjson
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: app}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
`,
    },
  ],
  invalid: [
    {
      name: "a pod's imagePullSecrets readable in its namespace",
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      imagePullSecrets: [{name: regcred}]
      containers: [{name: web, image: registry.example.com/shop/web:1.0}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- {apiGroups: [""], resources: [secrets], resourceNames: [regcred, other], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: web}
`,
      findings: [
        {
          line: 22,
          severity: 'medium',
          techniques: ['MS-TA9037'],
          message: /ServiceAccount shop\/web can read image pull secrets \(shop\/regcred\) in namespace shop/,
          evidence: [
            { type: 'binding', line: 20 },
            { type: 'rule', line: 15 },
          ],
        },
      ],
    },
    {
      name: 'a dockerconfigjson secret and a cluster-wide reader',
      yaml: `
apiVersion: v1
kind: Secret
metadata: {name: registry, namespace: ci}
type: kubernetes.io/dockerconfigjson
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-lister}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: secret-lister}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-lister}
subjects:
- {kind: Group, name: auditors}
`,
      findings: [
        {
          line: 18,
          severity: 'high',
          message: /Group auditors can read image pull secrets \(ci\/registry\) cluster-wide/,
          evidence: [
            { type: 'binding', line: 16 },
            { type: 'rule', line: 11 },
          ],
        },
      ],
    },
  ],
});
