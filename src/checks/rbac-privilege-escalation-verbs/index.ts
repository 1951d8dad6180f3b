import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-privilege-escalation-verbs',
  title: 'RBAC: privilege escalation verbs',
  description:
    'A subject may `escalate` or `bind` roles, create or change role bindings, or `impersonate` users, groups or service accounts.',
  rationale:
    'Kubernetes stops users from granting permissions they do not hold, except to those with `escalate` or `bind`. Whoever can impersonate becomes anyone (`--as-group system:masters` is cluster-admin), and whoever can write bindings hands their own rights to any identity, a persistent foothold that survives the loss of the first.',
  remediation:
    'Remove `escalate`, `bind` and `impersonate` from roles of everyday users and workloads, and keep write access to (Cluster)RoleBindings to cluster administrators; restrict what remains with `resourceNames`.',
});
