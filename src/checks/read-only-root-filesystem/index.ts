import { hardenableContainers, securityField } from '../../k8s/hardening.js';
import { defineCheck } from '../define.js';

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
  run({ inventory, report }) {
    for (const { pod, container } of hardenableContainers(inventory)) {
      const readOnly = container.security('readOnlyRootFilesystem');
      if (readOnly?.value === true) continue;
      report({
        resource: pod.owner,
        path: securityField(container, 'readOnlyRootFilesystem'),
        message: `container '${container.spec.name}' ${readOnly ? 'sets readOnlyRootFilesystem: false' : 'does not set readOnlyRootFilesystem: true'}: its root filesystem is writable`,
      });
    }
  },
});
