import { nodeLevelExposures } from '../../k8s/node-exposure.js';
import { worst } from '../../rbac/risky.js';
import { defineDetection } from '../define.js';
import {
  applied,
  describeObject,
  firstOfController,
  mayReachNode,
  Recent,
  WORKLOAD_RESOURCES,
  writtenPodSpecIf,
  wrote,
} from '../objects.js';

export default defineDetection<Recent>({
  id: 'privileged-pod-created',
  title: 'Pod with privileged or node-escape settings written',
  severity: 'critical',
  techniques: ['MS-TA9018'],
  description:
    'A pod or pod template is created, replaced or patched with a setting that reaches the node: a privileged container, an escape capability (SYS_ADMIN, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH, BPF, ALL, or SYS_PTRACE with hostPID), the container runtime socket mounted, or the host PID, IPC or network namespace. Of the pods one controller creates, only the first is reported; a patch is judged by what it sets.',
  rationale:
    "These settings take down the walls between a container and its node: whoever runs code in the pod can mount the host's disk, load kernel modules, drive the runtime or read host processes, and so take over the node and every pod on it. An attacker who may create pods writes exactly these to break out.",
  response:
    'Find who wrote the object and from where; compare it with what the team deploys (a CNI, CSI or monitoring agent is expected, a new privileged pod in an application namespace is not). Delete it if nobody vouches for it and inspect the node it ran on; enforce the baseline Pod Security Standard on the namespace.',
  fields: [
    'requestObject.spec (and spec.template.spec, spec.jobTemplate.spec.template.spec)',
    'containers[].securityContext.privileged',
    'containers[].securityContext.capabilities.add',
    'volumes[].hostPath.path',
    'hostPID',
    'hostIPC',
    'hostNetwork',
    'metadata.ownerReferences',
  ],
  level: 'Request',
  benign:
    'Node agents run this way on purpose: CNI plugins (Calico, Cilium), CSI node drivers, kube-proxy, log and monitoring agents, security sensors. They alert when their DaemonSet is written and for its first pod; review them once and expect them again on upgrades.',
  everyone: true,
  on: { verbs: ['create', 'update', 'patch'], resources: WORKLOAD_RESOURCES },
  initialState: () => new Recent(),
  detect(event, { state, alert }) {
    if (!applied(event)) return;
    const pod = writtenPodSpecIf(event, mayReachNode);
    if (!pod) return;
    const exposures = nodeLevelExposures(pod).filter((exposure) => exposure.setting !== 'host-path');
    // Not a way onto the node by itself, but the baseline Pod Security Standard forbids it for the host's IPC.
    if (pod.spec.hostIPC === true)
      exposures.push({
        setting: 'host-namespace',
        path: [...pod.path, 'hostIPC'],
        what: 'hostIPC',
        severity: 'medium',
      });
    if (!exposures.length || !firstOfController(state, event, pod.owner.object)) return;
    alert({
      severity: worst(exposures.map((exposure) => exposure.severity)),
      message: `${describeObject(pod.owner.object)} was ${wrote(event)} with ${exposures.map((exposure) => exposure.what).join('; ')}: it can reach the node`,
    });
  },
});
