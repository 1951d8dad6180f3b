import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'static pods from the local directory only',
      yaml: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nstaticPodPath: /etc/kubernetes/manifests\nstaticPodURL: ""\n',
    },
  ],
  invalid: [
    {
      name: 'a manifest URL',
      yaml: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nstaticPodURL: http://10.0.0.5/pods.yaml\n',
      findings: [
        { line: 3, path: 'staticPodURL', techniques: ['MS-TA9017'], mitigations: ['MS-M9032'], severity: 'high' },
      ],
    },
    {
      name: "in kubeadm's older per-version ConfigMap",
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: kubelet-config-1.23, namespace: kube-system}
data:
  kubelet: "apiVersion: kubelet.config.k8s.io/v1beta1\\nkind: KubeletConfiguration\\nstaticPodURL: https://pods.example.com/node.yaml\\n"
`,
      findings: [{ line: 5, path: 'data.kubelet.staticPodURL', message: /^staticPodURL in data.kubelet is set/ }],
    },
  ],
});
