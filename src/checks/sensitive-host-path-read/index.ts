import { describeMounts, mountedHostPaths, writableBelow, writableMounts } from '../../k8s/host-paths.js';
import { OUT_OF_REACH_SEVERITY, unprivilegedMounts } from '../../k8s/identity.js';
import { defineCheck } from '../define.js';

const READS: Readonly<Record<string, string>> = {
  'MS-TA9016': "other pods' service-account tokens",
  'MS-TA9026': 'cloud provider credentials',
  'MS-TA9027': 'SSH keys and user credentials',
};

export default defineCheck({
  id: 'sensitive-host-path-read',
  title: 'Read-only hostPath of node credentials',
  severity: 'high',
  exposes: ['MS-TA9016', 'MS-TA9026', 'MS-TA9027'],
  missing: [],
  description:
    "A container mounts, read-only, a node directory that holds credentials: the kubelet's directory with other pods' service-account tokens, /etc/kubernetes with cloud provider credentials, or SSH keys and home directories. Credentials on mounts that stay writable below a non-recursive read-only mount are left to writable-host-path. Where every container mounting it provably runs as an unprivileged user (a non-root UID and groups, no DAC capabilities, no privilege escalation), it is `low`: the credentials are root's (0600, in 0700 or 0750 directories), and only world-readable files remain.",
  rationale:
    "Read-only stops the container from changing the node, not from reading it: it can take the service-account tokens of every pod on the node, the cluster's cloud identity (such as /etc/kubernetes/azure.json) or users' SSH keys, and act as them.",
  remediation:
    'Mount only the exact file or directory the workload needs, never the node root, /var/lib/kubelet, /etc/kubernetes or home directories; use projected service-account tokens and workload identity instead of node credentials. Add `recursiveReadOnly: Enabled` to read-only mounts of directories that hold other mounts, which `readOnly: true` alone leaves writable.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const volume of mountedHostPaths(pod)) {
        // A writable mount reads just as well; writable-host-path reports it with these techniques, and those of
        // the writable mounts below a read-only one that is not recursive.
        if (writableMounts(volume).length > 0) continue;
        const written = writableBelow(volume)?.hostPath.credentials ?? [];
        const credentials = volume.hostPath.credentials.filter((id) => !written.includes(id));
        if (credentials.length === 0) continue;
        const user = unprivilegedMounts(pod, volume.mounts);
        const exposed = `${describeMounts(volume, volume.mounts)} exposes ${credentials.map((id) => READS[id]).join(', ')}`;
        report({
          resource: pod.owner,
          path: volume.path,
          techniques: credentials,
          ...(user ? { severity: OUT_OF_REACH_SEVERITY } : {}),
          message: user
            ? `${exposed}, but the container runs ${user}: root-owned credential files are out of reach, world-readable files remain`
            : `${exposed} to the container`,
        });
      }
    }
  },
});
