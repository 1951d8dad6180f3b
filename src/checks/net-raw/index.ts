import type { FieldPath } from '../../inputs/path.js';
import type { ContainerView, PodSpecView } from '../../inventory/index.js';
import { capabilities } from '../../inventory/pods.js';
import { privileged, unprivilegedUser } from '../../k8s/identity.js';
import { defineCheck } from '../define.js';

interface NetRaw {
  readonly path: FieldPath;
  readonly why: string;
  /** Only the runtime's default set grants it, off the host network: a hardening gap rather than an exposure. */
  readonly kept?: true;
}

/** Where the container gets NET_RAW from, if it does. */
function netRaw(pod: PodSpecView, container: ContainerView): NetRaw | undefined {
  const privilege = privileged(container);
  // The runtime gives a privileged container every capability and ignores `capabilities.drop`.
  if (privilege) return { path: privilege.path, why: 'is privileged, which grants NET_RAW' };
  const added = capabilities(container, 'add');
  const add = added.get('NET_RAW') ?? added.get('ALL');
  if (add) return { path: add, why: 'adds NET_RAW' };
  const dropped = capabilities(container, 'drop');
  if (dropped.has('NET_RAW') || dropped.has('ALL')) return undefined;
  const path = [...container.path, 'securityContext', 'capabilities', 'drop'];
  // NET_RAW is in the runtimes' default set; on the node's network it reaches the node's interfaces.
  if (pod.spec.hostNetwork === true) return { path, why: 'does not drop NET_RAW on the host network' };
  // A non-root process holds none of the default set, and no_new_privs keeps ping's file capability from adding it.
  if (unprivilegedUser(pod, container)) return undefined;
  return {
    path,
    why: "keeps the runtime's default NET_RAW (not dropped): as root it can forge packets, ARP replies and spoofed addresses included, which weakens MS-TA9036",
    kept: true,
  };
}

export default defineCheck({
  id: 'net-raw',
  title: 'NET_RAW capability',
  severity: 'medium',
  exposes: ['MS-TA9036'],
  missing: ['MS-M9013'],
  description:
    "A container adds NET_RAW (or ALL, or is privileged), or keeps it in a `hostNetwork` pod by not dropping it. Elsewhere, a container keeping the runtime's default NET_RAW (dropping neither NET_RAW nor ALL) is a `low` hardening gap that weakens MS-TA9036, unless it provably runs as an unprivileged user (a non-root UID and groups, no privilege escalation), which holds no default capability.",
  rationale:
    "NET_RAW lets a container forge packets: ARP replies and spoofed source addresses that redirect other pods' traffic, or DNS answers, to the attacker. On the host network it works on the node's own interfaces.",
  remediation:
    'Drop ALL (or at least NET_RAW) in `securityContext.capabilities.drop` and do not add it back; ping works without it through unprivileged ICMP sockets.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      const hostNetwork = pod.spec.hostNetwork === true;
      for (const container of pod.containers) {
        const held = netRaw(pod, container);
        if (!held) continue;
        report({
          resource: pod.owner,
          path: held.path,
          ...(held.kept
            ? { severity: 'low', techniques: [], message: `container '${container.spec.name}' ${held.why}` }
            : {
                severity: hostNetwork ? 'high' : 'medium',
                mitigations: [],
                message: `container '${container.spec.name}' ${held.why}: it can forge packets${hostNetwork ? " on the node's network" : ''}`,
              }),
        });
      }
    }
  },
});
