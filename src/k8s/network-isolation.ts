import type { FieldPath } from '../inputs/path.js';
import type { Inventory, PodSpecView, Resource } from '../inventory/index.js';
import type { Evidence } from '../model/report.js';
import { listSome } from '../rbac/format.js';
import { evidenceAt } from './evidence.js';

/**
 * Workloads NetworkPolicy applies to, by namespace, in input order. hostNetwork pods are left out: no pod-level
 * policy reaches them, and the host-network check reports what they reach.
 */
export function policedWorkloads(inventory: Inventory): Map<string, PodSpecView[]> {
  const byNamespace = new Map<string, PodSpecView[]>();
  for (const pod of inventory.podSpecs) {
    if (pod.spec.hostNetwork === true) continue;
    const list = byNamespace.get(pod.namespace);
    if (list) list.push(pod);
    else byNamespace.set(pod.namespace, [pod]);
  }
  return byNamespace;
}

/** The labels the pods carry, which policy selectors match: where a missing policy's finding points. */
export function podLabelsPath(pod: PodSpecView): FieldPath {
  return [...(pod.owner.ref.kind === 'Pod' ? [] : pod.path.slice(0, -1)), 'metadata', 'labels'];
}

export function workloadName(pod: PodSpecView): string {
  return `${pod.owner.ref.kind} '${pod.owner.ref.name}'`;
}

export function inNamespace(namespace: string): string {
  return `in namespace '${namespace}'`;
}

/**
 * A fact about a whole namespace is said once: on its Namespace object when the input holds it, else on its first
 * workload; every workload it concerns is evidence.
 */
export function namespaceFinding(
  inventory: Inventory,
  namespace: string,
  pods: readonly PodSpecView[],
): { resource: Resource; path: FieldPath; workloads: string; evidence: Evidence[] } {
  const object = inventory.find('Namespace', null, namespace);
  const [first] = pods as [PodSpecView];
  return {
    resource: object ?? first.owner,
    path: object ? ['metadata', 'name'] : podLabelsPath(first),
    workloads: listSome(pods.map(workloadName)),
    evidence: pods.map((pod) => evidenceAt('workload', pod.owner, podLabelsPath(pod), workloadName(pod))),
  };
}
