import { extraCapabilities } from '../../k8s/node-exposure.js';
import { defineCheck } from '../define.js';

/** What the capabilities added most often hand a container, for messages. */
const GRANTS: Readonly<Record<string, string>> = {
  NET_ADMIN: "reconfiguring the pod's network: interfaces, routes, iptables rules",
  SYS_PTRACE: 'tracing and injecting code into the processes it sees',
  SYS_TIME: "setting the node's clock",
  SYS_BOOT: 'rebooting its PID namespace',
  SYS_RESOURCE: 'overriding resource limits',
  SYS_NICE: 'raising priorities and moving processes between CPUs',
  IPC_LOCK: 'locking memory',
  LINUX_IMMUTABLE: 'changing immutable and append-only files',
  MAC_ADMIN: 'changing AppArmor or SELinux policy',
  MAC_OVERRIDE: 'overriding AppArmor or SELinux policy',
  SYSLOG: "reading and clearing the kernel's log",
  PERFMON: 'performance monitoring of the kernel',
  CHECKPOINT_RESTORE: 'checkpointing and restoring processes',
  AUDIT_CONTROL: "changing the kernel's audit rules",
  AUDIT_READ: "reading the kernel's audit log",
};

export default defineCheck({
  id: 'added-capabilities',
  title: 'Capability added beyond the runtime defaults',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9013'],
  description:
    'A container adds a capability the runtime does not grant by default (NET_ADMIN, SYS_TIME, SYS_PTRACE without hostPID, …). Capabilities that escape to the node are left to escape-capabilities, NET_RAW to net-raw, and privileged containers, which hold them all, to privileged-container.',
  rationale:
    "Every capability beyond the default set widens what root in the container may do to the kernel, the pod's network and its neighbours' processes, and is one step toward an escape; the baseline Pod Security Standard rejects them all.",
  remediation:
    'Remove the capability from `capabilities.add` unless the process provably needs it, drop ALL and add back only what it needs; enforce the baseline Pod Security Standard on the namespace.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        for (const { name, path } of extraCapabilities(pod, container)) {
          const grants = GRANTS[name];
          report({
            resource: pod.owner,
            path,
            message: `container '${container.spec.name}' adds ${name}${grants ? `, which allows ${grants}` : ''}: beyond the runtime's default capabilities`,
          });
        }
      }
    }
  },
});
