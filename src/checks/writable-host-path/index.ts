import {
  describeMounts,
  describeWritableBelow,
  type HostPathClass,
  mountedHostPaths,
  RECURSIVE_READ_ONLY,
  writableBelow,
  writableMounts,
} from '../../k8s/host-paths.js';
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

export default defineCheck({
  id: 'writable-host-path',
  title: 'Writable hostPath mount',
  severity: 'critical',
  exposes: ['MS-TA9013', 'MS-TA9016', 'MS-TA9026', 'MS-TA9027', 'MS-TA9021', 'MS-TA9017'],
  missing: [],
  description:
    'A container mounts a `hostPath` volume without `readOnly: true`, or read-only but not recursively over node directories that hold other mounts (`/`, `/var`, `/var/lib/kubelet`, …), which stay writable.',
  rationale:
    "A writable node directory lets whoever runs code in the container change the node's own files: plant a cron job, SSH key or static pod manifest (a pod the API server cannot delete), overwrite binaries or the kubelet's configuration, and so persist on and take over the node. Node directories also hold other pods' service-account tokens and cloud credentials, and the container logs an attacker would erase to cover their tracks. `readOnly: true` alone makes only the mounted directory read-only, not the file systems the node mounts below it: a read-only `/` still hands over a writable `/proc`, `/sys`, `/run` and every pod's volumes.",
  remediation: `Avoid hostPath; use emptyDir, a ConfigMap or a PersistentVolume instead. Where a node directory is unavoidable, mount the narrowest path with \`readOnly: true\` (and \`recursiveReadOnly: Enabled\` where other mounts live below it), and enforce the baseline Pod Security Standard on the namespace.`,
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const volume of mountedHostPaths(pod)) {
        const writable = writableMounts(volume);
        if (writable.length > 0) {
          report({
            resource: pod.owner,
            path: volume.path,
            severity: volume.hostPath.writeSeverity,
            techniques: techniques(volume.hostPath),
            message: `${describeMounts(volume, writable)} is writable: the container can change the node's files`,
          });
          continue;
        }
        const below = writableBelow(volume);
        if (!below) continue;
        report({
          resource: pod.owner,
          path: volume.path,
          severity: below.hostPath.writeSeverity,
          techniques: techniques(below.hostPath),
          message: `${describeMounts(volume, below.mounts)} ${describeWritableBelow(below)}: the container can change the node's files there`,
          remediation: RECURSIVE_READ_ONLY,
        });
      }
    }
  },
});
