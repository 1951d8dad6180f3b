import { componentsOf } from '../../k8s/components.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'apiserver-encryption-at-rest',
  title: 'API server: Secrets not encrypted in etcd',
  severity: 'medium',
  // Secrets readable straight from etcd, its data files or backups, past RBAC: what MS-M9024 ("restrict access to
  // etcd", whose remedy includes encryption at rest) protects MS-TA9025 against.
  exposes: ['MS-TA9025'],
  missing: ['MS-M9024'],
  controlPlane: true,
  description: 'A kube-apiserver has no `--encryption-provider-config`, so it stores Secrets in etcd in plain text.',
  rationale:
    'Whoever reads etcd directly, its data directory on a control-plane node, or one of its backups, reads every Secret of the cluster, whatever RBAC says.',
  remediation:
    'Give the API server an EncryptionConfiguration (`--encryption-provider-config`) with a KMS v2 provider (or `aescbc`/`secretbox` with a key kept off the node) listed before `identity`, then rewrite existing Secrets (`kubectl get secrets -A -o json | kubectl replace -f -`).',
  run({ inventory, report }) {
    for (const { pod, flags, missingAt } of componentsOf(inventory, 'kube-apiserver')) {
      if (flags.get('encryption-provider-config')?.value) continue;
      report({
        resource: pod.owner,
        path: missingAt,
        message:
          'no `--encryption-provider-config` is set: Secrets are stored in etcd in plain text, readable from its data files and backups',
      });
    }
  },
});
