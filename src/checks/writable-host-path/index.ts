import {
  describeMounts,
  describeWritableBelow,
  type HostPathClass,
  mountedHostPaths,
  RECURSIVE_READ_ONLY,
  writableBelow,
  writableMounts,
} from '../../k8s/host-paths.js';
import { OUT_OF_REACH_SEVERITY, unprivilegedMounts } from '../../k8s/identity.js';
import type { TechniqueId } from '../../matrix/types.js';
import { defineCheck } from '../define.js';

/** Writing a node directory reads it too, and reaches what lives there. */
function techniques(hostPath: Pick<HostPathClass, 'credentials' | 'containerLogs' | 'staticPods'>): TechniqueId[] {
  return [
    'MS-TA9013',
    ...hostPath.credentials,
    ...(hostPath.containerLogs ? (['MS-TA9021'] as const) : []),
    ...(hostPath.staticPods ? (['MS-TA9017'] as const) : []),
  ];
}

/** What writing there does: take over the node, or, for an unprivileged user, change only world-writable files. */
function consequence(user: string | undefined, where = ''): string {
  return user
    ? `, but the container runs ${user}: root-owned files are out of reach, it can change only what the node leaves world-writable`
    : `: the container can change the node's files${where}`;
}

export default defineCheck({
  id: 'writable-host-path',
  title: 'Writable hostPath mount',
  severity: 'critical',
  exposes: ['MS-TA9013', 'MS-TA9016', 'MS-TA9026', 'MS-TA9027', 'MS-TA9021', 'MS-TA9017'],
  missing: [],
  description:
    'A container mounts a `hostPath` volume without `readOnly: true`, or read-only but not recursively over node directories that hold other mounts (`/`, `/var`, `/var/lib/kubelet`, …), which stay writable. Where every container writing there provably runs as an unprivileged user (a non-root UID and groups, no DAC capabilities, no privilege escalation), it is `low`: only world-writable files are left to change.',
  rationale:
    "A writable node directory lets whoever runs code in the container change the node's own files: plant a cron job, SSH key or static pod manifest (a pod the API server cannot delete), overwrite binaries or the kubelet's configuration, and so persist on and take over the node. Node directories also hold other pods' service-account tokens and cloud credentials, and the container logs an attacker would erase to cover their tracks. `readOnly: true` alone makes only the mounted directory read-only, not the file systems the node mounts below it: a read-only `/` still hands over a writable `/proc`, `/sys`, `/run` and every pod's volumes.",
  remediation: `Avoid hostPath; use emptyDir, a ConfigMap or a PersistentVolume instead. Where a node directory is unavoidable, mount the narrowest path with \`readOnly: true\` (and \`recursiveReadOnly: Enabled\` where other mounts live below it), and enforce the baseline Pod Security Standard on the namespace.`,
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const volume of mountedHostPaths(pod)) {
        const writable = writableMounts(volume);
        if (writable.length > 0) {
          const user = unprivilegedMounts(pod, writable);
          report({
            resource: pod.owner,
            path: volume.path,
            severity: user ? OUT_OF_REACH_SEVERITY : volume.hostPath.writeSeverity,
            techniques: techniques(volume.hostPath),
            message: `${describeMounts(volume, writable)} is writable${consequence(user)}`,
          });
          continue;
        }
        const below = writableBelow(volume);
        if (!below) continue;
        const user = unprivilegedMounts(pod, below.mounts);
        report({
          resource: pod.owner,
          path: volume.path,
          severity: user ? OUT_OF_REACH_SEVERITY : below.hostPath.writeSeverity,
          techniques: techniques(below.hostPath),
          message: `${describeMounts(volume, below.mounts)} ${describeWritableBelow(below)}${consequence(user, ' there')}`,
          remediation: RECURSIVE_READ_ONLY,
        });
      }
    }
  },
});
