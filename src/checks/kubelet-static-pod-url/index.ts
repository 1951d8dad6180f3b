import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'kubelet-static-pod-url',
  title: 'Kubelet reads static pods from a URL',
  severity: 'high',
  exposes: ['MS-TA9017'],
  missing: ['MS-M9032'],
  description:
    'A kubelet configuration (a KubeletConfiguration file, or the kube-system ConfigMap kubeadm keeps it in) sets `staticPodURL`.',
  rationale:
    'The kubelet runs whatever pods that URL serves, re-reading it every `httpCheckFrequency`, without the API server admitting them: whoever controls the web server, its DNS name or the network path to a plain-HTTP URL runs privileged pods on every node using the configuration.',
  remediation:
    'Remove `staticPodURL`; keep static pods in the local `staticPodPath` under change control, and run everything else through the API server.',
  run({ inventory, report }) {
    for (const kubelet of inventory.kubeletConfigs) {
      if (!kubelet.config.staticPodURL) continue;
      report({
        resource: kubelet.owner,
        path: kubelet.at(['staticPodURL']),
        message: `${kubelet.describe(['staticPodURL'])} is set: the kubelet runs the pods served at that URL without the API server admitting them`,
      });
    }
  },
});
