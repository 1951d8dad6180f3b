import type { PodSpecView } from '../../inventory/index.js';
import { evidenceAt } from '../../k8s/evidence.js';
import {
  inNamespace,
  namespaceFinding,
  podLabelsPath,
  policedWorkloads,
  workloadName,
} from '../../k8s/network-isolation.js';
import {
  METADATA_ENDPOINTS,
  type NetworkPolicyIndex,
  networkPolicies,
  type PolicyRule,
} from '../../k8s/network-policies.js';
import type { Evidence } from '../../model/report.js';
import { defineCheck } from '../define.js';

const REACH = "the cloud instance-metadata API, and through it the node's cloud credentials unless the nodes block it";

/** What lets the pod reach an endpoint: no egress isolation at all, or the rules that allow it. */
function reach(index: NetworkPolicyIndex, pod: PodSpecView) {
  const verdicts = METADATA_ENDPOINTS.map(({ address }) => index.egressTo(pod, address));
  const reached = METADATA_ENDPOINTS.filter((_, i) => verdicts[i]?.allowed).map((endpoint) => endpoint.text);
  const rules: PolicyRule[] = [];
  for (const rule of verdicts.flatMap((verdict) => verdict.allowedBy)) {
    if (!rules.some((known) => known.policy === rule.policy && known.index === rule.index)) rules.push(rule);
  }
  return { reached, isolated: verdicts.some((verdict) => verdict.isolating.length > 0), rules };
}

export default defineCheck({
  id: 'metadata-egress',
  title: 'Pods can reach the cloud metadata API',
  severity: 'medium',
  exposes: ['MS-TA9033', 'MS-TA9028'],
  missing: ['MS-M9018'],
  description:
    'No NetworkPolicy in the input keeps the pods from connecting to the instance-metadata endpoint (169.254.169.254, and fd00:ec2::254 on AWS IPv6) on port 80: no policy isolates their egress, or an egress rule allows it (no peers, or an ipBlock holding the address and not excepting it, on a port range including 80/TCP). A namespace where no policy isolates the egress of any workload is one finding, on its Namespace object when the input holds it, else on its first workload, with the workloads as evidence; otherwise each workload that reaches it is a finding, with the rules that let it through as evidence. hostNetwork pods always reach it; the host-network check reports them.',
  rationale:
    "The metadata endpoint describes the node and its cloud account, and on most clouds hands out the node's own identity tokens: a compromised pod that reaches it acts in the cloud as the node (often able to pull every image, read storage or attach disks), and learns the account, network and startup data to plan the next step.",
  remediation:
    "Add an egress NetworkPolicy that allows what the pods need and excludes the endpoint (`ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}`), and block it on the nodes as well: IMDSv2 with a hop limit of 1 on AWS, the GKE metadata server, or Azure's workload identity with the IMDS blocked. Give pods that need cloud access a workload identity instead of the node's.",
  run({ inventory, report }) {
    const index = networkPolicies(inventory);
    for (const [namespace, pods] of policedWorkloads(inventory)) {
      const reaches = pods.map((pod) => ({ pod, ...reach(index, pod) }));
      if (reaches.every((entry) => !entry.isolated)) {
        const where = namespaceFinding(inventory, namespace, pods);
        report({
          resource: where.resource,
          path: where.path,
          message: `no NetworkPolicy in the input restricts egress from any pod ${inNamespace(namespace)} (${where.workloads}): they reach ${METADATA_ENDPOINTS.map((endpoint) => endpoint.text).join(' and ')}, ${REACH}`,
          evidence: where.evidence,
        });
        continue;
      }
      for (const { pod, reached, isolated, rules } of reaches) {
        if (!reached.length) continue;
        const evidence: Evidence[] = rules.map(({ policy, index: rule }) =>
          evidenceAt(
            'rule',
            policy.resource,
            ['spec', 'egress', rule],
            `NetworkPolicy '${policy.resource.ref.name}' egress[${rule}] allows it`,
          ),
        );
        const why = isolated
          ? `egress rules let them reach ${reached.join(' and ')}`
          : `no NetworkPolicy in the input restricts their egress: they reach ${reached.join(' and ')}`;
        report({
          resource: pod.owner,
          path: podLabelsPath(pod),
          message: `the pods of ${workloadName(pod)} ${inNamespace(pod.namespace)}: ${why}, ${REACH}`,
          evidence,
        });
      }
    }
  },
});
