import { write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const corefile = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name: 'coredns', namespace: 'kube-system' },
  data: {
    Corefile:
      '.:53 {\n    hosts {\n      203.0.113.9 registry.example.com\n      fallthrough\n    }\n    forward . /etc/resolv.conf\n}\n',
  },
};

testDetection(detection, {
  valid: [
    {
      name: 'another ConfigMap in kube-system',
      events: [write({ verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'kubeadm-config' })],
    },
    {
      name: 'a ConfigMap named coredns outside kube-system',
      events: [write({ verb: 'update', resource: 'configmaps', namespace: 'default', name: 'coredns' })],
    },
    {
      name: 'the Corefile read',
      events: [write({ verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'coredns', code: 403 })],
    },
  ],
  invalid: [
    {
      name: 'kubectl edit of the Corefile',
      events: [
        write({ verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'coredns', body: corefile }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9035'],
          severity: 'high',
          message: /^ConfigMap 'coredns' in kube-system, the cluster DNS configuration, was replaced/,
        },
      ],
    },
    {
      name: "AKS's coredns-custom created (named in the body only)",
      events: [
        write({
          resource: 'configmaps',
          namespace: 'kube-system',
          body: { ...corefile, metadata: { name: 'coredns-custom', namespace: 'kube-system' } },
        }),
      ],
      alerts: [{ message: /ConfigMap 'coredns-custom' in kube-system/ }],
    },
    {
      name: 'the Corefile deleted, at level Metadata',
      events: [write({ verb: 'delete', resource: 'configmaps', namespace: 'kube-system', name: 'coredns' })],
      alerts: [{ message: /was deleted/ }],
    },
  ],
});
