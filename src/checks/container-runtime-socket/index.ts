import { describeMounts, mountedHostPaths } from '../../k8s/host-paths.js';
import { OUT_OF_REACH_SEVERITY, unprivilegedMounts } from '../../k8s/identity.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'container-runtime-socket',
  title: 'Container runtime socket mounted',
  severity: 'critical',
  exposes: ['MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
  missing: [],
  description:
    "A container mounts the node's container runtime socket (docker, containerd, CRI-O, cri-dockerd, podman) or a directory holding it through a `hostPath` volume, read-only or not. It is `low` where every container mounting it provably runs as an unprivileged user (a non-root UID and groups, no DAC capabilities, no privilege escalation), to whom the root-owned socket is closed. It names MS-TA9013 (writable hostPath mount) only for a socket file mounted writable; writable-host-path reports writable directories.",
  rationale:
    "The runtime socket is the runtime's API and answers whoever connects, bypassing the API server, admission and audit: the container can start a privileged container with the node's root file system mounted and so take over the node. `readOnly` does not help, since connecting to a socket is not a write.",
  remediation:
    "Do not mount the runtime socket. Build images with a daemonless builder (BuildKit rootless, kaniko), and read container metadata through the Kubernetes API or the kubelet's read-only endpoints instead.",
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const volume of mountedHostPaths(pod)) {
        if (!volume.hostPath.runtimeSocket) continue;
        // Connecting to a socket needs no write access to the mount: read-only, it is still the runtime's API. A
        // writable directory holding the socket is writable-host-path's to report; a socket file is not.
        const writable = volume.hostPath.runtimeSocket === 'socket' && volume.mounts.some((mount) => !mount.readOnly);
        // The socket is 0660, root's (group root or docker): a user without root's uid, groups or DAC capabilities
        // cannot connect, unless someone made it world-writable.
        const user = unprivilegedMounts(pod, volume.mounts);
        report({
          resource: pod.owner,
          path: volume.path,
          techniques: ['MS-TA9008', 'MS-TA9018', ...(writable ? (['MS-TA9013'] as const) : [])],
          ...(user ? { severity: OUT_OF_REACH_SEVERITY } : {}),
          message: user
            ? `${describeMounts(volume, volume.mounts)} reaches the container runtime socket, but the container runs ${user}: the root-owned socket is out of reach unless the node makes it world-writable`
            : `${describeMounts(volume, volume.mounts)} reaches the container runtime socket: the container can start a privileged container on the node`,
        });
      }
    }
  },
});
