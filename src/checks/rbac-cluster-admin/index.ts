import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-cluster-admin',
  title: 'RBAC: cluster-admin power',
  description:
    'A subject holds cluster-admin power cluster-wide: `*` verbs on `*` resources of `*` API groups (as `cluster-admin` grants), or a way to give itself that (escalate or bind roles, impersonate users or groups, approve client certificates). One finding per subject names every technique it opens; the other RBAC checks leave such subjects to this one.',
  rationale:
    'Full access is every technique of the matrix at once: whoever holds it, or steals a token that does, owns the cluster and every workload and secret in it. Escalate, bind, impersonation and certificate approval are the same power one step removed.',
  remediation:
    'Bind `cluster-admin` to no workload and to no everyday user; give operators a ClusterRole listing the resources and verbs they use, and people `admin`/`edit` in their namespaces. Grant escalate, bind, impersonate and CSR approval to no one outside the control plane.',
});
