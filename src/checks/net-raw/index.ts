import type { FieldPath } from '../../inputs/path.js';
import type { ContainerView } from '../../inventory/index.js';
import { capabilities } from '../../inventory/pods.js';
import { privileged } from '../../k8s/identity.js';
import { defineCheck } from '../define.js';

/** Where the container gets NET_RAW from; undefined if only the runtime default grants it, off the host network. */
function netRaw(container: ContainerView, hostNetwork: boolean): { path: FieldPath; why: string } | undefined {
  const privilege = privileged(container);
  // The runtime gives a privileged container every capability and ignores `capabilities.drop`.
  if (privilege) return { path: privilege.path, why: 'is privileged, which grants NET_RAW' };
  const added = capabilities(container, 'add');
  const add = added.get('NET_RAW') ?? added.get('ALL');
  if (add) return { path: add, why: 'adds NET_RAW' };
  const dropped = capabilities(container, 'drop');
  // NET_RAW is in the runtimes' default set; on the node's network it reaches the node's interfaces.
  if (hostNetwork && !dropped.has('NET_RAW') && !dropped.has('ALL')) {
    return {
      path: [...container.path, 'securityContext', 'capabilities', 'drop'],
      why: 'does not drop NET_RAW on the host network',
    };
  }
  return undefined;
}

export default defineCheck({
  id: 'net-raw',
  title: 'NET_RAW capability',
  severity: 'medium',
  exposes: ['MS-TA9036'],
  missing: [],
  description:
    'A container adds NET_RAW (or ALL, or is privileged), or keeps it in a `hostNetwork` pod by not dropping it.',
  rationale:
    "NET_RAW lets a container forge packets: ARP replies and spoofed source addresses that redirect other pods' traffic, or DNS answers, to the attacker. On the host network it works on the node's own interfaces.",
  remediation:
    'Drop ALL (or at least NET_RAW) in `securityContext.capabilities.drop` and do not add it back; ping works without it through unprivileged ICMP sockets.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      const hostNetwork = pod.spec.hostNetwork === true;
      for (const container of pod.containers) {
        const held = netRaw(container, hostNetwork);
        if (!held) continue;
        report({
          resource: pod.owner,
          path: held.path,
          severity: hostNetwork ? 'high' : 'medium',
          message: `container '${container.spec.name}' ${held.why}: it can forge packets${hostNetwork ? " on the node's network" : ''}`,
        });
      }
    }
  },
});
