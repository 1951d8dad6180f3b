import { testCheck } from '../tester.js';
import check from './index.js';

/** kubeadm's ConfigMap, as a cluster dump holds it: the configuration file is a string under `kubelet`. */
const kubeadmConfigMap = (file: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: kubelet-config, namespace: kube-system}
data:
  kubelet: |
${file
  .trim()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;

const HARDENED = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}
authorization: {mode: Webhook}
readOnlyPort: 0
`;

testCheck(check, {
  valid: [
    { name: 'kubeadm-style hardened file', yaml: HARDENED },
    { name: 'the same, inside kubeadm’s ConfigMap', yaml: kubeadmConfigMap(HARDENED) },
    {
      name: 'absent fields take the v1beta1 defaults: port 0, anonymous off, Webhook',
      yaml: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n',
    },
    {
      name: 'another ConfigMap with a kubelet key is not read',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: notes, namespace: kube-system}
data:
  kubelet: "readOnlyPort: 10255"
`,
    },
  ],
  invalid: [
    {
      name: 'a file with all three: the read-only port, anonymous access and AlwaysAllow',
      yaml: `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 10255
authentication:
  anonymous:
    enabled: true
authorization:
  mode: AlwaysAllow
`,
      findings: [
        {
          line: 3,
          path: 'readOnlyPort',
          techniques: ['MS-TA9030'],
          mitigations: ['MS-M9009'],
          severity: 'high',
          message: /^readOnlyPort is 10255/,
        },
        { line: 6, path: 'authentication.anonymous.enabled', severity: 'critical', message: /exec into containers/ },
        { line: 8, path: 'authorization.mode', severity: 'high', message: /^authorization.mode is AlwaysAllow/ },
      ],
    },
    {
      name: 'anonymous access with Webhook authorization, inside kubeadm’s ConfigMap: located at its key',
      yaml: kubeadmConfigMap(HARDENED.replace('anonymous: {enabled: false}', 'anonymous: {enabled: true}')),
      findings: [
        {
          line: 5,
          path: 'data.kubelet.authentication.anonymous.enabled',
          severity: 'medium',
          message: /^authentication.anonymous.enabled in data.kubelet is true: .* as system:anonymous/,
        },
      ],
    },
    {
      name: 'each setting is its own finding inside the ConfigMap too',
      yaml: kubeadmConfigMap('readOnlyPort: 10255\nauthorization: {mode: AlwaysAllow}'),
      findings: [
        // One line in the manifest: findings at the same place come in the engine's stable order.
        { line: 5, path: 'data.kubelet.authorization.mode' },
        { line: 5, path: 'data.kubelet.readOnlyPort' },
      ],
    },
  ],
});
