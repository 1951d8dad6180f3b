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
      name: 'runtime default NET_RAW off the host network is not this check',
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
`,
    },
  ],
  invalid: [
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
