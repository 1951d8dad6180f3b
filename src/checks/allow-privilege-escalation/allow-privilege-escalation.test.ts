import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'false on every container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - name: setup
    securityContext: {allowPrivilegeEscalation: false}
  containers:
  - name: web
    securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true}
`,
    },
    {
      name: 'a privileged container cannot set it (privileged-container reports it); ephemeral containers are skipped',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  containers:
  - name: agent
    securityContext: {privileged: true}
  ephemeralContainers:
  - name: debug
`,
    },
  ],
  invalid: [
    {
      name: 'unset, and explicitly true',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        securityContext:
          runAsNonRoot: true
      - name: sidecar
        securityContext:
          allowPrivilegeEscalation: true
`,
      findings: [
        {
          line: 10,
          path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
          techniques: [],
          mitigations: ['MS-M9013', 'MS-M9017'],
          severity: 'low',
          message:
            "container 'web' does not set allowPrivilegeEscalation: false: setuid binaries can raise its privileges",
          fixed: true,
        },
        // A value someone wrote is theirs to change.
        { line: 14, column: 11, message: /'sidecar' sets allowPrivilegeEscalation: true/, fixed: false },
      ],
    },
    {
      name: 'unset beside an added CAP_SYS_ADMIN: the API would reject the fix, so there is none',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: fuse}
spec:
  containers:
  - name: fuse
    securityContext: {capabilities: {add: [CAP_SYS_ADMIN]}}
`,
      findings: [{ line: 8, fixed: false }],
    },
  ],
  output: [
    {
      name: 'filled in where each container leaves it unset, comments kept',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - name: setup   # runs first
        image: busybox
      containers:
      - name: web
        securityContext:
          runAsNonRoot: true
`,
      output: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - name: setup   # runs first
        image: busybox
        securityContext:
          allowPrivilegeEscalation: false
      containers:
      - name: web
        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false
`,
    },
  ],
});
