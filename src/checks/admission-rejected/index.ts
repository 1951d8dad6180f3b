import { ENGINES } from '../../admission/engines/index.js';
import {
  type AdmissionRequest,
  admissionRequest,
  describeRequest,
  outcomesOf,
  type PolicyOutcome,
  requestsFrom,
} from '../../admission/index.js';
import type { Inventory, Resource } from '../../inventory/index.js';
import { evidenceAt } from '../../k8s/evidence.js';
import type { Evidence, Severity } from '../../model/report.js';
import { defineCheck } from '../define.js';

/** How each outcome reads in the finding, and what it weighs: a deny fails the deployment, a warning does not. */
const OUTCOMES = [
  { outcome: 'deny', severity: 'high', says: 'would be rejected' },
  { outcome: 'warn', severity: 'medium', says: 'would be admitted with a warning' },
  { outcome: 'audit', severity: 'low', says: 'would be admitted and audited' },
  { outcome: 'unproven', severity: 'info', says: 'may be rejected, which was not evaluated' },
] as const satisfies readonly { outcome: PolicyOutcome['outcome']; severity: Severity; says: string }[];

/** Kinds that make admission policy, by API group: what `--policies` must hold some of to check anything. */
const ADMISSION_KINDS: Readonly<Record<string, readonly string[]>> = {
  'admissionregistration.k8s.io': ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'kyverno.io': ['ClusterPolicy', 'Policy'],
  'policies.kyverno.io': ['ValidatingPolicy', 'NamespacedValidatingPolicy'],
  'templates.gatekeeper.sh': ['ConstraintTemplate'],
  '': ['Namespace'],
  'apiserver.config.k8s.io': ['AdmissionConfiguration'],
};

/** Whether an object is admission policy of some engine: a policy, a constraint, a Namespace (its PSA labels), … */
export function isAdmissionObject(object: Readonly<Record<string, unknown>>): boolean {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  if (group === 'constraints.gatekeeper.sh') return true;
  return (ADMISSION_KINDS[group] ?? []).includes(String(object.kind));
}

export default defineCheck({
  id: 'admission-rejected',
  title: "Object the cluster's admission policies would refuse",
  severity: 'high',
  exposes: [],
  missing: ['MS-M9013'],
  needsPolicies: true,
  description:
    "An object of the input that the cluster's admission policies, given with `scan --policies`, would reject, warn about or audit if it were applied now: what a deployment would meet, learnt at pull-request time.",
  rationale:
    'A guard rail found at deploy time fails a release, or, as a warning nobody reads, lets a workload weaker than the platform team intended through; the pull request is where it is cheap to fix.',
  remediation:
    "Change the object as the policy's message says, or agree an exemption with the policy's owners; objects that could not be evaluated name what was missing from --policies (a Namespace, a params object).",
  run({ inventory, policies, report }) {
    if (!policies) return;
    const engines = enginesFor(policies, inventory);
    for (const resource of inventory.resources) {
      const request = admissionRequest(resource.object, resource.ref.namespace ?? null);
      const outcomes = clusterOutcomes(request, policies, inventory, engines);
      const parts = OUTCOMES.map((entry) => ({
        ...entry,
        found: outcomes.filter((o) => o.outcome.outcome === entry.outcome),
      }));
      const worst = parts.find((part) => part.found.length);
      if (!worst) continue;
      const said = parts
        .filter((part) => part.found.length)
        .map(
          (part) =>
            `${part.says}: ${part.found.map(({ outcome, request: on }) => text(outcome, on, request)).join('; ')}`,
        );
      report({
        resource,
        severity: worst.severity,
        message: said.join('; and '),
        evidence: outcomes.flatMap(({ outcome }) => evidenceOf(outcome)),
      });
    }
  },
});

/**
 * Pod Security admission is built into every cluster, but its labels live on Namespaces: when --policies holds no
 * Namespace and no admission configuration, it is not judged (every pod would come back unproven), as documented.
 */
function enginesFor(policies: Inventory, inventory: Inventory) {
  const namespaces = policies.ofKind('Namespace').some((namespace) => !isInputs(namespace, inventory));
  const configured = policies.ofKind('AdmissionConfiguration').length > 0;
  return namespaces || configured ? ENGINES : ENGINES.filter((engine) => engine.id !== 'pod-security-admission');
}

interface Located {
  readonly outcome: PolicyOutcome;
  /** The request the outcome is about: the object's own, or its pods'. */
  readonly request: AdmissionRequest;
}

/**
 * The outcomes of the cluster's policies for the object and what its controllers would create from it, each
 * policy validation once. The input's own Namespaces (a pull request creating its namespace) are judged by
 * admission-drift, as the input's own policies are: not repeated here.
 */
function clusterOutcomes(
  request: AdmissionRequest,
  policies: Inventory,
  inventory: Inventory,
  engines: typeof ENGINES,
): Located[] {
  const seen = new Set<string>();
  const found: Located[] = [];
  for (const each of requestsFrom(request)) {
    for (const outcome of outcomesOf(each, policies, engines)) {
      if (outcome.outcome === 'pass' || isInputs(outcome.policy, inventory)) continue;
      const key = `${outcome.name}\u0000${outcome.outcome}\u0000${outcome.message ?? outcome.reason ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ outcome, request: each });
    }
  }
  return found;
}

function isInputs(policy: Resource, inventory: Inventory): boolean {
  if (policy.ref.kind !== 'Namespace') return false;
  const own = inventory.find('Namespace', null, policy.ref.name);
  return own !== undefined && own.file === policy.file;
}

function text(outcome: PolicyOutcome, on: AdmissionRequest, request: AdmissionRequest): string {
  const detail = outcome.outcome === 'unproven' ? outcome.reason : outcome.message;
  const what = on === request ? '' : ` on its ${describeRequest(on)}`;
  return `${detail ?? 'no message'} (${outcome.name}${what})`;
}

function evidenceOf(outcome: PolicyOutcome): Evidence[] {
  const detail = outcome.outcome === 'unproven' ? `not evaluated: ${outcome.reason}` : outcome.message;
  return [
    evidenceAt('policy', outcome.policy, outcome.path, `${outcome.name}${detail ? `: ${detail}` : ''}`),
    ...(outcome.related ?? []).map((related) =>
      evidenceAt('policy', related, [], `${related.ref.kind} ${related.ref.name}, part of ${outcome.name}`),
    ),
  ];
}
