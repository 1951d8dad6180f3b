import { CONTROL_NAMES, type Control } from '../admission/probes.js';
import {
  type ClusterControl,
  namespaceName,
  outcomeLabel,
  type ProbeResult,
  type ProbeVerdict,
  simulate,
} from '../admission/simulate.js';
import type { EngineId } from '../admission/types.js';
import type { Inventory, PodSpecView } from '../inventory/index.js';
import { tokenMount } from '../inventory/pods.js';
import { admissionPluginOn, auditBackend, componentsOf } from '../k8s/components.js';
import { policedWorkloads } from '../k8s/network-isolation.js';
import { METADATA_ENDPOINTS, networkPolicies } from '../k8s/network-policies.js';
import { SYSTEM_NAMESPACES } from '../k8s/pod-security.js';
import type { MitigationId } from '../matrix/types.js';
import type { SimulatedProbe } from '../model/report.js';

/**
 * Mitigations observed in place: each derivation says whether the input shows the mitigation everywhere it
 * matters, and on what it rests. "Everywhere" is every non-system namespace (or workload, or API server) the input
 * holds, and at least one of them: a defense that protects nothing in the input is not evidence. Files are a sample of a cluster: what they
 * show is said to hold "in the input"; a cluster's listing is complete ("in the cluster").
 * Coverage drops any of these that a finding reports missing (a finding is more specific than a derivation).
 */
export interface ObservedMitigation {
  readonly id: MitigationId;
  /** In our words: the defenses it rests on, first the claim, then each piece. */
  readonly evidence: readonly string[];
  /** `simulated`: admission proven with probes, listed in `probes`. */
  readonly by?: 'simulated';
  readonly probes?: readonly SimulatedProbe[];
  /** Not proven either way: a policy may block it and could not be evaluated. Never counted as present. */
  readonly unproven?: true;
}

interface Scope {
  readonly inventory: Inventory;
  /** `in the input` or `in the cluster`. */
  readonly where: string;
  /** Workloads outside the system namespaces. */
  readonly workloads: readonly PodSpecView[];
}

type Derive = (scope: Scope) => string[] | Omit<ObservedMitigation, 'id'> | undefined;

const isSystem = (namespace: string) => SYSTEM_NAMESPACES.has(namespace);

/**
 * Admission proven by simulation: every probe of each of `controls` is rejected in every namespace the input
 * declares or runs workloads in (and in a new one, where a subject may create namespaces). `engine` narrows the
 * proof to one admission engine's rejections. Undecidable probes make the mitigation `unproven`, never present.
 */
function simulated(
  scope: Scope,
  controls: readonly Control[],
  claim: string,
  engine?: EngineId,
): Omit<ObservedMitigation, 'id'> | undefined {
  const simulation = simulate(scope.inventory);
  const results = controls.map((control) => simulation.cluster(control));
  if (!results.length || results.some((result) => result === undefined)) return undefined;
  const probes: SimulatedProbe[] = [];
  const deciding = new Map<Control, Set<string>>();
  let admitted = false;
  let undecided: string | undefined;
  // Namespaces of one class share their probe results: each is read once.
  const read = new Map<ProbeResult, { verdict: ProbeVerdict; labels: string[]; key: string }>();
  const readOnce = (result: ProbeResult) => {
    let seen = read.get(result);
    if (!seen) {
      const { probe, verdict: found, by, reason } = result;
      // Narrowed to one engine, a probe rejected only by others is not this engine's proof.
      const ours = by.filter((outcome) => !engine || outcome.engine === engine);
      const verdict = found === 'rejected' && !ours.length ? 'admitted' : found;
      const labels = verdict === 'unproven' ? [reason] : ours.map(outcomeLabel);
      seen = { verdict, labels, key: JSON.stringify([probe.id, verdict, labels]) };
      read.set(result, seen);
    }
    return seen;
  };
  for (const result of results as ClusterControl[]) {
    const byProbe = new Map<string, SimulatedProbe>();
    for (const { namespace, probes: results } of result.namespaces) {
      for (const each of results) {
        const { verdict, labels, key } = readOnce(each);
        if (verdict === 'admitted') admitted = true;
        if (verdict === 'unproven') undecided ??= each.reason;
        if (verdict === 'rejected') {
          const used = deciding.get(result.control) ?? new Set();
          for (const label of labels) used.add(label);
          deciding.set(result.control, used);
        }
        const known = byProbe.get(key);
        if (known) known.namespaces.push(namespace);
        else {
          byProbe.set(key, {
            control: result.control,
            probe: each.probe.description,
            verdict,
            namespaces: [namespace],
            by: labels,
          });
        }
      }
    }
    probes.push(...byProbe.values());
  }
  const where = `every namespace ${scope.where} (${simulation.namespaces.map(namespaceName).join(', ')})`;
  if (admitted) return undefined;
  if (undecided !== undefined) {
    return { by: 'simulated', unproven: true, probes, evidence: [`not proven that ${claim} in ${where}`, undecided] };
  }
  return {
    by: 'simulated',
    probes,
    evidence: [
      `${claim} in ${where}: each of ${probes.length} probe${probes.length === 1 ? '' : 's'} rejected`,
      ...controls.map(
        (control) => `${CONTROL_NAMES[control]}: rejected by ${[...(deciding.get(control) ?? [])].join(', ')}`,
      ),
    ],
  };
}

