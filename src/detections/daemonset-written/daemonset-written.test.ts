import { ARGOCD, DAEMONSET_CONTROLLER, workload, write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const shipper = workload('DaemonSet', 'log-shipper', {
  containers: [{ name: 'fluent-bit', image: 'fluent/fluent-bit:3.1' }],
});

testDetection(detection, {
  valid: [
    {
      name: 'a rollout restart patches only a template annotation',
      events: [
        write({
          verb: 'patch',
          resource: 'daemonsets',
          namespace: 'logging',
          name: 'log-shipper',
          body: {
            spec: {
              template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-30T10:00:00Z' } } },
            },
          },
          response: shipper,
        }),
      ],
    },
    {
      name: 'a Deployment is no DaemonSet',
      events: [write({ resource: 'deployments', namespace: 'shop', body: workload('Deployment', 'web') })],
    },
    {
      name: 'the DaemonSet controller updating status is allow-listed',
      events: [
        write({
          verb: 'update',
          resource: 'daemonsets',
          namespace: 'logging',
          name: 'log-shipper',
          body: shipper,
          user: DAEMONSET_CONTROLLER,
        }),
      ],
    },
    {
      name: 'a create the API server refused',
      events: [write({ resource: 'daemonsets', namespace: 'logging', body: shipper, code: 409 })],
    },
  ],
  invalid: [
    {
      name: 'a person creates a DaemonSet',
      events: [write({ resource: 'daemonsets', namespace: 'logging', body: shipper })],
      alerts: [
        {
          techniques: ['MS-TA9012'],
          severity: 'medium',
          message:
            /^DaemonSet 'log-shipper' in logging was created running fluent\/fluent-bit:3.1: its pod runs on every node$/,
        },
      ],
    },
    {
      name: 'Argo CD adds a privileged container to a DaemonSet with a patch',
      events: [
        write({
          verb: 'patch',
          resource: 'daemonsets',
          namespace: 'kube-system',
          name: 'kube-proxy',
          body: {
            spec: {
              template: {
                spec: { containers: [{ name: 'helper', image: 'evil/miner', securityContext: { privileged: true } }] },
              },
            },
          },
          response: workload('DaemonSet', 'kube-proxy', {
            containers: [
              { name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.0' },
              { name: 'helper', image: 'evil/miner', securityContext: { privileged: true } },
            ],
          }),
          user: ARGOCD,
          userAgent: 'argocd-application-controller/v2.12.4',
        }),
      ],
      alerts: [
        {
          severity: 'high',
          message:
            /patched running registry.k8s.io\/kube-proxy:v1.31.0, evil\/miner: its pod runs on every node, with privileged container 'helper'/,
        },
      ],
    },
    {
      name: 'only metadata logged',
      events: [write({ verb: 'update', resource: 'daemonsets', namespace: 'logging', name: 'log-shipper' })],
      alerts: [{ message: /^DaemonSet 'log-shipper' in logging was replaced: its pod runs on every node$/ }],
    },
  ],
});
