import { IDENTITIES, nodeAgent } from '../node-agent.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'read-only hostPath of CA certificates',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: external-dns}
spec:
  template:
    spec:
      containers:
      - name: external-dns
        volumeMounts:
        - {name: certs, mountPath: /etc/ssl/certs, readOnly: true}
      volumes:
      - name: certs
        hostPath: {path: /etc/ssl/certs}
`,
    },
    {
      name: 'writable hostPath declared but mounted by no container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    volumeMounts:
    - {name: cache, mountPath: /cache}
  volumes:
  - name: cache
    emptyDir: {}
  - name: root
    hostPath: {path: /}
`,
    },
    {
      name: 'every mount of the volume is read-only',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: log-reader}
spec:
  initContainers:
  - name: check
    volumeMounts:
    - {name: logs, mountPath: /logs, readOnly: true}
  containers:
  - name: reader
    volumeMounts:
    - {name: logs, mountPath: /var/log/host, readOnly: yes}
  volumes:
  - name: logs
    hostPath: {path: /var/log}
`,
    },
    {
      name: 'read-only and recursive: the mounts below / are read-only too',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  template:
    spec:
      containers:
      - name: node-exporter
        volumeMounts:
        - {name: root, mountPath: /host/root, readOnly: true, recursiveReadOnly: Enabled}
        - {name: kubelet, mountPath: /host/kubelet, readOnly: true, recursiveReadOnly: Enabled}
      volumes:
      - name: root
        hostPath: {path: /}
      - name: kubelet
        hostPath: {path: /var/lib/kubelet}
`,
    },
    {
      name: 'read-only /etc and /var/lib/docker/containers hold no other mounts',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: fluentd}
spec:
  containers:
  - name: fluentd
    volumeMounts:
    - {name: etc, mountPath: /host/etc, readOnly: true}
    - {name: containers, mountPath: /var/lib/docker/containers, readOnly: true}
  volumes:
  - name: etc
    hostPath: {path: /etc}
  - name: containers
    hostPath: {path: /var/lib/docker/containers}
`,
    },
    {
      name: 'a writable runtime socket is no file to change (container-runtime-socket reports it)',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: ci}
spec:
  containers:
  - name: build
    volumeMounts:
    - {name: docker, mountPath: /var/run/docker.sock}
  volumes:
  - name: docker
    hostPath: {path: /var/run/docker.sock, type: Socket}
`,
    },
  ],
  invalid: [
    {
      name: "'//etc/' is /etc: critical, with cloud and user credentials",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  containers:
  - name: agent
    volumeMounts:
    - {name: host-etc, mountPath: /host/etc}
  volumes:
  - name: host-etc
    hostPath:
      path: //etc/
      type: Directory
`,
      findings: [
        {
          line: 13,
          column: 7,
          techniques: ['MS-TA9013', 'MS-TA9026', 'MS-TA9027', 'MS-TA9017'],
          severity: 'critical',
          path: 'spec.volumes[0].hostPath.path',
          message:
            "hostPath '//etc/' (/etc, volume 'host-etc') in container 'agent' at /host/etc is writable: the container can change the node's files",
        },
      ],
    },
    {
      name: "kubelet pods directory exposes other pods' tokens",
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: csi-node, namespace: storage}
spec:
  template:
    spec:
      containers:
      - name: driver
        volumeMounts:
        - {name: pods, mountPath: /var/lib/kubelet/pods, mountPropagation: Bidirectional}
      volumes:
      - name: pods
        hostPath: {path: /var/lib/kubelet/pods/, type: Directory}
`,
      findings: [{ line: 14, techniques: ['MS-TA9013', 'MS-TA9016'], severity: 'critical' }],
    },
    {
      name: 'a subPath narrows what a mount reaches: /var/lib/app is no /var/lib',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: cache}
spec:
  containers:
  - name: app
    volumeMounts:
    - {name: state, mountPath: /state, subPath: app}
  - name: admin
    volumeMounts:
    - {name: state, mountPath: /all}
  volumes:
  - name: state
    hostPath: {path: /var/lib}
`,
      findings: [
        { line: 9, path: 'spec.containers[0].volumeMounts[0].subPath', severity: 'high', techniques: ['MS-TA9013'] },
        { line: 15, path: 'spec.volumes[0].hostPath.path', severity: 'critical', message: /'admin' at \/all/ },
      ],
    },
    {
      name: 'high for /var/log, medium elsewhere; only the writable mount is named',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: collector}
spec:
  containers:
  - name: collector
    volumeMounts:
    - {name: logs, mountPath: /logs, readOnly: true}
    - {name: buffer, mountPath: /buffer}
  - name: rotate
    volumeMounts:
    - {name: logs, mountPath: /var/log/host}
  volumes:
  - name: logs
    hostPath: {path: /var/log}
  - name: buffer
    hostPath: {path: /mnt/collector-buffer}
`,
      findings: [
        {
          line: 16,
          techniques: ['MS-TA9013', 'MS-TA9021'],
          severity: 'high',
          message:
            "hostPath '/var/log' (volume 'logs') in container 'rotate' at /var/log/host is writable: the container can change the node's files",
        },
        {
          line: 18,
          techniques: ['MS-TA9013'],
          severity: 'medium',
          message: /'\/mnt\/collector-buffer'.*'collector' at \/buffer/,
        },
      ],
    },
    {
      name: "the node's root, in a CronJob",
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: cleanup
            volumeMounts:
            - {name: host, mountPath: /host}
          volumes:
          - name: host
            hostPath: {path: /}
`,
      findings: [
        {
          line: 17,
          techniques: ['MS-TA9013', 'MS-TA9016', 'MS-TA9026', 'MS-TA9027', 'MS-TA9021', 'MS-TA9017'],
          severity: 'critical',
          path: 'spec.jobTemplate.spec.template.spec.volumes[0].hostPath.path',
        },
      ],
    },
    {
      name: "read-only / without recursiveReadOnly: the node's mounts below it stay writable",
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  template:
    spec:
      containers:
      - name: node-exporter
        volumeMounts:
        - {name: root, mountPath: /host/root, readOnly: true}
      volumes:
      - name: root
        hostPath: {path: /}
`,
      findings: [
        {
          line: 14,
          path: 'spec.template.spec.volumes[0].hostPath.path',
          // Other pods' token volumes are among them; /etc's credentials are only read (sensitive-host-path-read).
          techniques: ['MS-TA9013', 'MS-TA9016'],
          severity: 'critical',
          message:
            "hostPath '/' (volume 'root') in container 'node-exporter' at /host/root is read-only but not recursively: the node's mounts below it (/proc, /sys, /dev, /run and 3 more) stay writable: the container can change the node's files there",
        },
      ],
    },
    {
      name: "read-only /var and the kubelet's pods directory, IfPossible being no guarantee",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: backup}
