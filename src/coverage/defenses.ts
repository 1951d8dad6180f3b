import type { Inventory, PodSpecView } from '../inventory/index.js';
import { tokenMount } from '../inventory/pods.js';
import { admissionPluginOn, auditBackend, componentsOf } from '../k8s/components.js';
import { policedWorkloads } from '../k8s/network-isolation.js';
import { METADATA_ENDPOINTS, networkPolicies } from '../k8s/network-policies.js';
import { SYSTEM_NAMESPACES } from '../k8s/pod-security.js';
import { admissionDefenses, type Control, type Defense, enforcedIn } from '../k8s/policy-engines.js';
import type { MitigationId } from '../matrix/types.js';

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
}

interface Scope {
  readonly inventory: Inventory;
  /** `in the input` or `in the cluster`. */
  readonly where: string;
  /** Non-system namespaces the input knows of. */
  readonly namespaces: readonly string[];
  /** Workloads outside the system namespaces. */
  readonly workloads: readonly PodSpecView[];
}

type Derive = (scope: Scope) => string[] | undefined;

const isSystem = (namespace: string) => SYSTEM_NAMESPACES.has(namespace);

/**
 * Every namespace has enforcing defenses covering every one of `controls`: the descriptions of those used.
 * `engines` narrows to some admission engines.
 */
function admissionCovers(
  scope: Scope,
  controls: readonly Control[],
  claim: string,
  engines?: readonly Defense['engine'][],
): string[] | undefined {
  if (!scope.namespaces.length) return undefined;
  const defenses = admissionDefenses(scope.inventory).defenses.filter(
    (defense) => !engines || engines.includes(defense.engine),
  );
  const used = new Set<string>();
  for (const namespace of scope.namespaces) {
    for (const control of controls) {
      const defense = defenses.find(
        (candidate) => candidate.controls.includes(control) && enforcedIn(candidate, namespace),
      );
      if (!defense) return undefined;
      used.add(defense.description);
    }
  }
  return [`${claim} in every non-system namespace ${scope.where} (${scope.namespaces.join(', ')})`, ...used];
}

/** The controls (CONTROL_MITIGATIONS maps both to MS-M9013) that stand for that mitigation: the matrix's own examples. */
const OVER_PERMISSIVE: readonly Control[] = ['privileged', 'host-path'];

/** The derivations, one per mitigation: the only place that decides what "observed in place" means. */
const derivations: Readonly<Partial<Record<MitigationId, Derive>>> = {
  // Pod Security admission labels, enforced at baseline or restricted (both reject privileged and hostPath pods).
  'MS-M9017': (scope) =>
    admissionCovers(scope, ['privileged'], 'Pod Security admission enforces baseline or restricted', [
      'pod-security-admission',
    ]),
  // Any engine that rejects privileged and hostPath pods: Kyverno, Gatekeeper, ValidatingAdmissionPolicy, or PSA.
  'MS-M9013': (scope) => admissionCovers(scope, OVER_PERMISSIVE, 'admission rejects privileged and hostPath pods'),
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
  const namespaces = [
    ...new Set([
      ...inventory.ofKind('Namespace').map((namespace) => namespace.ref.name),
      ...workloads.map((pod) => pod.namespace),
    ]),
  ].filter((namespace) => !isSystem(namespace));
  const scope: Scope = {
    inventory,
    where: inventory.complete ? 'in the cluster' : 'in the input',
    namespaces,
    workloads,
  };
  return derivableMitigations.flatMap((id) => {
    const evidence = derivations[id]?.(scope);
    return evidence ? [{ id, evidence }] : [];
  });
}
