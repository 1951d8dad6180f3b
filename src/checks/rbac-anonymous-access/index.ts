import type { Resource } from '../../inventory/index.js';
import type { Severity } from '../../model/report.js';
import { formatBinding, formatRole, formatSubject, listSome } from '../../rbac/format.js';
import { riskOf, worst } from '../../rbac/risky.js';
import {
  ANONYMOUS,
  AUTHENTICATED,
  isExpected,
  sameSubject,
  subjectResource,
  UNAUTHENTICATED,
} from '../../rbac/subjects.js';
import type { Subject } from '../../rbac/types.js';
import { defineCheck } from '../define.js';

const DISCOVERY = ['system:public-info-viewer', 'system:service-account-issuer-discovery'];

/** Who these subjects are, and the roles Kubernetes itself grants them. */
const EVERYONE: readonly { subject: Subject; who: string; allowed: readonly string[]; severity: Severity }[] = [
  {
    subject: { kind: 'User', namespace: null, name: ANONYMOUS },
    who: 'anyone who reaches the API server, without credentials',
    allowed: DISCOVERY,
    severity: 'high',
  },
  {
    subject: { kind: 'Group', namespace: null, name: UNAUTHENTICATED },
    who: 'anyone who reaches the API server, without credentials',
    allowed: DISCOVERY,
    severity: 'high',
  },
  {
    subject: { kind: 'Group', namespace: null, name: AUTHENTICATED },
    who: 'every user and every pod token of the cluster',
    allowed: [...DISCOVERY, 'system:basic-user', 'system:discovery'],
    severity: 'medium',
  },
];

export default defineCheck({
  id: 'rbac-anonymous-access',
  title: 'RBAC: permissions for anonymous or all authenticated users',
  severity: 'high',
  exposes: ['MS-TA9005', 'MS-TA9029'],
  missing: [],
  description:
    'A binding grants permissions to `system:anonymous` or `system:unauthenticated`, or to every authenticated user (`system:authenticated`) beyond the discovery roles Kubernetes grants them.',
  rationale:
    "Whatever anonymous users may do, anyone who reaches the API server may do without credentials; whatever `system:authenticated` may do, every pod's token may do, so a single compromised workload inherits it.",
  remediation:
    'Remove the binding, or bind the role to the specific users, groups or service accounts that need it. Disable anonymous authentication (`--anonymous-auth=false`) where health checks allow.',
  run({ inventory, report }) {
    const risk = riskOf(inventory);
    for (const { subject, who, allowed, severity } of EVERYONE) {
      const granted: { binding: Resource; index: number; text: string }[] = [];
      for (const binding of risk.rbac.bindingsTo(subject)) {
        const { role, resource } = binding;
        if (binding.origin !== 'input' || !resource || !role?.rules.length || allowed.includes(role.name)) continue;
        for (const entry of binding.subjects) {
          if (!sameSubject(entry.subject, subject) || isExpected(binding, entry.subject)) continue;
          granted.push({
            binding: resource,
            index: entry.index,
            text: `${formatRole(role)} (${formatBinding(binding)})`,
          });
        }
      }
      const [first] = granted;
      if (!first) continue;
      // What the grant opens decides how bad it is: anonymous `get` on pods is not anonymous secrets access.
      const held = risk
        .heldBy(subject)
        .filter((entry) => entry.grants.some((grant) => grant.binding.origin === 'input'));
      const risky = held.map((entry) => entry.permission.action);
      report({
        resource: subjectResource(subject, first.binding, first.index),
        severity: worst([severity, ...held.map((entry) => entry.severity)]) ?? severity,
        message: `${formatSubject(subject)} (${who}) is granted ${listSome(granted.map((grant) => grant.text))}${risky.length ? `: it can ${listSome(risky, 4)}` : ''}`,
      });
    }
  },
});
