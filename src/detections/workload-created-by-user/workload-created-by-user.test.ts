import { ALICE, ARGOCD, CI_BOT, HELM, pod, REPLICASET_CONTROLLER, workload, write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

testDetection(detection, {
  valid: [
    {
      name: 'the ReplicaSet controller creates a pod (allow-listed)',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ generateName: 'web-7d4b9c-' }),
          user: REPLICASET_CONTROLLER,
          userAgent:
            'kube-controller-manager/v1.31.0 (linux/amd64) kubernetes/abcdef0/system:serviceaccount:kube-system:replicaset-controller',
        }),
      ],
    },
    {
      name: 'Argo CD creates a Deployment with its service account',
      events: [
        write({
          resource: 'deployments',
          namespace: 'shop',
          body: workload('Deployment', 'web'),
          user: ARGOCD,
          userAgent: 'argocd-application-controller/v2.12.4',
        }),
      ],
    },
    {
      name: 'a dry run creates nothing',
      events: [write({ resource: 'pods', namespace: 'default', body: pod({ name: 'probe' }), query: 'dryRun=All' })],
    },
    {
      name: 'a denied create',
      events: [write({ resource: 'pods', namespace: 'default', body: pod({ name: 'probe' }), code: 403 })],
    },
    {
      name: 'a person creates a Service, not a workload',
      events: [
        write({ resource: 'services', namespace: 'default', body: { kind: 'Service', metadata: { name: 'web' } } }),
      ],
    },
    {
      name: 'a deployment user on the allow-list',
      events: [
        write({
          resource: 'deployments',
          namespace: 'shop',
          body: workload('Deployment', 'web'),
          user: { username: 'ci@example.com', groups: ['system:authenticated'] },
        }),
      ],
      allow: { users: ['ci@example.com'], groups: [] },
    },
  ],
  invalid: [
    {
      name: 'kubectl run: a bare pod by a person',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({
            name: 'shell',
            spec: { containers: [{ name: 'shell', image: 'alpine', stdin: true, tty: true }] },
          }),
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9008'],
          severity: 'medium',
          message: /Pod 'shell' in default was created by hand, a bare pod/,
        },
      ],
    },
    {
      name: 'helm install as a person, at level Metadata',
      events: [write({ resource: 'deployments', namespace: 'shop', name: 'web', user: ALICE, userAgent: HELM })],
      alerts: [{ severity: 'low', message: /Deployment 'web' in shop was created by hand/ }],
    },
    {
      name: "a service account's token used from kubectl",
      events: [write({ resource: 'pods', namespace: 'ci', body: pod({ name: 'x' }), user: CI_BOT })],
      alerts: [{ severity: 'high', message: /service account ci\/deployer's token from kubectl/ }],
    },
  ],
});
