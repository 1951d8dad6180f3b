import { IDENTITIES, nodeAgent } from '../node-agent.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'node agent in kube-system',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy, namespace: kube-system}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: kube-proxy
        securityContext: {privileged: true}
`,
    },
    {
      name: 'DaemonSet with only read-only, non-socket hostPaths',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluent-bit, namespace: logging}
spec:
  template:
    spec:
      containers:
      - name: fluent-bit
        securityContext:
          capabilities: {add: [SYS_PTRACE]}
        volumeMounts:
        - {name: logs, mountPath: /var/log, readOnly: true}
      volumes:
      - name: logs
        hostPath: {path: /var/log}
      - name: unused
        hostPath: {path: /}
`,
    },
    {
      name: 'a Deployment with node access is not a DaemonSet',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: web
`,
    },
  ],
  invalid: [
    {
      name: 'privileged DaemonSet, at the first exposure, naming every one',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: miner, namespace: default}
spec:
  template:
    spec:
      hostPID: true
      containers:
      - name: miner
        securityContext: {privileged: true}
        volumeMounts:
        - {name: docker, mountPath: /var/run/docker.sock, readOnly: true}
        - {name: etc, mountPath: /host/etc}
      volumes:
      - name: docker
        hostPath: {path: /var/run/docker.sock}
      - name: etc
        hostPath: {path: /etc}
`,
      findings: [
        {
          line: 11,
          techniques: ['MS-TA9012'],
          severity: 'high',
          path: 'spec.template.spec.containers[0].securityContext.privileged',
          message:
            "the DaemonSet runs on every node with privileged container 'miner'; container runtime socket in hostPath '/var/run/docker.sock'; writable hostPath '/etc'; hostPID",
        },
      ],
    },
    {
      name: 'escape capability in an unnamespaced DaemonSet',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: tracer}
spec:
  template:
    spec:
      containers:
      - name: tracer
        securityContext:
          capabilities: {add: [SYS_ADMIN]}
`,
      findings: [{ line: 11, severity: 'high', message: /capability SYS_ADMIN in container 'tracer'/ }],
    },
    {
      name: 'hostNetwork alone',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: dns-cache, namespace: platform}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: cache
`,
      findings: [{ line: 8, path: 'spec.template.spec.hostNetwork', message: /with hostNetwork$/ }],
    },
    // Its hostPath and sockets out of reach, the DaemonSet hands over no node: low, saying why.
    ...IDENTITIES.map(({ name, agent, unprivileged }) => ({
      name: `node root: ${name}`,
      yaml: nodeAgent(agent),
      findings: [
        {
          // A privileged container is the first exposure, and the worst.
          line: agent.container?.includes('privileged') ? 12 : 17,
          ...(unprivileged
            ? {
                severity: 'low' as const,
                message:
                  /container runtime socket in hostPath '\/' \(out of reach as (UID 65534|a non-root UID) without DAC capabilities\); hostPath '\/', writable below \(not recursively read-only\) \(out of reach/,
              }
            : {
                severity: 'high' as const,
                message:
                  /runtime socket in hostPath '\/'; hostPath '\/', writable below \(not recursively read-only\)$/,
              }),
        },
      ],
    })),
    {
      name: 'node-exporter as nobody on the host network: the network still reaches the node',
      yaml: nodeAgent({ spec: 'hostNetwork: true' }),
      findings: [{ line: 17, severity: 'high', message: /out of reach as UID 65534 .*; hostNetwork$/ }],
    },
  ],
});
