import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'no security context',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
`,
    },
    {
      name: 'privileged: false',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    securityContext: {privileged: false}
`,
    },
    {
      name: "YAML 1.1 'no' is false",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      privileged: no
`,
    },
  ],
  invalid: [
    {
      name: 'privileged pod, at the field',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    securityContext:
      privileged: true
`,
      findings: [
        {
          line: 10,
          column: 7,
          techniques: ['MS-TA9018'],
          severity: 'critical',
          path: 'spec.containers[0].securityContext.privileged',
        },
      ],
    },
    {
      name: "YAML 1.1 'yes' in a Deployment's init container",
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - name: setup
        securityContext:
          privileged: yes
      containers:
      - name: web
`,
      findings: [{ line: 11, path: 'spec.template.spec.initContainers[0].securityContext.privileged' }],
    },
    {
      name: 'CronJob, each privileged container separately',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: a
            securityContext: {privileged: true}
          - name: b
            securityContext: {privileged: true}
`,
      findings: [
        { line: 13, message: /'a'/ },
        { line: 15, message: /'b'/ },
      ],
    },
  ],
});
