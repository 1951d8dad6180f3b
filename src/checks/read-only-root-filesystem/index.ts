import { hardenableContainers, securityField } from '../../k8s/hardening.js';
import { defineCheck } from '../define.js';
import { fillIn } from '../fixes.js';

export default defineCheck({
  id: 'read-only-root-filesystem',
  title: 'Writable root filesystem',
  severity: 'low',
  exposes: [],
  missing: ['MS-M9013'],
  description: 'A container does not set `securityContext.readOnlyRootFilesystem: true`.',
  rationale:
    "A writable root filesystem lets an attacker drop tools, replace the application's binaries or configuration and persist changes for the life of the container.",
  remediation:
    'Set `readOnlyRootFilesystem: true` and mount an `emptyDir` volume where the application must write (e.g. /tmp).',
  fixable: {
    breaks:
      'a process that writes outside its mounted volumes (to /tmp, a cache or a log directory) fails: mount an emptyDir where it writes',
  },
  run({ inventory, report }) {
    for (const { pod, container } of hardenableContainers(inventory)) {
      const readOnly = container.security('readOnlyRootFilesystem');
      if (readOnly?.value === true) continue;
      const path = securityField(container, 'readOnlyRootFilesystem');
      const fix = fillIn(pod.owner.object, path, true);
      report({
        resource: pod.owner,
        path,
        ...(fix ? { fix: [fix] } : {}),
        message: `container '${container.spec.name}' ${readOnly ? 'sets readOnlyRootFilesystem: false' : 'does not set readOnlyRootFilesystem: true'}: its root filesystem is writable`,
      });
    }
  },
});
