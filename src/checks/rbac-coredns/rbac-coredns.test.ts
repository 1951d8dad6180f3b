import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'writing config maps of another namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config, namespace: app}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [update, patch]}
`,
    },
    {
      name: 'writing other named config maps of kube-system',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: proxy-config, namespace: kube-system}
rules:
- {apiGroups: [""], resources: [configmaps], resourceNames: [kube-proxy], verbs: [update]}
`,
    },
  ],
  invalid: [
    {
      name: 'patching config maps cluster-wide reaches coredns',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: config-writer}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: config-writer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: config-writer}
subjects:
- {kind: ServiceAccount, name: reloader, namespace: tools}
`,
      // The bound role is not reported apart: its rule is the evidence of its holder's finding.
      findings: [
        {
          line: 13,
          severity: 'high',
          techniques: ['MS-TA9035'],
          message:
            /ServiceAccount tools\/reloader can rewrite the cluster's DNS configuration \(kube-system\/coredns\) cluster-wide/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'a kube-system Role naming coredns, held by an account of another namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: dns-editor, namespace: kube-system}
rules:
- {apiGroups: [""], resources: [configmaps], resourceNames: [coredns], verbs: [update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dns-editor, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: dns-editor}
subjects:
- {kind: ServiceAccount, name: external-dns, namespace: dns}
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          message: /ServiceAccount dns\/external-dns .*in namespace kube-system/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
  ],
});
