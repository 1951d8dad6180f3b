import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'harmless added capabilities',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      capabilities:
        drop: [ALL]
        add: [NET_BIND_SERVICE, CHOWN]
`,
    },
    {
      name: 'SYS_ADMIN dropped, not added',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      capabilities:
        drop: [SYS_ADMIN, ALL]
`,
    },
    {
      name: 'SYS_PTRACE without hostPID only reaches its own pod',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: debugger}
spec:
  template:
    spec:
      shareProcessNamespace: true
      containers:
      - name: app
      - name: debug
        securityContext:
          capabilities:
            add: [SYS_PTRACE]
`,
    },
    {
      name: 'privileged container adding SYS_ADMIN is left to privileged-container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  containers:
  - name: agent
    securityContext:
      privileged: true
      capabilities:
        add: [SYS_ADMIN]
`,
    },
  ],
  invalid: [
    {
      name: 'lower-case cap_sys_admin, at the list entry',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: fuse}
spec:
  containers:
  - name: fuse
    securityContext:
      capabilities:
        add:
        - NET_BIND_SERVICE
        - cap_sys_admin
`,
      findings: [
        {
          line: 12,
          column: 11,
          techniques: ['MS-TA9018'],
          severity: 'critical',
          path: 'spec.containers[0].securityContext.capabilities.add[1]',
          message: /container 'fuse' adds SYS_ADMIN/,
        },
      ],
    },
    {
      name: 'each escape capability, with its severity',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tracer, namespace: monitoring}
spec:
  template:
    spec:
      initContainers:
      - name: modules
        securityContext:
          capabilities: {add: [SYS_MODULE]}
      containers:
      - name: tracer
        securityContext:
          capabilities:
            add: [CAP_BPF, DAC_READ_SEARCH, SYS_RAWIO, ALL]
`,
      findings: [
        { line: 11, severity: 'critical', message: /SYS_MODULE/ },
        // Same line: the engine orders by severity, then column.
        { line: 16, severity: 'critical', message: /adds ALL/ },
        { line: 16, severity: 'high', path: 'spec.template.spec.containers[0].securityContext.capabilities.add[0]' },
        { line: 16, severity: 'high', message: /DAC_READ_SEARCH/ },
        { line: 16, severity: 'high', message: /SYS_RAWIO/ },
      ],
    },
    {
      name: 'SYS_PTRACE with hostPID reaches host processes',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: debugger}
spec:
  hostPID: true
  containers:
  - name: debug
    securityContext:
      capabilities:
        add: [SYS_PTRACE]
`,
      findings: [{ line: 11, severity: 'critical', techniques: ['MS-TA9018'], message: /SYS_PTRACE.*hostPID/ }],
    },
  ],
});
