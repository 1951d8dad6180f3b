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
  ],
  invalid: [
    {
      name: "an operator's ServiceAccount bound to cluster-admin: the binding and the subject",
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
          line: 5,
          path: 'roleRef.name',
          severity: 'critical',
          message: /binds cluster-admin cluster-wide to ServiceAccount ops\/operator/,
        },
        {
          line: 7,
          severity: 'critical',
          techniques: ['MS-TA9019'],
          message:
            /ServiceAccount ops\/operator can do anything .* cluster-wide \(ClusterRoleBinding operator → ClusterRole cluster-admin\)/,
        },
      ],
    },
    {
      name: 'a RoleBinding to cluster-admin: everything in its namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-admin, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: Group, name: devs}
`,
      findings: [
        { line: 5, severity: 'high', message: /binds cluster-admin in namespace dev to Group devs/ },
        { line: 7, severity: 'high', message: /Group devs can do anything .* in namespace dev/ },
      ],
    },
    {
      name: 'a RoleBinding to cluster-admin in kube-system: as bad as cluster-wide, on the binding too',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-admin, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: User, name: oscar}
`,
      findings: [
        { line: 5, severity: 'critical', message: /binds cluster-admin in namespace kube-system to User oscar/ },
        { line: 7, severity: 'critical', message: /User oscar can do anything .* in namespace kube-system/ },
      ],
    },
    {
      name: 'a full-wildcard ClusterRole of a chart, bound to nobody yet',
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
          message: /ClusterRole my-operator lets its holders do anything.*; bound to nobody here/,
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
        { line: 6, path: 'rules[0]', severity: 'critical', message: /system:metrics-helper .*bound to nobody here/ },
      ],
    },
    {
      name: 'power through aggregation: the source rule, the aggregating role and its holder',
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
          line: 5,
          path: 'aggregationRule',
          message: /aggregated from ClusterRole platform-everything.*bound to Group platform-team/,
        },
        { line: 15, path: 'rules[0]', message: /bound to nobody here/ },
        { line: 22, severity: 'critical', message: /Group platform-team can do anything/ },
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
        { line: 5, severity: 'info', message: /^expected for a system component: binds cluster-admin/ },
        { line: 7, severity: 'info', message: /Group system:masters can do anything/ },
        { line: 12, severity: 'info' },
        { line: 14, severity: 'info', message: /ServiceAccount kube-system\/cni/ },
      ],
    },
  ],
});
