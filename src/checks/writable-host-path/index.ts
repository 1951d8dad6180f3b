import { defineCheck } from '../define.js';
import { describeMounts, mountedHostPaths, writableMounts } from '../host-paths.js';

export default defineCheck({
  id: 'writable-host-path',
  title: 'Writable hostPath mount',
  severity: 'critical',
  exposes: ['MS-TA9013', 'MS-TA9016', 'MS-TA9026', 'MS-TA9027', 'MS-TA9021', 'MS-TA9017'],
  missing: [],
  description: 'A container mounts a `hostPath` volume without `readOnly: true`.',
  rationale:
    "A writable node directory lets whoever runs code in the container change the node's own files: plant a cron job, SSH key or static pod manifest (a pod the API server cannot delete), overwrite binaries or the kubelet's configuration, and so persist on and take over the node. Node directories also hold other pods' service-account tokens and cloud credentials, and the container logs an attacker would erase to cover their tracks.",
  remediation:
    'Avoid hostPath; use emptyDir, a ConfigMap or a PersistentVolume instead. Where a node directory is unavoidable, mount the narrowest path with `readOnly: true`, and enforce the baseline Pod Security Standard on the namespace.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const volume of mountedHostPaths(pod)) {
        const writable = writableMounts(volume);
        if (writable.length === 0) continue;
        report({
          resource: pod.owner,
          path: volume.path,
          severity: volume.hostPath.writeSeverity,
          techniques: [
            'MS-TA9013',
            ...volume.hostPath.credentials,
            ...(volume.hostPath.containerLogs ? (['MS-TA9021'] as const) : []),
            ...(volume.hostPath.staticPods ? (['MS-TA9017'] as const) : []),
          ],
          message: `${describeMounts(volume, writable)} is writable: the container can change the node's files`,
        });
      }
    }
  },
});
