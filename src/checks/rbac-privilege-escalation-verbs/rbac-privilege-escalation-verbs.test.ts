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
    {
      // It amounts to cluster-admin: rbac-cluster-admin reports the subject, once, with every technique.
      name: 'escalate on clusterroles, bound cluster-wide, is left to rbac-cluster-admin',
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
    },
  ],
  invalid: [
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
        {
          line: 13,
          severity: 'medium',
          message: /ServiceAccount team\/onboarding can create or change role bindings in namespace team/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
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
          path: 'rules[0]',
          message:
            /ClusterRole impersonator would let its holders impersonate users or groups.*; no binding here gives anyone this yet/,
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
        {
          line: 13,
          severity: 'high',
          message: /Group ci can impersonate service accounts cluster-wide, only deployer/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'escalate and bind in one namespace: not cluster-admin power, reported here',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: role-admin, namespace: team}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate, bind]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: role-admin, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-admin}
subjects:
- {kind: User, name: tina}
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          techniques: ['MS-TA9019'],
          message: /^User tina can escalate or bind roles beyond its own permissions in namespace team/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      // Binding only \`view\` gives nothing beyond view: not a way to cluster-admin.
      name: 'bind restricted to one named ClusterRole, cluster-wide: lower, reported here with the name',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view-binder}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [view], verbs: [bind]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: view-binder}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view-binder}
subjects:
- {kind: User, name: victor}
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          message: /^User victor can escalate or bind roles beyond its own permissions cluster-wide, only view/,
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
