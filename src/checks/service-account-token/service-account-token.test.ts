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
  ],
});
