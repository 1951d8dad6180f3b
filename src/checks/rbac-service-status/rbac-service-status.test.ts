import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading Service status, and writing Services themselves',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: services}
rules:
- {apiGroups: [""], resources: [services/status], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [services], verbs: [update, patch]}
`,
    },
    {
      name: 'a status subresource of another resource',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ingress-status, namespace: web}
rules:
- {apiGroups: [networking.k8s.io], resources: [ingresses/status], verbs: [update, patch]}
`,
    },
  ],
  invalid: [
    {
      name: 'a load-balancer controller patching Service status cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: lb}
rules:
- {apiGroups: [""], resources: [services/status], verbs: [patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: lb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: lb}
subjects:
- {kind: ServiceAccount, name: metallb-controller, namespace: metallb-system}
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          techniques: ['MS-TA9036'],
          message: /^ServiceAccount metallb-system\/metallb-controller can rewrite Services' status/,
        },
      ],
    },
    {
      name: 'in one namespace it is just as high, and a wildcard on the core group reaches it',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app-admin, namespace: app}
rules:
- {apiGroups: [""], resources: ["*"], verbs: [update]}
`,
      findings: [{ line: 6, severity: 'high', techniques: ['MS-TA9036'], message: /Role app\/app-admin would let/ }],
    },
  ],
});
