import { OUT_OF_REACH_SEVERITY } from '../../k8s/identity.js';
import { nodeLevelExposures, reachesNode } from '../../k8s/node-exposure.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'cronjob',
  title: 'CronJob',
  severity: 'info',
  exposes: ['MS-TA9014'],
  missing: [],
  description:
    'Lists every CronJob; one whose pod has node-level access is reported high (low when that access is only hostPaths and runtime sockets its containers provably reach as an unprivileged user).',
  rationale:
    'A CronJob reruns its pod on a schedule, so a malicious one survives the deletion of any single pod and may finish before anyone looks. With node-level access each run can reach the node.',
  remediation:
    'Review that the CronJob is expected and who may change it (`create`/`patch` on cronjobs); remove node-level access from its pod template.',
  run({ inventory, report }) {
    const podOf = new Map(inventory.podSpecs.map((view) => [view.owner, view]));
    for (const cronJob of inventory.ofKind('CronJob')) {
      // A CronJob whose pod spec does not parse has no view; it is still a scheduled workload to list.
      const pod = podOf.get(cronJob);
      const exposures = pod ? nodeLevelExposures(pod) : [];
      report({
        resource: cronJob,
        path: ['spec', 'schedule'],
        severity: reachesNode(exposures) ? 'high' : exposures.length ? OUT_OF_REACH_SEVERITY : 'info',
        message: exposures.length
          ? `scheduled workload with node-level access: ${exposures.map((exposure) => exposure.what).join('; ')}`
          : 'inventory: scheduled workload; review it',
      });
    }
  },
});
