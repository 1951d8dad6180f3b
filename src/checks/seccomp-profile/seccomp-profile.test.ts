import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'RuntimeDefault on the pod, Localhost on one container',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      securityContext:
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: web
      - name: proxy
        securityContext:
          seccompProfile: {type: Localhost, localhostProfile: profiles/proxy.json}
`,
    },
    {
      name: 'the container field overrides an unconfined pod',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
  - name: web
    securityContext:
      seccompProfile: {type: RuntimeDefault}
`,
    },
    {
      name: 'legacy pod annotation',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: runtime/default
spec:
  containers:
  - name: web
`,
    },
    {
      name: 'privileged containers (runtime ignores seccomp) and ephemeral containers are skipped',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: agent
    securityContext: {privileged: true}
  ephemeralContainers:
  - name: debug
    securityContext:
      seccompProfile: {type: Unconfined}
`,
    },
  ],
  invalid: [
    {
      name: 'absent: low, where the field belongs',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
`,
      findings: [
        {
          line: 9,
          path: 'spec.template.spec.containers[0].securityContext.seccompProfile',
          techniques: [],
          mitigations: ['MS-M9011'],
          severity: 'low',
          message: /'web' sets no seccomp profile/,
        },
      ],
    },
    {
      name: 'Unconfined on the pod: medium, one finding per container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  initContainers:
  - name: setup
  containers:
  - name: web
`,
      findings: [
        {
          line: 9,
          path: 'spec.initContainers[0].securityContext.seccompProfile',
          severity: 'medium',
          message: "container 'setup' runs without seccomp: pod securityContext.seccompProfile.type: Unconfined",
        },
        { line: 11, path: 'spec.containers[0].securityContext.seccompProfile', severity: 'medium' },
      ],
    },
    {
      name: 'legacy container annotation unconfined beats the pod annotation, at the annotation',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      annotations:
        seccomp.security.alpha.kubernetes.io/pod: runtime/default
        container.seccomp.security.alpha.kubernetes.io/web: unconfined
    spec:
      containers:
      - name: web
      - name: proxy
`,
      findings: [
        {
          line: 10,
          path: 'spec.template.metadata.annotations["container.seccomp.security.alpha.kubernetes.io/web"]',
          severity: 'medium',
          message:
            /'web' runs without seccomp: annotation container.seccomp.security.alpha.kubernetes.io\/web: unconfined/,
        },
      ],
    },
    {
      name: 'Unconfined on the container overrides RuntimeDefault on the pod',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: web
    securityContext:
      seccompProfile:
        type: Unconfined
`,
      findings: [
        {
          line: 11,
          path: 'spec.containers[0].securityContext.seccompProfile',
          severity: 'medium',
          message: /securityContext.seccompProfile.type: Unconfined/,
          // Unconfined is asked for: a person decides.
          fixed: false,
        },
      ],
    },
  ],
  output: [
    {
      name: 'RuntimeDefault filled in on each container that sets no profile',
      yaml: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  template:
    spec:
      containers:
      - name: db
        image: postgres:16
        securityContext:
          runAsUser: 999 # postgres
      - name: exporter
        image: exporter:1
`,
      output: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  template:
    spec:
      containers:
      - name: db
        image: postgres:16
        securityContext:
          runAsUser: 999 # postgres
          seccompProfile:
            type: RuntimeDefault
      - name: exporter
        image: exporter:1
        securityContext:
          seccompProfile:
            type: RuntimeDefault
`,
    },
  ],
});
