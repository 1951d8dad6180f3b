import {
  CONTROLLER_MANAGER_AGENT,
  cronJob,
  DAEMONSET_CONTROLLER,
  NGINX,
  ownedBy,
  pod,
  REPLICASET_CONTROLLER,
  workload,
  write,
} from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const privileged = { ...NGINX, securityContext: { privileged: true } };
const agent = workload('DaemonSet', 'node-agent', {
  hostPID: true,
  containers: [{ name: 'agent', image: 'acme/agent:2', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
});
/** A pod the DaemonSet controller creates from the agent's template. */
const agentPod = (name: string) =>
  write({
    resource: 'pods',
    namespace: 'monitoring',
    body: pod({
      generateName: 'node-agent-',
      ownerReferences: ownedBy('DaemonSet', 'node-agent'),
      spec: {
        hostPID: true,
        containers: [{ name: 'agent', image: 'acme/agent:2', securityContext: { privileged: true } }],
      },
    }),
    response: pod({ name, namespace: 'monitoring' }),
    user: DAEMONSET_CONTROLLER,
    userAgent: CONTROLLER_MANAGER_AGENT,
  });

testDetection(detection, {
  valid: [
    {
      name: 'an unprivileged pod created by its ReplicaSet controller',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ generateName: 'web-7d4b9c-', ownerReferences: ownedBy('ReplicaSet', 'web-7d4b9c') }),
          user: REPLICASET_CONTROLLER,
          userAgent: CONTROLLER_MANAGER_AGENT,
        }),
      ],
    },
    {
      name: 'NET_BIND_SERVICE is no escape capability',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({
            name: 'web',
            spec: { containers: [{ ...NGINX, securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } }] },
          }),
        }),
      ],
    },
    {
      name: 'a rollout restart patches an annotation of a privileged DaemonSet',
      events: [
        write({
          verb: 'patch',
          resource: 'daemonsets',
          namespace: 'monitoring',
          name: 'node-agent',
          body: {
            spec: {
              template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-30T10:00:00Z' } } },
            },
          },
          response: agent,
        }),
      ],
    },
    {
      name: 'the API server refused the privileged pod (Pod Security admission)',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'root', spec: { containers: [privileged] } }),
          code: 403,
        }),
      ],
    },
    {
      name: 'privileged as a string or a number: the API server refuses the pod, and so does the read',
      events: ['true', 1].map((value) =>
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'root', spec: { containers: [{ ...NGINX, securityContext: { privileged: value } }] } }),
        }),
      ),
    },
    {
      name: 'a privileged container in a spec the API server refuses elsewhere (an env value that is no string)',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'root', spec: { containers: [{ ...privileged, env: [{ name: 'PORT', value: 80 }] }] } }),
        }),
      ],
    },
    {
      name: 'only a Metadata-level event: no body to judge',
      events: [write({ resource: 'pods', namespace: 'default', name: 'root' })],
    },
  ],
  invalid: [
    {
      name: 'kubectl creates a privileged pod',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'root', spec: { containers: [privileged] } }),
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9018'],
          severity: 'critical',
          message: /^Pod 'root' in default was created with privileged container 'nginx'/,
        },
      ],
    },
    {
      name: 'a DaemonSet with SYS_ADMIN and hostPID',
      events: [write({ resource: 'daemonsets', namespace: 'monitoring', body: agent })],
      alerts: [
        {
          severity: 'critical',
          message:
            /DaemonSet 'node-agent' in monitoring was created with capability SYS_ADMIN in container 'agent'; hostPID/,
        },
      ],
    },
    {
      name: "a controller's pods: the first one only",
      events: [agentPod('node-agent-x7k2p'), agentPod('node-agent-b9c4d')],
      alerts: [
        {
          severity: 'critical',
          message: /Pod 'node-agent-x7k2p' in monitoring was created with privileged container 'agent'; hostPID/,
        },
      ],
    },
    {
      name: 'a strategic-merge patch turns privilege on',
      events: [
        write({
          verb: 'patch',
          resource: 'deployments',
          namespace: 'shop',
          name: 'web',
          body: {
            spec: { template: { spec: { containers: [{ name: 'web', securityContext: { privileged: true } }] } } },
          },
        }),
      ],
      alerts: [{ message: /Deployment 'web' in shop was patched with privileged container 'web'/ }],
    },
    {
      name: "a CronJob's job template with a privileged init container",
      events: [
        write({
          resource: 'cronjobs',
          namespace: 'batch',
          body: cronJob('backup', { containers: [NGINX], initContainers: [{ ...privileged, name: 'prepare' }] }),
        }),
      ],
      alerts: [{ message: /CronJob 'backup' in batch was created with privileged container 'prepare'/ }],
    },
    {
      name: 'an ephemeral container added with SYS_ADMIN',
      events: [
        write({
          verb: 'patch',
          resource: 'pods',
          namespace: 'default',
          name: 'web',
          body: {
            spec: {
              ephemeralContainers: [
                { name: 'debug', image: 'busybox', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
              ],
            },
          },
        }),
      ],
      alerts: [{ message: /Pod 'web' in default was patched with capability SYS_ADMIN in container 'debug'/ }],
    },
    {
      name: 'host namespaces only',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'net', spec: { hostNetwork: true, hostIPC: true, containers: [NGINX] } }),
        }),
      ],
      alerts: [{ severity: 'medium', message: /hostNetwork; hostIPC/ }],
    },
    {
      name: 'the Docker socket mounted read-only',
      events: [
        write({
          resource: 'pods',
          namespace: 'ci',
          body: pod({
            name: 'builder',
            spec: {
              containers: [
                {
                  name: 'docker',
                  image: 'docker:27',
                  volumeMounts: [{ name: 'sock', mountPath: '/var/run/docker.sock', readOnly: true }],
                },
              ],
              volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } }],
            },
          }),
        }),
      ],
      alerts: [{ severity: 'critical', message: /container runtime socket in hostPath '\/var\/run\/docker.sock'/ }],
    },
  ],
});
