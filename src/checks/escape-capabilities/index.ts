import { escapeCapabilities } from '../../k8s/node-exposure.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'escape-capabilities',
  title: 'Container escape capability',
  severity: 'critical',
  exposes: ['MS-TA9018'],
  missing: [],
  description:
    'A container adds a capability that reaches the node: SYS_ADMIN, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH, BPF or ALL, or SYS_PTRACE in a pod with `hostPID: true`.',
  rationale:
    'These capabilities lift the kernel restrictions that keep a container apart from its node: whoever runs code in the container can mount host file systems, load kernel modules, read host files by handle or inject code into host processes, and take over the node without the pod ever being privileged.',
  remediation:
    'Remove the capability from `capabilities.add`, drop ALL and add back only what the process needs (such as NET_BIND_SERVICE), and enforce the baseline Pod Security Standard on the namespace.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        for (const capability of escapeCapabilities(pod, container)) {
          report({
            resource: pod.owner,
            path: capability.path,
            severity: capability.severity,
            message: `container '${container.spec.name}' adds ${capability.name}, which allows ${capability.grants}: it can escape to the node`,
          });
        }
      }
    }
  },
});
