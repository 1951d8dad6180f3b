import { defineCheck } from '../define.js';
import { describeMounts, mountedHostPaths } from '../host-paths.js';

export default defineCheck({
  id: 'container-runtime-socket',
  title: 'Container runtime socket mounted',
  severity: 'critical',
  exposes: ['MS-TA9013', 'MS-TA9008'],
  missing: [],
  description:
    "A container mounts the node's container runtime socket (docker, containerd, CRI-O, cri-dockerd, podman) or a directory holding it through a `hostPath` volume, read-only or not.",
  rationale:
    "The runtime socket is the runtime's API and answers whoever connects, bypassing the API server, admission and audit: the container can start a privileged container with the node's root file system mounted and so take over the node. `readOnly` does not help, since connecting to a socket is not a write.",
  remediation:
    "Do not mount the runtime socket. Build images with a daemonless builder (BuildKit rootless, kaniko), and read container metadata through the Kubernetes API or the kubelet's read-only endpoints instead.",
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const volume of mountedHostPaths(pod)) {
        if (!volume.hostPath.runtimeSocket) continue;
        report({
          resource: pod.owner,
          path: volume.path,
          message: `${describeMounts(volume, volume.mounts)} reaches the container runtime socket: the container can start a privileged container on the node`,
        });
      }
    }
  },
});
