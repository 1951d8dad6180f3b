import { z } from 'zod';
import { asRecord, type Resource } from '../../inventory/index.js';
import { selects } from '../../k8s/selectors.js';
import { defineCheck } from '../define.js';

const Options = z.object({
  /** Also require a policy restricting the pods' egress; turn off where only ingress is segmented by design. */
  egress: z.boolean().default(true),
});

type Direction = 'Ingress' | 'Egress';

/**
 * The directions a policy restricts for the pods it selects. With `policyTypes` absent or empty the API server
 * defaults it to Ingress, plus Egress only when the policy has at least one egress rule: `egress: []` alone does
 * not make a policy an egress policy.
 */
function restricts(policy: Resource, direction: Direction): boolean {
  const { policyTypes, egress } = asRecord(policy.object.spec);
  if (Array.isArray(policyTypes) && policyTypes.length > 0) return policyTypes.includes(direction);
  return direction === 'Ingress' || (Array.isArray(egress) && egress.length > 0);
}

export default defineCheck<z.infer<typeof Options>>({
  id: 'network-policy',
  title: 'No NetworkPolicy selects the pods',
  severity: 'low',
  exposes: ['MS-TA9034', 'MS-TA9031', 'MS-TA9033'],
  missing: ['MS-M9014'],
  description:
    "No NetworkPolicy in a workload's namespace selects its pods for ingress, or for egress (unless `options.egress` is false), so their traffic in that direction is unrestricted.",
  rationale:
    'Kubernetes networking is flat by default. Without an ingress policy any pod, in any namespace, reaches every port of these pods: databases, internal APIs and admin endpoints that trust in-cluster callers. Without an egress policy, an attacker who compromises these pods can reach everything else from them. Policies confine both to the flows the application needs.',
  remediation:
    'Add a default-deny NetworkPolicy to the namespace (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) and policies allowing the flows each workload needs (DNS included), on a CNI that enforces them.',
  options: Options,
  run({ inventory, options, report }) {
    const directions: Direction[] = options.egress ? ['Ingress', 'Egress'] : ['Ingress'];
    for (const pod of inventory.podSpecs) {
      // hostNetwork pods are outside NetworkPolicy reach altogether; the host-network check covers them.
      if (pod.spec.hostNetwork === true) continue;
      const { namespace, kind, name } = pod.owner.ref;
      const policies = inventory.inNamespace('NetworkPolicy', namespace).filter((policy) =>
        // The API server reads a missing podSelector as `{}`, all pods.
        selects(asRecord(policy.object.spec).podSelector ?? {}, pod.podLabels),
      );
      const open = directions.filter((direction) => !policies.some((policy) => restricts(policy, direction)));
      if (open.length === 0) continue;
      const where = namespace ? `in namespace '${namespace}'` : 'in its namespace';
      const pods = `the pods of ${kind} '${name}'`;
      const consequences = open.map((direction) =>
        direction === 'Ingress'
          ? 'any pod in the cluster can connect to them'
          : 'they can connect to any pod, map the network, and reach the cloud metadata API (169.254.169.254) unless the nodes block it',
      );
      report({
        resource: pod.owner,
        // Open egress is what lets a foothold scan the network and query instance metadata.
        techniques: open.includes('Egress') ? ['MS-TA9034', 'MS-TA9031', 'MS-TA9033'] : ['MS-TA9034'],
        path: [...(kind === 'Pod' ? [] : pod.path.slice(0, -1)), 'metadata', 'labels'],
        message: `no NetworkPolicy ${where} restricts ${open.join(' or ').toLowerCase()} for ${pods}: ${consequences.join(', and ')}`,
      });
    }
  },
});
