import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'runAsNonRoot on the pod covers every container; ephemeral containers are not assessed',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsNonRoot: true}
  initContainers:
  - name: setup
  containers:
  - name: web
  ephemeralContainers:
  - name: debug
    securityContext: {runAsUser: 0}
`,
    },
    {
      name: 'a non-zero runAsUser on the pod, overridden by a non-zero one on the container',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      securityContext: {runAsUser: 1000}
      containers:
      - name: web
        securityContext: {runAsUser: 101}
`,
    },
  ],
  invalid: [
    {
      name: 'nothing set: the image decides, at where runAsNonRoot belongs',
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
        securityContext:
          runAsNonRoot: false
`,
      findings: [
        {
          line: 12,
          path: 'spec.template.spec.containers[0].securityContext.runAsNonRoot',
          techniques: [],
          mitigations: ['MS-M9013'],
          severity: 'low',
          message: /'web' may run as root: neither runAsNonRoot: true nor a non-zero runAsUser/,
          // runAsNonRoot: false is written: not overwritten.
          fixed: false,
        },
      ],
    },
    {
      name: 'runAsUser 0 on the container overrides a non-root pod',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsUser: 1000}
  containers:
  - name: web
    securityContext:
      runAsUser: 0
`,
      findings: [
        {
          line: 10,
          path: 'spec.containers[0].securityContext.runAsUser',
          severity: 'medium',
          message: "container 'web' runs as root: its securityContext sets runAsUser: 0",
          fixed: false,
        },
      ],
    },
    {
      name: 'runAsUser 0 on the pod: one finding per container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsUser: 0}
  initContainers:
  - name: setup
  containers:
  - name: web
`,
      findings: [
        {
          line: 8,
          path: 'spec.initContainers[0].securityContext.runAsUser',
          severity: 'medium',
          message: /'setup' runs as root: the pod securityContext/,
        },
        { line: 10, path: 'spec.containers[0].securityContext.runAsUser', severity: 'medium', message: /'web'/ },
      ],
    },
    {
      name: 'runAsNonRoot: false on the pod is a decision each container inherits: no fix overrides it',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsNonRoot: false}
  containers:
  - name: web
`,
      findings: [{ line: 8, fixed: false }],
    },
  ],
  output: [
    {
      name: 'runAsNonRoot: true filled in on each container that leaves it to the image',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: report
            image: reporter:2.1
            securityContext: {readOnlyRootFilesystem: true}
`,
      output: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: report
            image: reporter:2.1
            securityContext: {readOnlyRootFilesystem: true, runAsNonRoot: true}
`,
    },
  ],
});
