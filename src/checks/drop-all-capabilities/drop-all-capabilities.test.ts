import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'drop ALL and add back what is needed, in any case spelling',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - name: setup
    securityContext:
      capabilities: {drop: [all]}
  containers:
  - name: web
    securityContext:
      capabilities:
        drop: [ALL]
        add: [NET_BIND_SERVICE]
`,
    },
    {
      name: 'privileged (holds all anyway) and ephemeral containers are skipped',
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
      name: 'nothing dropped (net-raw names the NET_RAW it keeps)',
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
          path: 'spec.template.spec.containers[0].securityContext.capabilities.drop',
          techniques: [],
          mitigations: ['MS-M9013'],
          severity: 'low',
          message: "container 'web' does not drop ALL capabilities",
        },
      ],
    },
    {
      name: 'NET_RAW dropped individually, others kept',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      capabilities:
        drop: [NET_RAW, SYS_CHROOT]
`,
      findings: [
        {
          line: 10,
          path: 'spec.containers[0].securityContext.capabilities.drop',
          message: "container 'web' does not drop ALL capabilities",
          fixed: true,
        },
      ],
    },
  ],
  output: [
    {
      name: 'ALL appended to a list (block or flow), or the list written where there is none',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      capabilities:
        drop: [NET_RAW]
        add: [NET_BIND_SERVICE]
  - name: log
    securityContext:
      capabilities:
        drop:
        - SYS_CHROOT   # why: chroot
  - name: metrics
    image: exporter
`,
      output: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      capabilities:
        drop: [NET_RAW, ALL]
        add: [NET_BIND_SERVICE]
  - name: log
    securityContext:
      capabilities:
        drop:
        - SYS_CHROOT   # why: chroot
        - ALL
  - name: metrics
    image: exporter
    securityContext:
      capabilities:
        drop:
          - ALL
`,
    },
  ],
});
