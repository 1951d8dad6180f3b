import {
  ALICE,
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

const controllerPod = (namespace: string, owner: string, containers: Record<string, unknown>[]) =>
  write({
    resource: 'pods',
    namespace,
    body: pod({ generateName: `${owner}-`, ownerReferences: ownedBy('ReplicaSet', owner), spec: { containers } }),
    user: REPLICASET_CONTROLLER,
    userAgent: CONTROLLER_MANAGER_AGENT,
  });
const COREDNS = {
  name: 'coredns',
  image: 'registry.k8s.io/coredns/coredns:v1.11.3',
  args: ['-conf', '/etc/coredns/Corefile'],
};

testDetection(detection, {
  valid: [
    {
      name: 'the ReplicaSet controller starts a CoreDNS pod',
      events: [controllerPod('kube-system', 'coredns-5d78c9869d', [COREDNS])],
    },
    {
      name: 'a person creates a pod in an application namespace',
      events: [write({ resource: 'pods', namespace: 'shop', body: pod({ name: 'web' }) })],
    },
  ],
  invalid: [
    {
      name: 'a person creates a Deployment in kube-system',
      events: [
        write({
          resource: 'deployments',
          namespace: 'kube-system',
          body: workload('Deployment', 'helper'),
          user: ALICE,
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9023'],
          severity: 'medium',
          message:
            /^Deployment 'helper' in kube-system was created in system namespace kube-system by an identity that is not a system component$/,
        },
      ],
    },
    {
      name: 'a controller starts nginx pods in kube-system: the first one only',
      events: [
        controllerPod('kube-system', 'nginx-6d4cf56db6', [NGINX]),
        controllerPod('kube-system', 'nginx-6d4cf56db6', [NGINX]),
      ],
      alerts: [
        {
          severity: 'low',
          message:
            /^Pod 'nginx-6d4cf56db6-…' in kube-system was started in system namespace kube-system running nginx:1.27, none of them/,
        },
      ],
    },
    {
      name: 'kube-public counts too',
      events: [controllerPod('kube-public', 'nginx-6d4cf56db6', [NGINX])],
      alerts: [{ severity: 'low', message: /in system namespace kube-public/ }],
    },
  ],
});
