import { auditBackend, componentsOf } from '../../k8s/components.js';
import { defineCheck } from '../define.js';

const UNSEEN =
  'deleted events (MS-TA9022) and the exec sessions or hostPath pods used to clear container logs (MS-TA9021) leave no record';

export default defineCheck({
  id: 'apiserver-audit-log',
  title: 'API server: no audit log',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9020'],
  controlPlane: true,
  description:
    'A kube-apiserver has no `--audit-policy-file`, or has one but no backend to write to (`--audit-log-path` or `--audit-webhook-config-file`).',
  rationale:
    'The audit log is the only record of who did what through the API: which identity read secrets, opened exec sessions, created pods or deleted events. Without it an intrusion cannot be reconstructed, and tampering with evidence in the cluster goes unseen.',
  remediation:
    'Give the API server an audit policy (`--audit-policy-file`) and a backend: `--audit-log-path` on a volume your log agent ships off the node, or `--audit-webhook-config-file` pointing at remote storage.',
  run({ inventory, report }) {
    for (const { pod, flags, missingAt } of componentsOf(inventory, 'kube-apiserver')) {
      const policy = flags.get('audit-policy-file');
      if (!policy) {
        report({
          resource: pod.owner,
          path: missingAt,
          message: `no \`--audit-policy-file\` is set, so the API server records no audit events: ${UNSEEN}`,
        });
        continue;
      }
      if (auditBackend(flags)) continue;
      report({
        resource: pod.owner,
        path: policy.path,
        message: `an audit policy is set but neither \`--audit-log-path\` nor \`--audit-webhook-config-file\`, so the events are written nowhere: ${UNSEEN}`,
      });
    }
  },
});
