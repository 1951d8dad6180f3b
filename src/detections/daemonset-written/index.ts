import { nodeLevelExposures, reachesNode } from '../../k8s/node-exposure.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget, imagesOf, touches, writtenPodSpec, wrote } from '../objects.js';

export default defineDetection({
  id: 'daemonset-written',
  title: 'DaemonSet created or its pod template changed',
  severity: 'medium',
  techniques: ['MS-TA9012'],
  description:
    'A DaemonSet is created, or replaced or patched in its pod template (a patch that changes only labels, annotations or the rollout strategy is left alone). High when the template reaches the node (privileged, escape capabilities, runtime socket, writable hostPath, host PID or network), unless that is only hostPaths and runtime sockets its containers provably reach as an unprivileged user (a non-root UID and groups, no DAC capabilities, no privilege escalation).',
  rationale:
    'A DaemonSet puts a copy of its pod on every node, new nodes included, and the controller recreates it whenever it is deleted: a backdoor container planted this way persists across the whole cluster. With node-level settings it is a foothold on every node at once.',
  response:
    'Check that the DaemonSet belongs to a known agent (CNI, CSI, logging, monitoring) and that the change matches a scheduled upgrade: compare its images with the previous revision (`kubectl rollout history ds/NAME`). Delete it and inspect the nodes if nobody vouches for it.',
  fields: ['verb', 'objectRef.resource', 'requestObject.spec.template.spec', 'responseObject.spec.template.spec'],
  level: 'Request',
  benign:
    'Installing or upgrading node agents (CNI, CSI drivers, log shippers, monitoring, security sensors) by hand, Helm or a GitOps tool. Service accounts of deployment tools that do this routinely may be allow-listed in `audit.allow.users`.',
  on: { verbs: ['create', 'update', 'patch'], resources: ['daemonsets'] },
  detect(event, { alert }) {
    if (!applied(event) || !touches(event, ['spec', 'template', 'spec'])) return;
    const pod = writtenPodSpec(event, 'result');
    const exposures = pod ? nodeLevelExposures(pod) : [];
    const runs = pod ? ` running ${imagesOf(pod)}` : '';
    alert({
      severity: reachesNode(exposures) ? 'high' : 'medium',
      message: `${describeTarget(event)} was ${wrote(event)}${runs}: its pod runs on every node${exposures.length ? `, with ${exposures.map((exposure) => exposure.what).join('; ')}` : ''}`,
    });
  },
});
