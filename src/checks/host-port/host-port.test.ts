import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'containerPort only, exposed by a NodePort Service instead',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {port: 80, targetPort: http, nodePort: 30080}
`,
    },
    {
      name: 'hostPort 0 means unset',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - {containerPort: 8080, hostPort: 0}
`,
    },
    {
      name: 'hostNetwork pod: left to the host-network check',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: exporter}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: node-exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        ports:
        - {containerPort: 9100, hostPort: 9100}
`,
    },
  ],
  invalid: [
    {
      name: 'hostPort, at the field',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - containerPort: 8080
      hostPort: 80
`,
      findings: [
        {
          line: 11,
          column: 7,
          techniques: ['MS-TA9005'],
          severity: 'medium',
          path: 'spec.containers[0].ports[0].hostPort',
          message:
            "container 'web' binds port 80/TCP of its node to container port 8080, bypassing Services and their controls",
        },
      ],
    },
    {
      name: 'DaemonSet, each hostPort of each container',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ingress}
spec:
  template:
    spec:
      containers:
      - name: controller
        image: registry.k8s.io/ingress-nginx/controller:v1.11.1
        ports:
        - {name: http, containerPort: 80, hostPort: 80}
        - {name: https, containerPort: 443, hostPort: 443}
        - {name: metrics, containerPort: 10254}
      - name: dns
        image: coredns/coredns:1.11.1
        ports:
        - {containerPort: 53, hostPort: 53, protocol: UDP}
`,
      findings: [
        { line: 12, message: /'controller' binds port 80\/TCP/ },
        { line: 13, message: /port 443\/TCP/ },
        { line: 18, message: /'dns' binds port 53\/UDP/ },
      ],
    },
  ],
});
