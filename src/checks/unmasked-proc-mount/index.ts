import { privileged } from '../../k8s/identity.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'unmasked-proc-mount',
  title: 'Unmasked /proc',
  severity: 'high',
  exposes: ['MS-TA9018'],
  missing: [],
  description: 'A container sets `securityContext.procMount: Unmasked`.',
  rationale:
    'The runtime normally masks the parts of /proc that control the kernel (/proc/sys, /proc/sysrq-trigger, /proc/kcore…) or makes them read-only. Unmasked, the container reaches them: unless the pod runs in its own user namespace, root in it can rewrite kernel settings such as /proc/sys/kernel/core_pattern and so run code on the node.',
  remediation:
    'Remove `procMount: Unmasked` (the default masks /proc); it is only meant for nested container runtimes in user-namespaced pods.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const procMount = container.security('procMount');
        // A privileged container sees /proc unmasked anyway; privileged-container reports it.
        if (procMount?.value !== 'Unmasked' || privileged(container)) continue;
        report({
          resource: pod.owner,
          path: procMount.path,
          message: `container '${container.spec.name}' mounts /proc unmasked: it can reach kernel settings of the node`,
        });
      }
    }
  },
});
