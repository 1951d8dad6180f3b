import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'drop ALL and add back defaults, in any spelling',
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
        add: [NET_BIND_SERVICE, cap_chown, Setuid]
`,
    },
    {
      name: 'escape capabilities, NET_RAW and a privileged container are left to other checks',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  hostPID: true
  containers:
  - name: tracer
    securityContext:
      capabilities:
        add: [SYS_ADMIN, NET_RAW, SYS_PTRACE]
  - name: privileged
    securityContext:
      privileged: true
      capabilities:
        add: [NET_ADMIN]
`,
    },
    {
      name: 'NET_ADMIN dropped, not added',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      capabilities:
        drop: [NET_ADMIN]
`,
    },
  ],
  invalid: [
    {
      name: 'a CNI helper adding NET_ADMIN, a clock agent SYS_TIME, SYS_PTRACE without hostPID and an unknown one',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: net-helper, namespace: network}
spec:
  template:
    spec:
      containers:
      - name: helper
        securityContext:
          capabilities:
            add: [NET_ADMIN, CAP_SYS_TIME]
      - name: debugger
        securityContext:
          capabilities:
            add: [sys_ptrace, WAKE_ALARM]
`,
      findings: [
        {
          line: 12,
          column: 19,
          path: 'spec.template.spec.containers[0].securityContext.capabilities.add[0]',
          severity: 'medium',
          techniques: [],
          mitigations: ['MS-M9013'],
          message:
            "container 'helper' adds NET_ADMIN, which allows reconfiguring the pod's network: interfaces, routes, iptables rules: beyond the runtime's default capabilities",
        },
        { line: 12, path: 'spec.template.spec.containers[0].securityContext.capabilities.add[1]', message: /SYS_TIME/ },
        { line: 16, message: /'debugger' adds SYS_PTRACE, which allows tracing/ },
        { line: 16, message: /^container 'debugger' adds WAKE_ALARM: beyond the runtime's default capabilities$/ },
      ],
    },
  ],
});
