import { ETCD_IMAGE, KUBEADM_ETCD, staticPod } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

const etcd = (without: readonly string[], extra: readonly string[] = []) =>
  staticPod('etcd', ETCD_IMAGE, [
    ...KUBEADM_ETCD.filter((flag) => !without.some((name) => flag.startsWith(`--${name}=`))),
    ...extra,
  ]);

testCheck(check, {
  valid: [
    { name: 'kubeadm etcd', yaml: etcd([]) },
    {
      name: "etcd's single-dash flags, found by image without a command",
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system}
spec:
  containers:
  - name: etcd
    image: quay.io/coreos/etcd:v3.5.15
    args: [-client-cert-auth, -trusted-ca-file=/pki/ca.crt, -listen-client-urls=https://0.0.0.0:2379]
`,
    },
    {
      name: 'etcdctl in the etcd image is a client, not etcd',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: etcd-backup, namespace: kube-system}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: backup
            image: registry.k8s.io/etcd:3.5.15-0
            command: [etcdctl, snapshot, save, /backup/snapshot.db]
`,
    },
  ],
  invalid: [
    {
      name: 'client certificates off while listening on the node address',
      yaml: etcd(['client-cert-auth']),
      findings: [
        {
          line: 12,
          path: 'spec.containers[0].command',
          techniques: ['MS-TA9025'],
          mitigations: ['MS-M9024'],
          severity: 'high',
          message: /listens beyond localhost/,
        },
      ],
    },
    {
      name: '`--client-cert-auth false` is a positional argument, not false; loopback only',
      yaml: etcd(['client-cert-auth', 'listen-client-urls'], ['--listen-client-urls=https://127.0.0.1:2379']),
      findings: [{ line: 12, severity: 'medium', message: /any process on the node/ }],
    },
    {
      name: 'plain HTTP on every address, and no client certificates',
      yaml: etcd(['client-cert-auth', 'listen-client-urls'], ['--listen-client-urls=http://0.0.0.0:2379']),
      findings: [
        { line: 12, path: 'spec.containers[0].command', severity: 'high' },
        { line: 20, path: 'spec.containers[0].command[7]', severity: 'critical', message: /plain HTTP .*0\.0\.0\.0/ },
      ],
    },
    {
      name: 'client certificates from any CA',
      yaml: etcd(['trusted-ca-file']),
      findings: [{ line: 16, path: 'spec.containers[0].command[3]', severity: 'medium', message: /any public CA/ }],
    },
  ],
});
