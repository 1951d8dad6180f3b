import { SYSTEM_NAMESPACES } from '../../inventory/pods.js';
import { OUT_OF_REACH_SEVERITY } from '../../k8s/identity.js';
import { nodeLevelExposures, reachesNode } from '../../k8s/node-exposure.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'daemonset-node-access',
  title: 'DaemonSet with node access',
  severity: 'high',
  exposes: ['MS-TA9012'],
  missing: [],
  description:
    'A DaemonSet outside the system namespaces runs a pod with node-level access: privileged, an escape capability, a writable hostPath, the runtime socket, hostNetwork or hostPID. It is `low` when its only access is hostPaths and runtime sockets its containers provably reach as an unprivileged user (a non-root UID and groups, no DAC capabilities, no privilege escalation).',
  rationale:
    'A DaemonSet puts its pod on every node, and the controller recreates it when deleted. With node-level access it is exactly the shape of a backdoor container: whoever controls its image or spec owns every node of the cluster at once.',
  remediation:
    'Confirm the DaemonSet is a known node agent, and move it to a dedicated namespace with restricted RBAC and an admission policy for its image; otherwise remove the node-level access from its pod template.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      const { owner } = pod;
      if (owner.ref.kind !== 'DaemonSet' || SYSTEM_NAMESPACES.has(pod.namespace)) continue;
      const exposures = nodeLevelExposures(pod);
      const [first] = exposures;
      if (!first) continue;
      report({
        resource: owner,
        path: first.path,
        ...(reachesNode(exposures) ? {} : { severity: OUT_OF_REACH_SEVERITY }),
        message: `the DaemonSet runs on every node with ${exposures.map((exposure) => exposure.what).join('; ')}`,
      });
    }
  },
});
