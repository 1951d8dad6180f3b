import { capabilities } from '../../inventory/pods.js';
import { securityField, unprivilegedContainers } from '../../k8s/hardening.js';
import { defineCheck } from '../define.js';
import { fillIn } from '../fixes.js';

export default defineCheck({
  id: 'allow-privilege-escalation',
  title: 'Privilege escalation allowed',
  severity: 'low',
  exposes: [],
  missing: ['MS-M9013', 'MS-M9017'],
  description: 'A container does not set `securityContext.allowPrivilegeEscalation: false`.',
  rationale:
    'Unless it is false, a process can gain privileges it was not started with, through setuid binaries such as sudo or su or file capabilities: a foothold as an unprivileged user becomes root in the container.',
  remediation:
    'Set `allowPrivilegeEscalation: false` in every container securityContext (the restricted Pod Security Standard requires it).',
  fixable: {
    breaks:
      'a process that gains privileges through a setuid binary (sudo, su) or file capabilities fails to, and stops there',
  },
  run({ inventory, report }) {
    for (const { pod, container } of unprivilegedContainers(inventory)) {
      const allowed = container.security('allowPrivilegeEscalation');
      if (allowed?.value === false) continue;
      const path = securityField(container, 'allowPrivilegeEscalation');
      // The API rejects allowPrivilegeEscalation: false beside an added CAP_SYS_ADMIN.
      const fix = capabilities(container, 'add').has('SYS_ADMIN') ? undefined : fillIn(pod.owner.object, path, false);
      report({
        resource: pod.owner,
        path,
        ...(fix ? { fix: [fix] } : {}),
        message: `container '${container.spec.name}' ${allowed ? 'sets allowPrivilegeEscalation: true' : 'does not set allowPrivilegeEscalation: false'}: setuid binaries can raise its privileges`,
      });
    }
  },
});
