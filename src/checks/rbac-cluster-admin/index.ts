import { formatScopes, formatSubject, listSome } from '../../rbac/format.js';
import { rbacOf } from '../../rbac/model.js';
import { isExpected } from '../../rbac/subjects.js';
import { defineRbacCheck, EXPECTED } from '../rbac-findings.js';

export default defineRbacCheck(
  {
    id: 'rbac-cluster-admin',
    title: 'RBAC: cluster-admin or full wildcard',
    description:
      'A subject holds `*` verbs on `*` resources of `*` API groups (as `cluster-admin` grants), or a binding binds `cluster-admin`.',
    rationale:
      'Full wildcard access is every technique of the matrix at once: whoever holds it, or steals a token that does, owns the cluster and every workload and secret in it.',
    remediation:
      'Bind `cluster-admin` to no workload and to no everyday user; give operators a ClusterRole listing the resources and verbs they use, and people `admin`/`edit` in their namespaces.',
  },
  ({ inventory, report }) => {
    // A binding of cluster-admin is reported on the binding too, for reviews of that file alone.
    for (const binding of rbacOf(inventory).bindings) {
      if (binding.origin !== 'input' || !binding.resource) continue;
      if (binding.roleRef.kind !== 'ClusterRole' || binding.roleRef.name !== 'cluster-admin') continue;
      const subjects = binding.subjects.map((entry) => formatSubject(entry.subject));
      const expected = binding.subjects.every((entry) => isExpected(binding, entry.subject));
      const scope = formatScopes([binding.scope]);
      report({
        resource: binding.resource,
        path: ['roleRef', 'name'],
        severity: expected ? 'info' : binding.kind === 'ClusterRoleBinding' ? 'critical' : 'high',
        message: `${expected ? EXPECTED : ''}binds cluster-admin ${scope} to ${subjects.length ? listSome(subjects) : 'no subject'}`,
      });
    }
  },
);