/** The controls (both MS-M9013) that stand for that mitigation: the matrix's own examples. */
const OVER_PERMISSIVE: readonly Control[] = ['privileged', 'host-path'];

/** The derivations, one per mitigation: the only place that decides what "observed in place" means. */
const derivations: Readonly<Partial<Record<MitigationId, Derive>>> = {
  // Pod Security admission itself rejects privileged and hostPath pods (its baseline and restricted levels do).
  'MS-M9017': (scope) =>
    simulated(
      scope,
      OVER_PERMISSIVE,
      'Pod Security admission rejects privileged and hostPath pods',
      'pod-security-admission',
    ),
  // Any engine: Kyverno, Gatekeeper, ValidatingAdmissionPolicy or Pod Security admission.
  'MS-M9013': (scope) => simulated(scope, OVER_PERMISSIVE, 'admission rejects privileged and hostPath pods'),
  'MS-M9011': (scope) =>
    simulated(scope, ['seccomp', 'apparmor'], 'admission rejects pods with seccomp or AppArmor unconfined'),
  // Signatures need the registry: only the registry allow-list is simulated.
  'MS-M9005.003': (scope) =>
    simulated(scope, ['image-registries'], 'admission rejects images from registries the input does not run'),
  'MS-M9014': ({ inventory, where }) => {
    const index = networkPolicies(inventory);
    const namespaces = [...policedWorkloads(inventory).keys()].filter((namespace) => !isSystem(namespace));
    if (!namespaces.length) return undefined;
    const policies = namespaces.map((namespace) => index.defaultDeny(namespace, 'Ingress'));
    if (!policies.every((policy) => policy !== undefined)) return undefined;
    return [
      `a default-deny ingress NetworkPolicy in every namespace with workloads ${where}`,
      ...namespaces.map((namespace, i) => `NetworkPolicy ${policies[i]?.resource.ref.name} in ${namespace}`),
    ];
  },
  'MS-M9025': ({ inventory, where, workloads }) => {
    if (!workloads.length || workloads.some((pod) => tokenMount(pod, inventory).mounted)) return undefined;
    return [`automountServiceAccountToken is false for all ${workloads.length} workloads ${where}`];
  },
  'MS-M9029': ({ inventory, where, workloads }) => {
    const namespaces = [...new Set(workloads.map((pod) => pod.namespace))];
    const ranges = namespaces.map((namespace) => inventory.inNamespace('LimitRange', namespace)[0]);
    if (!namespaces.length || !ranges.every((range) => range !== undefined)) return undefined;
    return [
      `a LimitRange in every namespace with workloads ${where}`,
      ...namespaces.map((namespace, i) => `LimitRange ${ranges[i]?.ref.name} in ${namespace}`),
    ];
  },
  'MS-M9020': ({ inventory, where }) => {
    const servers = componentsOf(inventory, 'kube-apiserver');
    if (!servers.length || !servers.every(({ flags }) => flags.get('audit-policy-file') && auditBackend(flags))) {
      return undefined;
    }
    return [
      `every kube-apiserver ${where} has an audit policy and a backend`,
      ...servers.map(({ pod, flags }) => `${podName(pod)}: --audit-policy-file and --${auditBackend(flags)}`),
    ];
  },
  'MS-M9027': ({ inventory, where }) => {
    const servers = componentsOf(inventory, 'kube-apiserver');
    if (!servers.length || !servers.every(({ flags }) => admissionPluginOn(flags, 'NodeRestriction'))) return undefined;
    return [
      `every kube-apiserver ${where} runs the NodeRestriction admission plugin`,
      ...servers.map(({ pod }) => podName(pod)),
    ];
  },
  // hostNetwork pods are beyond NetworkPolicy: one of them is enough to leave the endpoint open.
  'MS-M9018': ({ inventory, where, workloads }) => {
    const index = networkPolicies(inventory);
    const blocked = (pod: PodSpecView) =>
      pod.spec.hostNetwork !== true && METADATA_ENDPOINTS.every(({ address }) => !index.egressTo(pod, address).allowed);
    if (!workloads.length || !workloads.every(blocked)) return undefined;
    return [
      `egress to ${METADATA_ENDPOINTS.map((endpoint) => endpoint.text).join(' and ')} is blocked by NetworkPolicy for all ${workloads.length} workloads ${where}`,
    ];
  },
};

/** Mitigations some derivation can observe in place: with those that checks report missing, the observable ones. */
export const derivableMitigations = Object.keys(derivations) as MitigationId[];

function podName(pod: PodSpecView): string {
  return `${pod.owner.ref.kind} ${pod.namespace}/${pod.owner.ref.name}`;
}

/** The mitigations the input shows in place everywhere they matter, with what they rest on. */
export function observedMitigations(inventory: Inventory): ObservedMitigation[] {
  const workloads = inventory.podSpecs.filter((pod) => !isSystem(pod.namespace));
  const scope: Scope = {
    inventory,
    where: inventory.complete ? 'in the cluster' : 'in the input',
    workloads,
  };
  return derivableMitigations.flatMap((id) => {
    const derived = derivations[id]?.(scope);
    if (!derived) return [];
    return Array.isArray(derived) ? [{ id, evidence: derived }] : [{ id, ...derived }];
  });
}
