import { CONTROL_MITIGATIONS, CONTROL_NAMES } from '../../admission/probes.js';
import { namespaceName, type PlacedProbe, policyControls, simulate } from '../../admission/simulate.js';
import { evidenceAt } from '../../k8s/evidence.js';
import { defineCheck } from '../define.js';

/** Shown per finding: the first few probes that get through, each with where. */
const SHOWN = 3;

/** `a privileged container in a second container of an unlabelled Pod (shop, a new namespace)`, once per probe. */
function throughText(through: readonly PlacedProbe[]): string {
  const byProbe = new Map<string, Set<string>>();
  for (const { namespace, result } of through) {
    const where = byProbe.get(result.probe.description) ?? new Set();
    where.add(namespaceName(namespace));
    byProbe.set(result.probe.description, where);
  }
  const shown = [...byProbe]
    .slice(0, SHOWN)
    .map(([probe, where]) => `${probe} is admitted in ${[...where].join(', ')}`);
  const more = byProbe.size - SHOWN;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more probe${more === 1 ? '' : 's'}` : ''}`;
}

export default defineCheck({
  id: 'admission-gap',
  title: 'Admission policy with a gap',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9013', 'MS-M9011', 'MS-M9005.003'],
  description:
    'An enforcing admission policy that rejects some probe pods violating a control and admits others: the violation in a second, init or ephemeral container, a labelled pod, a workload kind the policy does not match.',
  rationale:
    'A policy that blocks the obvious form of a setting (a privileged first container) and lets its variants through looks like a defense and is not: an attacker who can create pods adds the setting where the policy does not look.',
  remediation:
    'Make the policy cover every container list (containers, initContainers, ephemeralContainers), every pod whatever its labels, and the pod-creating workload kinds (or match Pods themselves); or enforce the Pod Security Standards, which do.',
  run({ inventory, report }) {
    const simulation = simulate(inventory);
    // A gap is in a policy that rejects some probes: where none may reject, the probes need not be walked.
    if (!simulation.mayReject) return;
    for (const entry of policyControls(simulation)) {
      if (!entry.rejects.length || !entry.through.length) continue;
      const rejected = new Set(entry.rejects.map(({ result }) => result.probe.id)).size;
      report({
        resource: entry.policy,
        path: entry.path,
        mitigations: [CONTROL_MITIGATIONS[entry.control]],
        message: `${entry.name} rejects ${rejected} probe${rejected === 1 ? '' : 's'} of ${CONTROL_NAMES[entry.control]} but not all: ${throughText(entry.through)}`,
        evidence: entry.related.map((related) =>
          evidenceAt('policy', related, [], `${related.ref.kind} ${related.ref.name} puts the policy in force`),
        ),
      });
    }
  },
});
