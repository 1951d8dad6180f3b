import { RBAC_TECHNIQUES } from '../../rbac/risky.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'a binding to view',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dashboard}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: dashboard, namespace: monitoring}
`,
    },
    {
      name: 'wildcards short of everything: all verbs on pods, all resources of one group',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pods-and-apps}
rules:
- {apiGroups: [""], resources: [pods], verbs: ["*"]}
- {apiGroups: [apps], resources: ["*"], verbs: ["*"]}
- {apiGroups: ["*"], resources: ["*"], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pods-and-apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pods-and-apps}
subjects:
- {kind: User, name: alice}
`,
    },
    {
      name: "a bootstrap system: role from a cluster dump is Kubernetes' own",
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: "system:controller:generic-garbage-collector"
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
`,
    },
    {
      name: 'a binding of cluster-admin to no subject grants nothing',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: placeholder}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: []
`,
    },
  ],
  invalid: [
    {
      name: "an operator's ServiceAccount bound to cluster-admin: one finding, every technique RBAC opens",
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: operator, namespace: ops}
`,
      findings: [
        {
          line: 7,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES,
          message:
            /^ServiceAccount ops\/operator has cluster-admin power: it can do anything .* cluster-wide \(ClusterRoleBinding operator → ClusterRole cluster-admin\), so every technique RBAC opens is open to it$/,
          // cluster-admin is built in: its rule is in no file.
          evidence: [{ type: 'binding', line: 5 }, { type: 'rule' }],
        },
      ],
    },
    {
      name: 'a full-wildcard ClusterRole of a chart, bound to nobody yet: latent, at its rule, every technique in one',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: my-operator}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
`,
      findings: [
        {
          line: 7,
          path: 'rules[1]',
          severity: 'critical',
          // The other RBAC checks leave the rule to this one: one fact, one finding.
          techniques: RBAC_TECHNIQUES.filter((id) => id !== 'MS-TA9037'),
          message:
            /^ClusterRole my-operator would let its holders do anything.*; no binding here gives anyone this yet$/,
        },
      ],
    },
    {
      name: 'the same ClusterRole bound: its holder is reported, with the binding and the rule, and the role is not',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: my-operator}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: my-operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: my-operator}
subjects:
- {kind: ServiceAccount, name: my-operator, namespace: operators}
`,
      findings: [
        {
          line: 16,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES,
          message: /^ServiceAccount operators\/my-operator has cluster-admin power: it can do anything/,
          evidence: [
            { type: 'binding', line: 14 },
            { type: 'rule', line: 7 },
          ],
        },
      ],
    },
    {
      name: 'a binding with no subjects leaves the role latent',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: my-operator}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: my-operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: my-operator}
subjects: []
`,
      findings: [{ line: 6, path: 'rules[0]', severity: 'critical', message: /no binding here gives anyone this yet/ }],
    },
    {
      name: 'escalate on clusterroles, cluster-wide: cluster-admin power one step removed',
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
        {
          line: 13,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES,
          message:
            /^User mallory has cluster-admin power: it can escalate or bind roles beyond its own permissions cluster-wide .*, so every technique RBAC opens is open to it$/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'impersonating groups cluster-wide: system:masters is one header away',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonator}
rules:
- {apiGroups: [""], resources: [groups], verbs: [impersonate]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: impersonator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator}
subjects:
- {kind: Group, name: support}
`,
      findings: [
        {
          line: 13,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES,
          message: /^Group support has cluster-admin power: it can impersonate users or groups .*cluster-wide/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
    {
      name: 'approving CSRs for any signer cluster-wide: a client certificate for system:masters',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: approver}
rules:
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}
- {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: approver}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: approver}
subjects:
- {kind: ServiceAccount, name: approver, namespace: pki}
`,
      findings: [
        {
          line: 14,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES,
          message: /^ServiceAccount pki\/approver has cluster-admin power: it can approve certificate signing requests/,
        },
      ],
    },
    {
      // The other checks leave it out too (see rbac-read-secrets); its finding points at the cluster-admin binding.
      name: 'a subject with cluster-admin power and other risky rules: one finding, on the power that says it all',
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
      findings: [
        {
          line: 21,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES,
          message:
            /^ServiceAccount platform\/operator has cluster-admin power: it can do anything .*\(ClusterRoleBinding operator-admin → ClusterRole cluster-admin\)/,
          evidence: [{ type: 'binding', line: 19 }, { type: 'rule' }],
        },
      ],
    },
    {
      // No takeover: the other checks report what it opens in dev, each on its own.
      name: 'a RoleBinding to cluster-admin: everything in its namespace, not cluster-admin power',
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
          severity: 'high',
          techniques: ['MS-TA9019'],
          message:
            /^Group devs can do anything .* in namespace dev \(RoleBinding dev\/devs-admin → ClusterRole cluster-admin\)$/,
          evidence: [{ type: 'binding', line: 5 }, { type: 'rule' }],
        },
      ],
    },
    {
      name: 'a RoleBinding to cluster-admin in kube-system: as severe as cluster-wide',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-admin, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: User, name: oscar}
