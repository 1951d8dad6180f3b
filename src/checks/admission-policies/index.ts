import { CONTROL_MITIGATIONS, CONTROL_NAMES, type Control, PROBES } from '../../admission/probes.js';
import {
  namespaceName,
  type PlacedProbe,
  type PolicyControl,
  policyControls,
  simulate,
} from '../../admission/simulate.js';
import type { Resource } from '../../inventory/index.js';
import { evidenceAt } from '../../k8s/evidence.js';
import { getMitigation } from '../../matrix/index.js';
import type { MitigationId } from '../../matrix/types.js';
import { defineCheck } from '../define.js';

/** `in shop and a new namespace`. */
function namespacesOf(probes: readonly PlacedProbe[]): string {
  const names = [...new Set(probes.map((probe) => namespaceName(probe.namespace)))];
  return `in ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]}`;
}

const probesOf = (control: Control) => PROBES.filter((probe) => probe.control === control).length;

function provides(controls: readonly Control[]): { ids: MitigationId[]; text: string } {
  const ids = [...new Set(controls.map((control) => CONTROL_MITIGATIONS[control]))];
  return { ids, text: ids.map((id) => `${id} ${getMitigation(id)?.name ?? ''}`.trim()).join(', ') };
}

export default defineCheck({
  id: 'admission-policies',
  title: 'Admission policy engine defenses',
  severity: 'info',
  exposes: [],
  // Reported missing only when a policy that would provide them merely audits or warns.
  missing: ['MS-M9013', 'MS-M9011', 'MS-M9005.003'],
  description:
    'Kyverno policies, Gatekeeper constraints and ValidatingAdmissionPolicies in the input, judged by what they do to probe pods: listed as defenses present where they reject every probe of a control (info), reported when they only audit or warn, and shown as unproven when they cannot be evaluated.',
  rationale:
    'A policy engine that rejects privileged pods, host mounts and namespaces, added capabilities or images from unknown registries stops most container-escape and backdoor techniques at admission, whoever holds RBAC to create pods. In audit mode it only records them: the defense is written but not in force.',
  remediation:
    'Switch audit-only policies to enforcement (Kyverno `failureAction: Enforce`, Gatekeeper `enforcementAction: deny`, a binding with `validationActions: [Deny]`) once their audit results are clean.',
  run({ inventory, report }) {
    const simulation = simulate(inventory);
    // Pod Security admission alone is the pod-security-admission check's: the probes need not be walked.
    if (simulation.engines.every((engine) => engine === 'pod-security-admission')) return;
    const byPolicy = new Map<Resource, PolicyControl[]>();
    for (const entry of policyControls(simulation)) {
      // Namespaces' Pod Security labels are the pod-security-admission check's.
      if (entry.engine === 'pod-security-admission') continue;
      const view = byPolicy.get(entry.policy) ?? [];
      view.push(entry);
      byPolicy.set(entry.policy, view);
    }
    for (const [policy, entries] of byPolicy) {
      const [first] = entries;
      if (!first) continue;
      const evidence = first.related.map((related) =>
        evidenceAt(
          'policy',
          related,
          [],
          `${related.ref.kind} ${related.ref.name} ${related.ref.kind.endsWith('Binding') ? 'puts the policy in force' : 'defines the constraint'}`,
        ),
      );
      // Rejecting every probe of a control somewhere: a defense there (admission-gap reports what else gets past).
      const whole = entries.filter((entry) => {
        const perNamespace = new Map<string, number>();
        for (const { namespace } of entry.rejects) perNamespace.set(namespace, (perNamespace.get(namespace) ?? 0) + 1);
        return [...perNamespace.values()].some((count) => count === probesOf(entry.control));
      });
      if (whole.length) {
        const controls = whole.map((entry) => entry.control);
        const where = namespacesOf(whole.flatMap((entry) => entry.rejects));
        report({
          resource: policy,
          path: first.path,
          mitigations: [],
          message: `defense present: ${first.name} rejects every probe of ${controls.map((c) => CONTROL_NAMES[c]).join(', ')} ${where} (${provides(controls).text})`,
          evidence,
        });
      }
      const recorded = entries.filter((entry) => !entry.rejects.length && entry.notes.length);
      if (recorded.length) {
        const controls = recorded.map((entry) => entry.control);
        const { ids, text } = provides(controls);
        const only = recorded.flatMap((entry) => entry.notes);
        const how = only.every((note) => note.result.by.every((outcome) => outcome.outcome === 'warn'))
          ? 'only warns about'
          : 'only audits';
        report({
          resource: policy,
          path: first.path,
          severity: 'low',
          mitigations: ids,
          message: `${first.name} ${how} ${controls.map((c) => CONTROL_NAMES[c]).join(', ')} ${namespacesOf(only)}: enforced, it would provide ${text}`,
          evidence,
        });
      }
      const undecided = entries.flatMap((entry) => entry.undecided);
      const [example] = undecided;
      if (example) {
        report({
          resource: policy,
          path: first.path,
          mitigations: [],
          message: `unproven: ${first.name} may reject ${[...new Set(entries.filter((e) => e.undecided.length).map((e) => CONTROL_NAMES[e.control]))].join(', ')} but could not be evaluated: ${example.result.reason}`,
          evidence,
        });
      }
    }
  },
});
