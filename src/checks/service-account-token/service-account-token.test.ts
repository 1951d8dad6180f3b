import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'automount off, and a projected token asked for by this pod alone: the remediation, not the gap',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: api-client, namespace: app}
spec:
  automountServiceAccountToken: false
  containers:
  - name: client
    image: client:1.0
    volumeMounts: [{name: api-token, mountPath: /var/run/secrets/tokens}]
  volumes:
  - name: api-token
    projected:
      sources:
      - serviceAccountToken: {path: token, expirationSeconds: 600}
`,
    },
    {
      name: 'pod spec turns automount off',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      containers:
      - name: web
        image: nginx:1.27
`,
    },
    {
      name: 'ServiceAccount turns it off and the pod leaves it unset',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
      - name: web
`,
    },
    {
      name: 'pod false overrides ServiceAccount true',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: true
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: web
  automountServiceAccountToken: false
  containers:
  - name: web
`,
    },
  ],
  invalid: [
    {
      name: 'defaulted: no field anywhere, no ServiceAccount in the input',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: web
`,
      findings: [
        {
          line: 7,
          techniques: ['MS-TA9016'],
          mitigations: ['MS-M9025'],
          severity: 'low',
          path: 'spec.template.spec',
          message: /service account 'default' is mounted into the pods of Deployment 'web' by default/,
          // Files are not a cluster: a binding elsewhere may grant the account what the pods call the API for.
          fixed: false,
        },
      ],
    },
    {
      name: 'pod true overrides ServiceAccount false, at the pod field',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: web
  automountServiceAccountToken: true
  containers:
  - name: web
`,
      findings: [
        {
          line: 12,
          path: 'spec.automountServiceAccountToken',
          message: /'web' is mounted into Pod 'web': the pod spec sets/,
          fixed: false,
        },
      ],
    },
    {
      name: 'ServiceAccount true decides for two workloads: one finding at its field',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
automountServiceAccountToken: true
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: app
      containers:
      - name: web
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: app
      containers:
      - name: migrate
`,
      findings: [
        {
          line: 5,
          techniques: ['MS-TA9016'],
          path: 'automountServiceAccountToken',
          message:
            "ServiceAccount 'app' sets automountServiceAccountToken: true: its token is mounted into the pods of Deployment 'web', the pods of Job 'migrate'",
          fixed: false,
        },
      ],
    },
    {
      name: 'ServiceAccount of the same name in another namespace does not count',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: other}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: web
  containers:
  - name: web
`,
      findings: [{ line: 10, path: 'spec', message: /service account 'web'.* by default/ }],
    },
    ...[
      ['a RoleBinding grants the account a role', 'kind: RoleBinding', ''],
      ['a binding grants every account of the namespace a role', 'group', ''],
      ['a container runs kubectl', '', 'bitnami/kubectl:1.31'],
      ['a container is an operator', '', 'ghcr.io/acme/backup-operator:2'],
    ].map(([name, binding, image]) => ({
      name: `no fix when the pod may call the API: ${name}`,
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: jobs, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: runner, namespace: shop}
spec:
  serviceAccountName: jobs
  containers:
  - name: runner
    image: ${image || 'alpine:3.20'}
${
  binding
    ? `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jobs-view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [${binding === 'group' ? '{kind: Group, name: "system:serviceaccounts:shop"}' : '{kind: ServiceAccount, name: jobs, namespace: shop}'}]
`
    : ''
}`,
      findings: [{ line: 9, fixed: false }],
    })),
    {
      name: 'no fix when an injector adds an agent that uses the token (Vault)',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      annotations: {vault.hashicorp.com/agent-inject: "true"}
    spec:
      serviceAccountName: web
      containers:
      - name: web
`,
      findings: [{ line: 13, fixed: false }],
    },
  ],
  output: [
    {
      name: 'the pod spec turns it off when the account is in the input and nothing grants it anything',
      yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.27
`,
      output: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.27
      automountServiceAccountToken: false
`,
    },
  ],
});
