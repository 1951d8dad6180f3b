import { evidenceAt } from '../../k8s/evidence.js';
import { admissionDefenses, CONTROL_MITIGATIONS, type Defense } from '../../k8s/policy-engines.js';
import { getMitigation } from '../../matrix/index.js';
import { defineCheck } from '../define.js';

function scopeText({ scope }: Defense): string {
  const where = scope.namespaces
    ? `in namespace${scope.namespaces.length > 1 ? 's' : ''} ${scope.namespaces.join(', ')}`
    : 'in every namespace';
  const except = scope.excludedNamespaces ? ` except ${scope.excludedNamespaces.join(', ')}` : '';
  return `${where}${except}${scope.selectors ? ', narrowed by label selectors' : ''}`;
}

function mitigationsOf(defense: Defense) {
  return [...new Set(defense.controls.map((control) => CONTROL_MITIGATIONS[control]))];
}

export default defineCheck({
  id: 'admission-policies',
  title: 'Admission policy engine defenses',
  severity: 'info',
  exposes: [],
  // Reported missing only when a policy that would provide them merely audits.
  missing: ['MS-M9013', 'MS-M9011', 'MS-M9005.003'],
  description:
    'Kyverno policies, Gatekeeper constraints and ValidatingAdmissionPolicies in the input that block risky pod settings or unapproved images: listed as defenses present (info), and reported when they only audit.',
  rationale:
    'A policy engine that rejects privileged pods, host mounts and namespaces, added capabilities or images from unknown registries stops most container-escape and backdoor techniques at admission, whoever holds RBAC to create pods. In audit mode it only records them: the defense is written but not in force.',
  remediation:
    'Switch audit-only policies to enforcement (Kyverno `failureAction: Enforce`, Gatekeeper `enforcementAction: deny`, a binding with `validationActions: [Deny]`) once their audit results are clean.',
  run({ inventory, report, error }) {
    const { defenses, problems } = admissionDefenses(inventory);
    for (const problem of problems) error(problem.resource, problem.path, problem.message);
    for (const defense of defenses) {
      // Namespaces' Pod Security labels are the pod-security-admission check's.
      if (defense.engine === 'pod-security-admission') continue;
      const mitigations = mitigationsOf(defense);
      const provides = mitigations.map((id) => `${id} ${getMitigation(id)?.name ?? ''}`.trim()).join(', ');
      const blocks = `${defense.controls.join(', ')} ${scopeText(defense)}`;
      const evidence = defense.related.map((related) =>
        evidenceAt(
          'policy',
          related,
          [],
          `${related.ref.kind} ${related.ref.name} ${related.ref.kind.endsWith('Binding') ? 'puts the policy in force' : 'defines the constraint'}`,
        ),
      );
      if (defense.mode === 'enforce') {
        report({
          resource: defense.resource,
          path: defense.path,
          mitigations: [],
          message: `defense present: ${defense.description} blocks ${blocks} (${provides})`,
          evidence,
        });
      } else {
        report({
          resource: defense.resource,
          path: defense.path,
          severity: 'low',
          mitigations,
          message: `${defense.description} only audits ${blocks}: enforced, it would provide ${provides}`,
          evidence,
        });
      }
    }
  },
});
