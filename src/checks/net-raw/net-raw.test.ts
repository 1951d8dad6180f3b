import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'hostNetwork with NET_RAW dropped',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: monitoring}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: agent
        securityContext:
          capabilities:
            drop: [cap_net_raw]
      - name: sidecar
        securityContext:
          capabilities:
            drop: [ALL]
            add: [NET_BIND_SERVICE]
`,
    },
    {
      name: 'the default NET_RAW of a provably unprivileged container is never effective',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsUser: 10001, runAsGroup: 10001}
  containers:
  - name: web
    securityContext: {allowPrivilegeEscalation: false}
`,
    },
  ],
  invalid: [
    {
      name: "the default NET_RAW kept off the host network, by root or the image's user: a hardening gap weakening MS-TA9036",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      capabilities:
        add: [NET_ADMIN]
  - name: may-escalate
    securityContext: {runAsUser: 10001, runAsGroup: 10001}
`,
      findings: [
        {
          line: 9,
          path: 'spec.containers[0].securityContext.capabilities.drop',
          severity: 'low',
          techniques: [],
          mitigations: ['MS-M9013'],
          message:
            /^container 'web' keeps the runtime's default NET_RAW \(not dropped\): as root it can forge packets, .*weakens MS-TA9036$/,
        },
        // Non-root, but setuid or file-capability binaries (ping) may give NET_RAW back without no_new_privs.
        { line: 12, severity: 'low', message: /container 'may-escalate' keeps the runtime's default NET_RAW/ },
      ],
    },
    {
      name: 'NET_RAW added, on the pod network',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: pinger}
spec:
  containers:
  - name: pinger
    securityContext:
      capabilities:
        drop: [ALL]
        add: [NET_RAW]
`,
      findings: [
        {
          line: 11,
          column: 15,
          techniques: ['MS-TA9036'],
          severity: 'medium',
          path: 'spec.containers[0].securityContext.capabilities.add[0]',
          message: "container 'pinger' adds NET_RAW: it can forge packets",
        },
      ],
    },
    {
      name: 'hostNetwork without drop: high, where the drop belongs',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: monitoring}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: agent
        securityContext:
          capabilities:
            drop: [NET_ADMIN]
      - name: exporter
        image: exporter:1.0
`,
      findings: [
        {
          line: 13,
          severity: 'high',
          path: 'spec.template.spec.containers[0].securityContext.capabilities.drop',
          message: /'agent' does not drop NET_RAW/,
        },
        { line: 14, severity: 'high', message: /'exporter'/ },
      ],
    },
    {
      name: 'ALL added, and privileged ignoring its drop list',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: tools}
spec:
  containers:
  - name: all
    securityContext:
      capabilities:
        add: [ALL]
  - name: privileged
    securityContext:
      privileged: true
      capabilities:
        drop: [ALL]
`,
      findings: [
        { line: 10, severity: 'medium', message: /'all' adds NET_RAW/ },
        { line: 13, severity: 'medium', path: 'spec.containers[1].securityContext.privileged' },
      ],
    },
  ],
});
