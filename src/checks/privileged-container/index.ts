import { privileged } from '../../k8s/identity.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'privileged-container',
  title: 'Privileged container',
  severity: 'critical',
  exposes: ['MS-TA9018'],
  missing: [],
  description: 'A container runs with `securityContext.privileged: true`.',
  rationale:
    'A privileged container sees every device of the node and runs without the kernel restrictions that keep containers apart: whoever runs code in it can mount the host disk, load kernel modules and take over the node, and from there every pod on it.',
  remediation:
    'Remove `privileged: true`. Grant only the specific capabilities the process needs (`capabilities.add`), and enforce the baseline Pod Security Standard on the namespace.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const privilege = privileged(container);
        if (!privilege) continue;
        report({
          resource: pod.owner,
          path: privilege.path,
          message: `container '${container.spec.name}' is privileged: it can take over the node`,
        });
      }
    }
  },
});
