import { formatScopes, formatSubject, listSome } from '../../rbac/format.js';
import { rbacOf } from '../../rbac/model.js';
import { RISKY_PERMISSIONS, severityAt } from '../../rbac/risky.js';
import { isExpected } from '../../rbac/subjects.js';
import { defineRbacCheck, EXPECTED } from '../rbac-findings.js';

const ID = 'rbac-cluster-admin';
/** The table's full-wildcard row: a binding of cluster-admin is as severe as what it hands its subjects. */
const FULL_WILDCARD = RISKY_PERMISSIONS.find((permission) => permission.check === ID);
if (!FULL_WILDCARD) throw new Error(`no risky permission is reported by '${ID}'`);

export default defineRbacCheck(
  {
    id: ID,
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
        severity: expected ? 'info' : severityAt(FULL_WILDCARD, binding.scope),
        message: `${expected ? EXPECTED : ''}binds cluster-admin ${scope} to ${subjects.length ? listSome(subjects) : 'no subject'}`,
      });
    }
  },
);
