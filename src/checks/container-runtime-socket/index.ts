import { describeMounts, mountedHostPaths } from '../../k8s/host-paths.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'container-runtime-socket',
  title: 'Container runtime socket mounted',
  severity: 'critical',
  exposes: ['MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
  missing: [],
  description:
    "A container mounts the node's container runtime socket (docker, containerd, CRI-O, cri-dockerd, podman) or a directory holding it through a `hostPath` volume, read-only or not. It names MS-TA9013 (writable hostPath mount) only for a socket file mounted writable; writable-host-path reports writable directories.",
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
        report({
          resource: pod.owner,
          path: volume.path,
          techniques: ['MS-TA9008', 'MS-TA9018', ...(writable ? (['MS-TA9013'] as const) : [])],
          message: `${describeMounts(volume, volume.mounts)} reaches the container runtime socket: the container can start a privileged container on the node`,
        });
      }
    }
  },
});