spec:
  containers:
  - name: backup
    volumeMounts:
    - {name: var, mountPath: /host/var, readOnly: true, recursiveReadOnly: IfPossible}
    - {name: pods, mountPath: /pods, readOnly: true}
  volumes:
  - name: var
    hostPath: {path: /var}
  - name: pods
    hostPath: {path: /var/lib/kubelet/pods/}
`,
      findings: [
        {
          line: 13,
          techniques: ['MS-TA9013', 'MS-TA9016'],
          severity: 'critical',
          message:
            /\(\/var\/lib\/kubelet\/pods, \/var\/lib\/docker\/overlay2, \/var\/lib\/containers\/storage\/overlay\)/,
        },
        {
          line: 15,
          techniques: ['MS-TA9013', 'MS-TA9016'],
          severity: 'critical',
          message: /\(\/var\/lib\/kubelet\/pods\)/,
        },
      ],
    },
    // Below a read-only /, /proc, /sys and /run stay writable: to root, not to an unprivileged user.
    ...IDENTITIES.map(({ name, agent, unprivileged }) => ({
      name: `node root, not recursively read-only: ${name}`,
      yaml: nodeAgent(agent),
      findings: [
        {
          line: 17,
          techniques: ['MS-TA9013', 'MS-TA9016'] as const,
          ...(unprivileged
            ? {
                severity: 'low' as const,
                message:
                  /stay writable, but the container runs as (UID 65534|a non-root UID) without DAC capabilities: root-owned files are out of reach/,
              }
            : {
                severity: 'critical' as const,
                message: /stay writable: the container can change the node's files there$/,
              }),
        },
      ],
    })),
    {
      name: 'writable /etc as nobody: only world-writable files to change',
      yaml: nodeAgent({ hostPath: '/etc', mount: 'readOnly: false' }),
      findings: [
        {
          line: 17,
          severity: 'low',
          techniques: ['MS-TA9013', 'MS-TA9026', 'MS-TA9027', 'MS-TA9017'],
          message:
            /'\/etc' \(volume 'root'\) in container 'node-exporter' at \/host\/root is writable, but the container runs as UID 65534 without DAC capabilities/,
        },
      ],
    },
  ],
});
