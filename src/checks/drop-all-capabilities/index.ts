import { capabilities } from '../../inventory/pods.js';
import { unprivilegedContainers } from '../../k8s/hardening.js';
import { defineCheck, type FixStep } from '../define.js';
import { fillIn } from '../fixes.js';

export default defineCheck({
  id: 'drop-all-capabilities',
  title: 'Capabilities not dropped',
  severity: 'low',
  exposes: [],
  missing: ['MS-M9013'],
  description: 'A container does not list ALL in `securityContext.capabilities.drop`.',
  rationale:
    "Containers start with the runtime's default capability set (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, …), which root in the container can use to take over files, switch users or forge network packets; few applications need any of them.",
  remediation:
    'Set `capabilities.drop: [ALL]` and add back only what the process needs, typically nothing or NET_BIND_SERVICE.',
  fixable: {
    breaks:
      'a process that uses a capability of the default set (chown files it does not own, bind a port below 1024, switch users, open raw sockets) fails until it is added back',
  },
  run({ inventory, report }) {
    for (const { pod, container } of unprivilegedContainers(inventory)) {
      const dropped = capabilities(container, 'drop');
      if (dropped.has('ALL')) continue;
      // NET_RAW, the one of the default set that reaches other pods' traffic, is net-raw's to name.
      const path = [...container.path, 'securityContext', 'capabilities', 'drop'];
      // Added capabilities are granted after the drop: ALL beside an `add` list keeps exactly what it adds.
      const fix: FixStep | undefined = Array.isArray(container.spec.securityContext?.capabilities?.drop)
        ? { op: 'add', path: [...path, '-'], value: 'ALL' }
        : fillIn(pod.owner.object, path, ['ALL']);
      report({
        resource: pod.owner,
        path,
        ...(fix ? { fix: [fix] } : {}),
        message: `container '${container.spec.name}' does not drop ALL capabilities`,
      });
    }
  },
});
