import { KUBELET_AGENT, NODE, pod, write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const MIRROR = {
  'kubernetes.io/config.mirror': '3b1e9c0d6f2a4e5b8c7d9e0f1a2b3c4d',
  'kubernetes.io/config.source': 'file',
};
const nodeOwner = [
  { apiVersion: 'v1', kind: 'Node', name: 'cp-1', uid: '5f0d2c1e-7a4b-4c3d-9e8f-0a1b2c3d4e5f', controller: true },
];
const mirror = (name: string, namespace: string, containers: Record<string, unknown>[]) =>
  write({
    resource: 'pods',
    namespace,
    body: pod({
      name,
      namespace,
      annotations: MIRROR,
      ownerReferences: nodeOwner,
      spec: { nodeName: 'cp-1', containers },
    }),
    user: NODE,
    userAgent: KUBELET_AGENT,
  });

testDetection(detection, {
  valid: [
    {
      name: "kubeadm's API server mirror pod",
      events: [
        mirror('kube-apiserver-cp-1', 'kube-system', [
          {
            name: 'kube-apiserver',
            image: 'registry.k8s.io/kube-apiserver:v1.31.0',
            command: ['kube-apiserver', '--advertise-address=10.0.0.10'],
          },
        ]),
      ],
    },
    {
      name: "kube-vip from kubeadm's high-availability guide",
      events: [
        mirror('kube-vip-cp-1', 'kube-system', [
          { name: 'kube-vip', image: 'ghcr.io/kube-vip/kube-vip:v0.8.3', args: ['manager'] },
        ]),
      ],
    },
    {
      name: 'a node creates an ordinary pod status, no mirror',
      events: [
        write({
          resource: 'pods',
          namespace: 'default',
          body: pod({ name: 'web' }),
          user: NODE,
          userAgent: KUBELET_AGENT,
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'a static pod running a miner in default',
      events: [mirror('xmrig-cp-1', 'default', [{ name: 'miner', image: 'evil/xmrig:latest' }])],
      alerts: [
        {
          techniques: ['MS-TA9017'],
          severity: 'high',
          message:
            /^Pod 'xmrig-cp-1' in default is a static pod, .*: it runs xmrig in namespace 'default', not kube-system$/,
        },
      ],
    },
    {
      name: 'an unknown static pod in kube-system',
      events: [
        mirror('backdoor-cp-1', 'kube-system', [
          { name: 'sh', image: 'alpine:3.20', command: ['/bin/sh', '-c', 'sleep infinity'] },
        ]),
      ],
      alerts: [{ severity: 'medium', message: /it runs sh, not a control-plane component$/ }],
    },
  ],
});
