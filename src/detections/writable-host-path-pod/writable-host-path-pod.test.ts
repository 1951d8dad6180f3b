import {
  CONTROLLER_MANAGER_AGENT,
  NGINX,
  ownedBy,
  pod,
  REPLICASET_CONTROLLER,
  workload,
  write,
} from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const mounting = (path: string, mount: Record<string, unknown> = {}, securityContext?: Record<string, unknown>) => ({
  containers: [
    {
      ...NGINX,
      ...(securityContext ? { securityContext } : {}),
      volumeMounts: [{ name: 'host', mountPath: '/host', ...mount }],
    },
  ],
  volumes: [{ name: 'host', hostPath: { path } }],
});

/** The pod and container securityContexts of the node-exporter chart: nobody, without capabilities. */
const NOBODY = { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 };
const LOCKED_DOWN = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

testDetection(detection, {
  valid: [
    {
      name: 'a read-only mount of a plain directory',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'web', spec: mounting('/srv/data', { readOnly: true }) }),
        }),
      ],
    },
    {
      name: 'a hostPath volume no container mounts',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({
            name: 'web',
            spec: { containers: [NGINX], volumes: [{ name: 'host', hostPath: { path: '/etc' } }] },
          }),
        }),
      ],
    },
    {
      name: 'an emptyDir',
      events: [
        write({
          resource: 'deployments',
          namespace: 'shop',
          body: workload('Deployment', 'web', {
            containers: [{ ...NGINX, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          }),
        }),
      ],
    },
  ],
  invalid: [
    {
      name: "the ReplicaSet controller creates a pod writing the node's /etc (Falco's capture, shaped anew)",
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({
            generateName: 'web-7d5b5dd9cf-',
            ownerReferences: ownedBy('ReplicaSet', 'web-7d5b5dd9cf'),
            spec: mounting('/etc'),
          }),
          user: REPLICASET_CONTROLLER,
          userAgent: CONTROLLER_MANAGER_AGENT,
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9013'],
          severity: 'critical',
          message:
            /Pod 'web-7d5b5dd9cf-…' in default was created mounting hostPath '\/etc' \(volume 'host'\) in container 'nginx' at \/host writable/,
        },
      ],
    },
    {
      name: 'a read-only but not recursive mount of /',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'root', spec: mounting('/', { readOnly: true }) }),
        }),
      ],
      alerts: [{ severity: 'critical', message: /read-only but not recursively/ }],
    },
    {
      name: 'a log directory, high rather than critical',
      events: [
        write({
          resource: 'daemonsets',
          namespace: 'logging',
          body: workload('DaemonSet', 'shipper', mounting('/var/log/app')),
        }),
      ],
      alerts: [
        { severity: 'high', message: /DaemonSet 'shipper' in logging was created mounting hostPath '\/var\/log\/app'/ },
      ],
    },
    {
      name: "node-exporter as nobody without capabilities: /'s mounts are out of reach, the same pod as root is not",
      events: [
        write({
          resource: 'daemonsets',
          namespace: 'monitoring',
          body: workload('DaemonSet', 'node-exporter', {
            ...mounting('/', { readOnly: true }, LOCKED_DOWN),
            securityContext: NOBODY,
          }),
        }),
        write({
          resource: 'daemonsets',
          namespace: 'monitoring',
          body: workload('DaemonSet', 'node-exporter-root', mounting('/', { readOnly: true })),
        }),
      ],
      alerts: [
        {
          severity: 'low',
          message: /read-only but not recursively \(out of reach as UID 65534 without DAC capabilities\)/,
        },
        { severity: 'critical', message: /node-exporter-root.*read-only but not recursively: the container/ },
      ],
    },
  ],
});
