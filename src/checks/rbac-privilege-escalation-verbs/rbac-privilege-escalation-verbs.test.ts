import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading roles and bindings',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: rbac-reader}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings, clusterroles], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: auditor}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rbac-reader}
subjects:
- {kind: User, name: auditor}
`,
    },
    {
      name: 'view and edit: edit impersonates service accounts, but only bindings to it count, and view does not',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: Group, name: readers}
`,
    },
  ],
  invalid: [
    {
      name: 'escalate on clusterroles, bound cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: role-manager}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: role-manager}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: role-manager}
subjects:
- {kind: User, name: mallory}
`,
      findings: [
        { line: 6, path: 'rules[0]', severity: 'critical', message: /escalate or bind roles.*bound to User mallory/ },
        {
          line: 13,
          severity: 'critical',
          techniques: ['MS-TA9019'],
          message: /User mallory can escalate or bind roles/,
        },
      ],
    },
    {
      name: 'creating RoleBindings in one namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: binder, namespace: team}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: binder, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: binder}
subjects:
- {kind: ServiceAccount, name: onboarding}
`,
      findings: [
        { line: 6, severity: 'medium', message: /Role team\/binder lets its holders create or change role bindings/ },
        {
          line: 13,
          severity: 'medium',
          message: /ServiceAccount team\/onboarding can create or change role bindings in namespace team/,
        },
      ],
    },
    {
      name: 'impersonating groups is cluster-scoped: a RoleBinding to it grants nothing, the role stays latent',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonator}
rules:
- {apiGroups: [""], resources: [users, groups], verbs: [impersonate]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: impersonator, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator}
subjects:
- {kind: User, name: trent}
`,
      findings: [
        {
          line: 6,
          severity: 'critical',
          message: /impersonate users or groups.*bound to User trent \(RoleBinding app\/impersonator\)/,
        },
      ],
    },
    {
      name: 'impersonating one named service account: one step lower, with the name',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer-impersonator}
rules:
- {apiGroups: [""], resources: [serviceaccounts], resourceNames: [deployer], verbs: [impersonate]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deployer-impersonator}
subjects:
- {kind: Group, name: ci}
`,
      findings: [
        { line: 6, severity: 'high', message: /impersonate service accounts, only deployer/ },
        {
          line: 13,
          severity: 'high',
          message: /Group ci can impersonate service accounts cluster-wide, only deployer/,
        },
      ],
    },
    {
      name: 'a binding to admin: role bindings and service-account impersonation in the namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: owners, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects:
- {kind: User, name: olivia}
`,
      findings: [
        {
          line: 7,
          severity: 'medium',
          message:
            /User olivia can create or change role bindings in namespace shop; impersonate service accounts in namespace shop \(RoleBinding shop\/owners → ClusterRole admin\)/,
        },
      ],
    },
  ],
});
