import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'port 22 on Services that select no pod here: another namespace, other labels, no selector',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx:1.27}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: other}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 22}]
---
apiVersion: v1
kind: Service
metadata: {name: bastion, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: bastion}
  ports: [{port: 22}]
---
apiVersion: v1
kind: Service
metadata: {name: external-ssh, namespace: shop}
spec:
  ports: [{port: 2222}]
`,
    },
    {
      name: 'ssh client and sshd-exporter are not servers',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: tools}
spec:
  containers:
  - name: sync
    image: alpine:3.20
    command: [sh, -c, "ssh -i /keys/id backup@host rsync --server . /data"]
  - name: exporter
    image: acme/sshd-exporter:1.0
`,
    },
  ],
  invalid: [
    {
      name: 'containerPort 22, in-cluster only: medium',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  containers:
  - name: box
    image: ubuntu:24.04
    ports:
    - containerPort: 22
`,
      findings: [
        {
          line: 10,
          techniques: ['MS-TA9010'],
          severity: 'medium',
          path: 'spec.containers[0].ports[0].containerPort',
          message: /'box'.*port 22\)$/,
        },
      ],
    },
    {
      name: 'sshd image behind a LoadBalancer targeting its named port: high',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: sftp, namespace: files}
spec:
  template:
    metadata:
      labels: {app: sftp, tier: edge}
    spec:
      containers:
      - name: sftp
        image: atmoz/sftp:alpine
        ports:
        - {name: ssh, containerPort: 2022}
---
apiVersion: v1
kind: Service
metadata: {name: sftp, namespace: files}
spec:
  type: LoadBalancer
  selector: {app: sftp}
  ports:
  - {port: 22, targetPort: ssh}
`,
      findings: [
        {
          line: 14,
          severity: 'high',
          path: 'spec.template.spec.containers[0].ports[0].name',
          message: /port 'ssh', image 'atmoz\/sftp:alpine'\), reachable .* LoadBalancer Service 'sftp'/,
        },
      ],
    },
    {
      name: 'sshd started by the command; a NodePort to another port or namespace does not raise it',
      yaml: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: dev, namespace: dev}
spec:
  template:
    metadata: {labels: {app: dev}}
    spec:
      containers:
      - name: dev
        image: ubuntu:24.04
        command: [/bin/sh, -c, "/usr/sbin/sshd -D & exec sleep infinity"]
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dev}
spec:
  type: NodePort
  selector: {app: dev}
  ports:
  - {port: 80, targetPort: 8080}
---
apiVersion: v1
kind: Service
metadata: {name: ssh, namespace: other}
spec:
  type: NodePort
  selector: {app: dev}
  ports:
  - {port: 22}
`,
      findings: [
        { line: 12, severity: 'medium', path: 'spec.template.spec.containers[0].command[2]', message: /sshd/ },
      ],
    },
    {
      name: 'sshd image with no declared port, NodePort to 22: high',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: jump
  labels: {app: jump}
spec:
  containers:
  - name: jump
    image: lscr.io/linuxserver/openssh-server:latest
---
apiVersion: v1
kind: Service
metadata: {name: jump}
spec:
  type: NodePort
  selector: {app: jump}
  ports:
  - port: 22
`,
      findings: [{ line: 10, severity: 'high', path: 'spec.containers[0].image', message: /NodePort Service 'jump'/ }],
    },
    {
      name: 'sshd image listening on its declared port 2222, behind a NodePort',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: bastion}
spec:
  template:
    metadata: {labels: {app: bastion}}
    spec:
      containers:
      - name: bastion
        image: panubo/sshd:1.6.0
        ports:
        - containerPort: 2222
---
apiVersion: v1
kind: Service
metadata: {name: bastion}
spec:
  type: NodePort
  selector: {app: bastion}
  ports:
  - {port: 22, targetPort: 2222}
`,
      findings: [{ line: 11, severity: 'high', path: 'spec.template.spec.containers[0].image' }],
    },
    {
      name: 'service ssh start, ClusterIP Service with externalIPs',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: legacy
  labels: {app: legacy}
spec:
  containers:
  - name: legacy
    image: debian:12
    args: ["bash", "-c", "service ssh start && tail -f /dev/null"]
---
apiVersion: v1
kind: Service
metadata: {name: legacy}
spec:
  selector: {app: legacy}
  externalIPs: [203.0.113.10]
  ports:
  - port: 22
`,
      findings: [{ line: 11, severity: 'high', message: /ClusterIP Service 'legacy' with externalIPs/ }],
    },
    {
      name: "port 2222 on an ordinary image behind a NodePort: the Service's port carries it",
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: git}
spec:
  template:
    metadata: {labels: {app: git}}
    spec:
      containers:
      - name: git
        image: gitea/gitea:1.22
        ports:
        - {name: git-ssh, containerPort: 2222}
---
apiVersion: v1
kind: Service
metadata: {name: git}
spec:
  type: NodePort
  selector: {app: git}
  ports:
  - {port: 2222}
`,
      findings: [
        {
          line: 22,
          techniques: ['MS-TA9010'],
          severity: 'high',
          path: 'spec.ports[0].port',
          message:
            "NodePort Service 'git' forwards port 2222, where SSH servers listen, to Deployment 'git', from outside the cluster",
        },
      ],
    },
    {
      name: 'in-cluster Services forwarding 22 to a pod that declares nothing: at targetPort, else at port',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: toolbox
  namespace: ops
  labels: {app: toolbox}
spec:
  containers:
  - {name: toolbox, image: acme/toolbox:2}
---
apiVersion: v1
kind: Service
metadata: {name: toolbox, namespace: ops}
spec:
  selector: {app: toolbox}
  ports:
  - {name: web, port: 80, targetPort: 8080}
  - {name: ssh, port: 2200, targetPort: "22"}
  - {name: legacy, port: 22, targetPort: 8022}
`,
      findings: [
        {
          line: 19,
          techniques: ['MS-TA9010'],
          severity: 'medium',
          path: 'spec.ports[1].targetPort',
          message: /forwards targetPort 22, .* to Pod 'toolbox'$/,
        },
        { line: 20, severity: 'medium', path: 'spec.ports[2].port' },
      ],
    },
    {
      name: 'a container declaring 22 carries the fact: its LoadBalancer Service adds no second finding',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: sftp}
spec:
  template:
    metadata: {labels: {app: sftp}}
    spec:
      containers:
      - name: sftp
        image: acme/files:1.0
        ports:
        - containerPort: 22
---
apiVersion: v1
kind: Service
metadata: {name: sftp}
spec:
  type: LoadBalancer
  selector: {app: sftp}
  ports:
  - {port: 22, targetPort: 22}
`,
      findings: [
        {
          line: 13,
          techniques: ['MS-TA9010'],
          severity: 'high',
          path: 'spec.template.spec.containers[0].ports[0].containerPort',
          message: /through LoadBalancer Service 'sftp'/,
        },
      ],
    },
  ],
});
