import { CONTROLLER_MANAGER_AGENT, ownedBy, pod, REPLICASET_CONTROLLER, workload, write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const COREDNS = { name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' };

testDetection(detection, {
  valid: [
    {
      name: 'the real CoreDNS pod, from its ReplicaSet',
      events: [
        write({
          resource: 'pods',
          namespace: 'kube-system',
          body: pod({
            generateName: 'coredns-5d78c9869d-',
            ownerReferences: ownedBy('ReplicaSet', 'coredns-5d78c9869d'),
            spec: { containers: [COREDNS] },
          }),
          response: pod({ name: 'coredns-5d78c9869d-x7k2p', namespace: 'kube-system' }),
          user: REPLICASET_CONTROLLER,
          userAgent: CONTROLLER_MANAGER_AGENT,
        }),
      ],
    },
    {
      name: 'coredns-autoscaler is another component, not a typo',
      events: [
        write({
          resource: 'deployments',
          namespace: 'kube-system',
          body: workload('Deployment', 'coredns-autoscaler', {
            containers: [{ name: 'autoscaler', image: 'registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.8.9' }],
          }),
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'a bare pod named like a CoreDNS replica',
      events: [
        write({
          resource: 'pods',
          namespace: 'kube-system',
          body: pod({
            name: 'coredns-5d78c9869d-x7k2p',
            spec: { containers: [{ name: 'coredns', image: 'evil/miner:latest' }] },
          }),
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9023'],
          severity: 'high',
          message:
            /^Pod 'coredns-5d78c9869d-x7k2p' in kube-system was created: it is named like coredns, but it is deployed by no controller, not as a Deployment, and it runs evil\/miner:latest/,
        },
      ],
    },
    {
      name: 'a DaemonSet one typo away from kube-proxy, in default',
      events: [
        write({
          resource: 'daemonsets',
          namespace: 'default',
          body: workload('DaemonSet', 'kube-proxxy', { containers: [{ name: 'p', image: 'alpine:3.20' }] }),
        }),
      ],
      alerts: [
        { message: /DaemonSet 'kube-proxxy' in default was created: it is named one typo away from kube-proxy/ },
      ],
    },
  ],
});
