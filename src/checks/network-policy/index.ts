import * as z from 'zod';
import type { PodSpecView } from '../../inventory/index.js';
import { evidenceAt } from '../../k8s/evidence.js';
import {
  inNamespace,
  namespaceFinding,
  podLabelsPath,
  policedWorkloads,
  workloadName,
} from '../../k8s/network-isolation.js';
import { type Direction, type NetworkPolicyIndex, networkPolicies } from '../../k8s/network-policies.js';
import type { TechniqueId } from '../../matrix/types.js';
import type { Evidence } from '../../model/report.js';
import { defineCheck } from '../define.js';

const Options = z.object({
  /** Also require a policy restricting the pods' egress; turn off where only ingress is segmented by design. */
  egress: z.boolean().default(true),
});

const UNRESTRICTED: Readonly<Record<Direction, string>> = {
  Ingress: 'any pod in the cluster can connect to them',
  Egress: 'they can connect to any pod and map the network',
};

// Open egress is what lets a foothold scan the network; open ingress is what lets it in.
const techniquesFor = (directions: readonly Direction[]): TechniqueId[] =>
  directions.includes('Egress') ? ['MS-TA9034', 'MS-TA9031'] : ['MS-TA9034'];

interface Gap {
  readonly direction: Direction;
  readonly text: string;
  readonly evidence?: Evidence;
}

/** How a pod is open in one direction: no policy isolates it, or one of those that do has a rule open to all. */
function gap(index: NetworkPolicyIndex, pod: PodSpecView, direction: Direction): Gap | undefined {
  const isolating = index.isolating(pod, direction);
  const way = direction.toLowerCase();
  if (!isolating.length) {
    return { direction, text: `no NetworkPolicy in the input restricts their ${way}: ${UNRESTRICTED[direction]}` };
  }
  for (const policy of isolating) {
    const rule = index.openRule(policy, direction);
    if (!rule) continue;
    const path = ['spec', way, rule.index];
    const name = `NetworkPolicy '${policy.resource.ref.name}' ${way}[${rule.index}]`;
    const text =
      direction === 'Ingress'
        ? `${name} admits every pod on every port: ${UNRESTRICTED.Ingress}`
        : `${name} allows every destination on every port: ${UNRESTRICTED.Egress}`;
    return { direction, text, evidence: evidenceAt('policy', policy.resource, path, `${name} is open to every pod`) };
  }
  return undefined;
}

export default defineCheck<z.infer<typeof Options>>({
  id: 'network-policy',
  title: 'Pods open to and from every pod',
  severity: 'low',
  exposes: ['MS-TA9034', 'MS-TA9031'],
  missing: ['MS-M9014'],
  description:
    "Pods no NetworkPolicy isolates for ingress, or for egress (unless `options.egress` is false), or isolated by a policy with a rule open to every pod on every port (no peers, or a namespaceSelector matching every namespace of the input with no podSelector). A namespace where no policy selects any workload is one finding, on its Namespace object when the input holds it, else on its first workload, with the workloads as evidence; otherwise each workload with a gap is a finding, with the policies concerned as evidence. hostNetwork pods are the host-network check's: NetworkPolicy does not apply to them. Egress to the cloud metadata endpoint is the metadata-egress check's.",
  rationale:
    'Kubernetes networking is flat by default. Without an ingress policy any pod, in any namespace, reaches every port of these pods: databases, internal APIs and admin endpoints that trust in-cluster callers. Without an egress policy, an attacker who compromises these pods can reach everything else from them. Policies confine both to the flows the application needs.',
  remediation:
    'Add a default-deny NetworkPolicy to the namespace (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) and policies allowing the flows each workload needs (DNS included), on a CNI that enforces them.',
  options: Options,
  run({ inventory, options, report }) {
    const directions: Direction[] = options.egress ? ['Ingress', 'Egress'] : ['Ingress'];
    const index = networkPolicies(inventory);
    for (const [namespace, pods] of policedWorkloads(inventory)) {
      if (pods.every((pod) => index.selecting(pod).length === 0)) {
        const where = namespaceFinding(inventory, namespace, pods);
        const idle = index
          .inNamespace(namespace)
          .map((policy) =>
            evidenceAt(
              'policy',
              policy.resource,
              ['spec', 'podSelector'],
              `NetworkPolicy '${policy.resource.ref.name}' selects none of them`,
            ),
          );
        report({
          resource: where.resource,
          path: where.path,
          techniques: techniquesFor(directions),
          message: `no NetworkPolicy in the input selects any pod ${inNamespace(namespace)} (${where.workloads}): ${directions.map((direction) => UNRESTRICTED[direction]).join(', and ')}`,
          evidence: [...where.evidence, ...idle],
        });
        continue;
      }
      for (const pod of pods) {
        const gaps = directions.flatMap((direction) => gap(index, pod, direction) ?? []);
        if (!gaps.length) continue;
        report({
          resource: pod.owner,
          path: podLabelsPath(pod),
          techniques: techniquesFor(gaps.map((g) => g.direction)),
          message: `the pods of ${workloadName(pod)} ${inNamespace(pod.namespace)}: ${gaps.map((g) => g.text).join('; ')}`,
          evidence: [
            ...gaps.flatMap((g) => g.evidence ?? []),
            ...index.selecting(pod).map((policy) => {
              const types = [...policy.types];
              // A default deny is the namespace's baseline, not a policy about these pods: say which it is.
              const what = types.every((type) => index.defaultDeny(namespace, type) === policy)
                ? 'denies all'
                : 'selects them for';
              const text = `NetworkPolicy '${policy.resource.ref.name}' ${what} ${types.join(' and ').toLowerCase()}`;
              return evidenceAt('policy', policy.resource, ['spec', 'podSelector'], text);
            }),
          ],
        });
      }
    }
  },
});
