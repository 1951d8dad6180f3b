import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'read-only root with an emptyDir for scratch; ephemeral containers are skipped',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext: {readOnlyRootFilesystem: true}
    volumeMounts: [{name: tmp, mountPath: /tmp}]
  ephemeralContainers:
  - name: debug
  volumes:
  - {name: tmp, emptyDir: {}}
`,
    },
  ],
  invalid: [
    {
      name: 'unset in an init container, false in a container',
      yaml: `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      initContainers:
      - name: wait
      containers:
      - name: migrate
        securityContext:
          readOnlyRootFilesystem: false
`,
      findings: [
        {
          line: 9,
          path: 'spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem',
          techniques: [],
          mitigations: ['MS-M9013'],
          severity: 'low',
          message: "container 'wait' does not set readOnlyRootFilesystem: true: its root filesystem is writable",
          fixed: true,
        },
        { line: 13, message: /'migrate' sets readOnlyRootFilesystem: false/, fixed: false },
      ],
    },
  ],
  output: [
    {
      name: 'filled in on a container with no securityContext, and one with an empty one',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
  - name: proxy
    securityContext:
`,
      output: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    securityContext:
      readOnlyRootFilesystem: true
  - name: proxy
    securityContext:
      readOnlyRootFilesystem: true
`,
    },
  ],
});
