import { IDENTITIES, nodeAgent } from '../node-agent.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: "docker's data directory is not the socket",
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluentd, namespace: logging}
spec:
  template:
    spec:
      containers:
      - name: fluentd
        volumeMounts:
        - {name: containers, mountPath: /var/lib/docker/containers, readOnly: true}
      volumes:
      - name: containers
        hostPath: {path: /var/lib/docker/containers}
`,
    },
    {
      name: 'socket volume declared but not mounted',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: ci}
spec:
  containers:
  - name: build
  volumes:
  - name: docker
    hostPath: {path: /var/run/docker.sock, type: Socket}
`,
    },
    {
      name: 'similar name that is no runtime socket',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
  - name: app
    volumeMounts:
    - {name: sock, mountPath: /sock}
  volumes:
  - name: sock
    hostPath: {path: /run/app/docker.sock.d}
`,
    },
  ],
  invalid: [
    {
      name: 'docker.sock mounted read-only still accepts connections',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ci-runner}
spec:
  template:
    spec:
      containers:
      - name: runner
        volumeMounts:
        - {name: docker, mountPath: /var/run/docker.sock, readOnly: true}
      volumes:
      - name: docker
        hostPath: {path: /var/run/docker.sock, type: Socket}
`,
      findings: [
        {
          line: 14,
          column: 20,
          // Read-only: no writable hostPath, but the runtime still starts any container asked for.
          techniques: ['MS-TA9008', 'MS-TA9018'],
          severity: 'critical',
          path: 'spec.template.spec.volumes[0].hostPath.path',
          message: /'\/var\/run\/docker\.sock' \(volume 'docker'\) in container 'runner' at \/var\/run\/docker\.sock/,
        },
      ],
    },
    {
      name: 'socket directories, and a socket moved elsewhere matched by name',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  containers:
  - name: agent
    volumeMounts:
    - {name: containerd, mountPath: /run/containerd}
    - {name: crio, mountPath: /crio, readOnly: true}
    - {name: custom, mountPath: /podman.sock}
  volumes:
  - name: containerd
    hostPath: {path: /run/containerd/}
  - name: crio
    hostPath: {path: /var/run/crio}
  - name: custom
    hostPath: {path: /srv/podman/podman.sock}
`,
      findings: [
        // The writable directory is writable-host-path's MS-TA9013; the writable socket file is this check's.
        { line: 14, techniques: ['MS-TA9008', 'MS-TA9018'], message: /containerd/ },
        { line: 16, techniques: ['MS-TA9008', 'MS-TA9018'], message: /crio/ },
        { line: 18, techniques: ['MS-TA9008', 'MS-TA9018', 'MS-TA9013'], severity: 'critical', message: /podman/ },
      ],
    },
    {
      name: "the node's root holds every socket",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: node-exporter}
spec:
  containers:
  - name: node-exporter
    volumeMounts:
    - {name: root, mountPath: /host/root, readOnly: true}
  volumes:
  - name: root
    hostPath: {path: /}
`,
      findings: [{ line: 12, severity: 'critical', techniques: ['MS-TA9008', 'MS-TA9018'] }],
    },
    {
      name: 'recursively read-only: the socket still answers',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: scanner}
spec:
  containers:
  - name: scanner
    volumeMounts:
    - {name: run, mountPath: /host/run, readOnly: true, recursiveReadOnly: Enabled}
  volumes:
  - name: run
    hostPath: {path: /run/containerd/containerd.sock, type: Socket}
`,
      findings: [{ line: 12, severity: 'critical', techniques: ['MS-TA9008', 'MS-TA9018'] }],
    },
    // The node's / holds the runtime sockets: connecting takes root's uid or group, or a DAC capability.
    ...IDENTITIES.map(({ name, agent, unprivileged }) => ({
      name: `node root: ${name}`,
      yaml: nodeAgent(agent),
      findings: [
        {
          line: 17,
          techniques: ['MS-TA9008', 'MS-TA9018'] as const,
          ...(unprivileged
            ? {
                severity: 'low' as const,
                message:
                  /runs as (UID 65534|a non-root UID) without DAC capabilities: the root-owned socket is out of reach/,
              }
            : {
                severity: 'critical' as const,
                message: /: the container can start a privileged container on the node$/,
              }),
        },
      ],
    })),
  ],
});
