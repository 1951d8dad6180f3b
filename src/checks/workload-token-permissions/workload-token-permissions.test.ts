import { testCheck } from '../tester.js';
import check from './index.js';

/**
 * A cluster-admin account with automount off, and a Deployment running as it with a projected volume: mounted or
 * not, its token for the given audience (none: the API server's).
 */
function projected({ mounted, audience }: { mounted: boolean; audience?: string }): string {
  return `
apiVersion: v1
kind: ServiceAccount
metadata: {name: operator, namespace: ops}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: operator, namespace: ops}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: operator, namespace: ops}
spec:
  template:
    spec:
      serviceAccountName: operator
      containers:
      - name: operator
        image: operator:1.0
        volumeMounts: [{name: ${mounted ? 'token' : 'scratch'}, mountPath: /var/run/secrets/tokens}]
      volumes:
      - {name: scratch, emptyDir: {}}
      - name: token
        projected:
          sources:
          - configMap: {name: kube-root-ca.crt}
          - serviceAccountToken: {path: token${audience ? `, audience: ${audience}` : ''}}
`;
}

testCheck(check, {
  valid: [
    {
      name: 'a dashboard bound to view: nothing risky in its token',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dashboard}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: dashboard, namespace: monitoring}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dashboard, namespace: monitoring}
spec:
  template:
    spec:
      serviceAccountName: dashboard
      containers: [{name: dashboard, image: dashboard:2.7}]
`,
    },
    {
      name: 'a powerful account whose token is not mounted',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: operator, namespace: ops}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: operator, namespace: ops}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: operator, namespace: ops}
spec:
  template:
    spec:
      serviceAccountName: operator
      containers: [{name: operator, image: operator:1.0}]
`,
    },
    { name: 'a projected token no container mounts', yaml: projected({ mounted: false }) },
    {
      name: 'a projected token for another audience (Vault): no API credential',
      yaml: projected({ mounted: true, audience: 'vault' }),
    },
  ],
  invalid: [
    {
      name: 'automount off, but a mounted projected token of the API server holds the power all the same',
      yaml: projected({ mounted: true }),
      findings: [
        {
          line: 20,
          path: 'spec.template.spec.serviceAccountName',
          severity: 'critical',
          message:
            /^pods of Deployment ops\/operator mount the projected token of ServiceAccount ops\/operator, which can do anything/,
        },
      ],
    },
    {
      name: 'a projected token whose audience names the API server',
      yaml: projected({ mounted: true, audience: 'https://kubernetes.default.svc.cluster.local' }),
      findings: [
        { line: 20, severity: 'critical', message: /mount the projected token of ServiceAccount ops\/operator/ },
      ],
    },
    {
      name: 'pods of a deployment can exec into any pod of the namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: shell, namespace: app}
rules:
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shell, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: shell}
subjects:
- {kind: ServiceAccount, name: debugger}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: debugger, namespace: app}
spec:
  template:
    spec:
      serviceAccountName: debugger
      containers: [{name: debugger, image: debugger:1.0}]
`,
      findings: [
        {
          line: 21,
          path: 'spec.template.spec.serviceAccountName',
          severity: 'medium',
          techniques: ['MS-TA9016', 'MS-TA9006', 'MS-TA9041'],
          message:
            /pods of Deployment app\/debugger mount the token of ServiceAccount app\/debugger, which can exec into or attach to containers in namespace app \(RoleBinding app\/shell → Role app\/shell\)/,
        },
      ],
    },
    {
      name: 'the default account, powerful through its namespace group',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all-accounts-edit, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: "system:serviceaccounts:app"}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app}
spec:
  containers: [{name: web, image: web:1.0}]
`,
      findings: [
        {
          line: 12,
          path: 'spec',
          severity: 'medium',
          message:
            /ServiceAccount app\/default, which can .*via Group system:serviceaccounts:app.*, and \d+ more risky permissions/,
        },
      ],
    },
    {
      name: 'cluster-admin in the token says it all, at critical',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: operator, namespace: ops}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: sync, namespace: ops}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccount: operator
          containers: [{name: sync, image: sync:1.0}]
`,
      findings: [
        {
          line: 18,
          path: 'spec.jobTemplate.spec.template.spec.serviceAccount',
          severity: 'critical',
          message:
            /which can do anything \(`\*` verbs on `\*` resources of `\*` API groups\) cluster-wide \(ClusterRoleBinding operator → ClusterRole cluster-admin\)$/,
        },
      ],
    },
    {
      name: 'a kube-system workload: info',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cni}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: cni, namespace: kube-system}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni, namespace: kube-system}
spec:
  template:
    spec:
      serviceAccountName: cni
      containers: [{name: cni, image: cni:1.0}]
`,
      findings: [
        { line: 15, severity: 'info', message: /^expected for a system component: pods of DaemonSet kube-system\/cni/ },
      ],
    },
  ],
});
