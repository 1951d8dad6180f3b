import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-coredns',
  title: 'RBAC: rewrite the CoreDNS configuration',
  description:
    'A subject may update or patch the `coredns` ConfigMap in kube-system (through any rule covering config maps there, or one naming it).',
  rationale:
    "CoreDNS answers every name lookup of the cluster: rewriting its Corefile sends traffic for any service or external host to the attacker's address.",
  remediation:
    'Grant write access to config maps in kube-system to cluster administrators only; no workload needs to edit the Corefile.',
});
