import { IDENTITIES, nodeAgent } from '../node-agent.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'read-only logs and CA certificates hold no credentials',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluent-bit, namespace: logging}
spec:
  template:
    spec:
      containers:
      - name: fluent-bit
        volumeMounts:
        - {name: logs, mountPath: /var/log, readOnly: true}
        - {name: certs, mountPath: /etc/ssl/certs, readOnly: true}
      volumes:
      - name: logs
        hostPath: {path: /var/log}
      - name: certs
        hostPath: {path: /etc/ssl/certs}
`,
    },
    {
      name: 'writable mount of the kubelet directory is left to writable-host-path',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: csi}
spec:
  containers:
  - name: driver
    volumeMounts:
    - {name: kubelet, mountPath: /var/lib/kubelet}
  - name: sidecar
    volumeMounts:
    - {name: kubelet, mountPath: /kubelet, readOnly: true}
  volumes:
  - name: kubelet
    hostPath: {path: /var/lib/kubelet}
`,
    },
    {
      name: "read-only but not recursively, the kubelet's pods directory is writable-host-path's",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: backup}
spec:
  containers:
  - name: backup
    volumeMounts:
    - {name: pods, mountPath: /pods, readOnly: true}
  volumes:
  - name: pods
    hostPath: {path: /var/lib/kubelet/pods}
`,
    },
    {
      name: 'sensitive hostPath declared but mounted by no container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
  volumes:
  - name: ssh
    hostPath: {path: /root/.ssh}
`,
    },
  ],
  invalid: [
    {
      name: "kubelet's pod directory: other pods' tokens",
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: backup-agent, namespace: backup}
spec:
  template:
    spec:
      containers:
      - name: agent
        volumeMounts:
        - {name: pods, mountPath: /pods, readOnly: true, recursiveReadOnly: Enabled}
      volumes:
      - name: pods
        hostPath: {path: /var/lib/kubelet/pods}
`,
      findings: [
        {
          line: 14,
          column: 20,
          techniques: ['MS-TA9016'],
          severity: 'high',
          path: 'spec.template.spec.volumes[0].hostPath.path',
          message:
            "hostPath '/var/lib/kubelet/pods' (volume 'pods') in container 'agent' at /pods exposes other pods' service-account tokens to the container",
        },
      ],
    },
    {
      name: 'the node root, read-only but not recursively, exposes what it does not leave writable',
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
      // Other pods' tokens sit on mounts that stay writable: writable-host-path names them.
      findings: [{ line: 12, techniques: ['MS-TA9026', 'MS-TA9027'], severity: 'high' }],
    },
    {
      name: 'the node root, recursively read-only, exposes every kind of credential',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: node-exporter}
spec:
  containers:
  - name: node-exporter
    volumeMounts:
    - {name: root, mountPath: /host/root, readOnly: true, recursiveReadOnly: Enabled}
  volumes:
  - name: root
    hostPath: {path: /}
`,
      findings: [{ line: 12, techniques: ['MS-TA9016', 'MS-TA9026', 'MS-TA9027'], severity: 'high' }],
    },
    {
      name: 'cloud credentials, SSH keys and home directories',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: inspector}
spec:
  containers:
  - name: inspector
    volumeMounts:
    - {name: azure, mountPath: /etc/azure.json, readOnly: true}
    - {name: keys, mountPath: /keys, readOnly: true}
    - {name: homes, mountPath: /homes, readOnly: true}
    - {name: etc, mountPath: /host/etc, readOnly: true}
  volumes:
  - name: azure
    hostPath: {path: /etc/kubernetes/azure.json, type: File}
  - name: keys
    hostPath: {path: /srv/deploy/.ssh}
  - name: homes
    hostPath: {path: /home}
  - name: etc
    hostPath: {path: /etc/./}
`,
      findings: [
        { line: 15, techniques: ['MS-TA9026'], message: /cloud provider credentials/ },
        { line: 17, techniques: ['MS-TA9027'], message: /SSH keys/ },
        { line: 19, techniques: ['MS-TA9027'] },
        { line: 21, techniques: ['MS-TA9026', 'MS-TA9027'], message: /'\/etc\/\.\/' \(\/etc, volume 'etc'\)/ },
      ],
    },
    // Cloud credentials and SSH keys are root's files (0600): out of an unprivileged user's reach.
    ...IDENTITIES.map(({ name, agent, unprivileged }) => ({
      name: `node root read-only: ${name}`,
      yaml: nodeAgent(agent),
      findings: [
        {
          line: 17,
          techniques: ['MS-TA9026', 'MS-TA9027'] as const,
          ...(unprivileged
            ? {
                severity: 'low' as const,
                message:
                  /, but the container runs as (UID 65534|a non-root UID) without DAC capabilities: root-owned credential files are out of reach, world-readable files remain$/,
              }
            : { severity: 'high' as const, message: /SSH keys and user credentials to the container$/ }),
        },
      ],
    })),
  ],
});
