import { rejection } from '../../admission/index.js';
import { evidenceAt } from '../../k8s/evidence.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'admission-drift',
  title: 'Workload its own admission would reject',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9013'],
  description:
    "A workload in the input that the input's own enforcing admission policies would reject if it were created now: it predates the policy, or came in through an exemption.",
  rationale:
    'Admission checks requests, not what already runs: a privileged pod created before the policy, or through a namespace since relabelled, keeps running, and the policy gives a false sense of coverage.',
  remediation:
    "Bring the workload in line with the policy (the policy's message says how), or exempt it explicitly and narrowly; then recreate it so that admission sees it.",
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      const { owner } = pod;
      const result = rejection(owner.object, pod.namespace, inventory);
      if (!result) continue;
      report({
        resource: owner,
        path: pod.path,
        message: `would be rejected now: ${result.reason}`,
        evidence: result.by.map((outcome) =>
          evidenceAt(
            'policy',
            outcome.policy,
            outcome.path,
            `${outcome.name}${outcome.message ? `: ${outcome.message}` : ''}`,
          ),
        ),
      });
    }
  },
});