`,
      findings: [
        {
          line: 7,
          severity: 'critical',
          techniques: ['MS-TA9019'],
          message: /^User oscar can do anything .* in namespace kube-system/,
        },
      ],
    },
    {
      name: "a chart's own role named system:… is not Kubernetes' and is reported",
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:metrics-helper"}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
`,
      findings: [
        {
          line: 6,
          path: 'rules[0]',
          severity: 'critical',
          message: /system:metrics-helper would let .*no binding here gives anyone this yet/,
        },
      ],
    },
    {
      // The source rule is the holder's evidence, not a latent role: it is granted, through the aggregation.
      name: 'power through aggregation: the holder, with the source rule as evidence',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: platform}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions: [{key: example.com/platform, operator: Exists}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: platform-everything
  labels: {example.com/platform: "yes"}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: platform-team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: platform}
subjects:
- {kind: Group, name: platform-team}
`,
      findings: [
        {
          line: 22,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES,
          message: /^Group platform-team has cluster-admin power: it can do anything .*ClusterRole platform\)/,
          evidence: [
            { type: 'binding', line: 20 },
            { type: 'rule', line: 15 },
          ],
        },
      ],
    },
    {
      name: 'system components hold it as expected: info',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: Group, name: "system:masters"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cni-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: cni, namespace: kube-system}
`,
      findings: [
        {
          line: 7,
          severity: 'info',
          techniques: RBAC_TECHNIQUES,
          message: /^expected for a system component: Group system:masters has cluster-admin power/,
        },
        {
          line: 14,
          severity: 'info',
          techniques: RBAC_TECHNIQUES,
          message: /^expected for a system component: ServiceAccount kube-system\/cni has cluster-admin power/,
          evidence: [{ type: 'binding', line: 12 }, { type: 'rule' }],
        },
      ],
    },
    {
      name: 'an unbound `*` on `*` in `*` ClusterRole and Role: one finding per rule, naming every technique it opens',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: everything, namespace: app}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
`,
      findings: [
        {
          line: 6,
          severity: 'critical',
          techniques: RBAC_TECHNIQUES.filter((id) => id !== 'MS-TA9037'),
          message:
            /^ClusterRole everything would let its holders do anything \(`\*` verbs on `\*` resources of `\*` API groups\), and so every technique RBAC opens \(\d+\); no binding here gives anyone this yet$/,
        },
        {
          line: 14,
          severity: 'high',
          // In a namespace: no nodes/proxy, webhook configurations or the coredns ConfigMap of kube-system.
          techniques: RBAC_TECHNIQUES.filter(
            (id) => !['MS-TA9037', 'MS-TA9030', 'MS-TA9015', 'MS-TA9035'].includes(id),
          ),
          message: /^Role app\/everything would let its holders do anything .*every technique RBAC opens \(\d+\)/,
        },
      ],
    },
  ],
});
