import { describeMounts, mountedHostPaths, writableBelow, writableMounts } from '../../k8s/host-paths.js';
import { OUT_OF_REACH_SEVERITY, unprivilegedMounts } from '../../k8s/identity.js';
import { worst } from '../../rbac/risky.js';
import { defineDetection } from '../define.js';
import {
  applied,
  declaresHostPath,
  describeObject,
  firstOfController,
  Recent,
  WORKLOAD_RESOURCES,
  writtenPodSpecIf,
  wrote,
} from '../objects.js';

export default defineDetection<Recent>({
  id: 'writable-host-path-pod',
  title: 'Pod with a writable hostPath mount written',
  severity: 'critical',
  techniques: ['MS-TA9013'],
  description:
    "A pod or pod template is created, replaced or patched so that a container mounts a node directory it can write: a `hostPath` volume without `readOnly: true`, or read-only but not recursively over directories holding the node's other mounts. Severity follows what the directory hands over (critical for /etc, /var/lib/kubelet, / and the like; low where the containers provably run as an unprivileged user, to whom root-owned files are closed). Of the pods one controller creates, only the first is reported; a patch is judged by what it sets.",
  rationale:
    "A writable node directory lets the container change the node's own files: plant a cron job, an SSH key or a static pod manifest, overwrite the kubelet's configuration or binaries. It is how an attacker who can create pods persists on the node and takes it over.",
  response:
    'Find who wrote the object and whether the mount is part of a known agent; if not, delete it, inspect the directory on the node it ran on for planted files (cron, SSH keys, /etc/kubernetes/manifests) and enforce the baseline Pod Security Standard on the namespace.',
  fields: [
    'requestObject.spec (and spec.template.spec, spec.jobTemplate.spec.template.spec)',
    'volumes[].hostPath.path',
    'containers[].volumeMounts[].readOnly',
    'containers[].volumeMounts[].recursiveReadOnly',
    'containers[].volumeMounts[].subPath',
    'metadata.ownerReferences',
  ],
  level: 'Request',
  benign:
    'Log shippers writing their position files under /var/log, CSI node drivers under /var/lib/kubelet, CNI installers under /etc/cni and /opt/cni: they alert when their DaemonSet is written and for its first pod. Review them once; they return on upgrades.',
  everyone: true,
  on: { verbs: ['create', 'update', 'patch'], resources: WORKLOAD_RESOURCES },
  initialState: () => new Recent(),
  detect(event, { state, alert }) {
    if (!applied(event)) return;
    const pod = writtenPodSpecIf(event, declaresHostPath);
    if (!pod) return;
    const found = mountedHostPaths(pod).flatMap((volume) => {
      const writable = writableMounts(volume);
      const below = writable.length ? undefined : writableBelow(volume);
      const mounts = below?.mounts ?? writable;
      if (!mounts.length) return [];
      const user = unprivilegedMounts(pod, mounts);
      const text = `${describeMounts(volume, mounts)} ${below ? 'read-only but not recursively' : 'writable'}`;
      return [
        user
          ? { text: `${text} (out of reach ${user})`, severity: OUT_OF_REACH_SEVERITY }
          : { text, severity: (below?.hostPath ?? volume.hostPath).writeSeverity },
      ];
    });
    if (!found.length || !firstOfController(state, event, pod.owner.object)) return;
    alert({
      severity: worst(found.map((mount) => mount.severity)),
      message: `${describeObject(pod.owner.object)} was ${wrote(event)} mounting ${found.map((mount) => mount.text).join('; ')}: the container can change the node's files`,
    });
  },
});
