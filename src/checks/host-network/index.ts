import { SYSTEM_NAMESPACES } from '../../inventory/pods.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'host-network',
  title: "Pod in the node's network namespace",
  severity: 'high',
  exposes: ['MS-TA9034', 'MS-TA9033', 'MS-TA9028'],
  missing: [],
  description: 'A pod sets `hostNetwork: true`.',
  rationale:
    "A pod on the node's network is not subject to NetworkPolicy and reaches what listens only on the node: the kubelet, other node-local daemons and the cloud metadata endpoint, past any hop limit or pod-level block meant to keep pods from the node's cloud identity. It can also sniff the node's traffic and bind its ports.",
  remediation:
    'Remove `hostNetwork: true`; expose ports through a Service (NodePort or LoadBalancer) instead. Keep it only for node agents such as CNI plugins, in a system namespace.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      if (pod.spec.hostNetwork !== true) continue;
      // Node agents (CNI, kube-proxy) legitimately live there; elsewhere it is an application asking for the node.
      const system = SYSTEM_NAMESPACES.has(pod.namespace);
      report({
        resource: pod.owner,
        path: [...pod.path, 'hostNetwork'],
        severity: system ? 'medium' : 'high',
        message:
          "the pod uses the node's network: NetworkPolicy does not apply, and node-local services and the cloud metadata API (with the node's own identity) are in reach",
      });
    }
  },
});
