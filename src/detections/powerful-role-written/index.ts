import { permissionsIn, worst } from '../../rbac/risky.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget, writtenObject, wrote } from '../objects.js';
import { describePower, rulesOf, scopeOf } from '../roles.js';

/** A rule written with `*` for verbs, resources or API groups: it grants whatever exists now or is added later. */
const WILDCARD = (values: readonly string[]) => values.includes('*');

export default defineDetection({
  id: 'powerful-role-written',
  title: 'Role granting takeover or wildcard permissions written',
  severity: 'critical',
  techniques: ['MS-TA9019'],
  description:
    "A Role or ClusterRole is created, replaced or patched with rules that amount to a takeover (every verb on every resource, `escalate` or `bind` on roles, impersonating users or groups, approving certificate requests), or with wildcard rules (`*` verbs, resources or groups) that hand out a risky permission (reading secrets, creating pods, exec, …). Permissions are judged by the RBAC checks' table, at the scope the role can be bound.",
  rationale:
    'Writing a powerful role is the first half of granting oneself cluster-admin: once bound, it hands the holder every secret and every node. Wildcards are how such roles hide: `resources: ["*"]` with `get` reads every Secret, `verbs: ["*"]` on pods includes exec.',
  response:
    "Read the role's rules and find who wrote it and what is bound to it (`kubectl get rolebindings,clusterrolebindings -A -o wide | grep NAME`); narrow it to the resources and verbs needed, or delete it.",
  fields: ['verb', 'objectRef.resource', 'requestObject.rules', 'responseObject.rules'],
  level: 'Request',
  benign:
    "Operators and Helm charts that install an all-powerful ClusterRole for their controller (often with `*`), and administrators' break-glass roles. Aggregated ClusterRoles (with `aggregationRule`) are judged by their own rules only; the controller fills in the rest.",
  on: { verbs: ['create', 'update', 'patch'], resources: ['roles', 'clusterroles'] },
  detect(event, { alert }) {
    if (!applied(event)) return;
    const role = writtenObject(event);
    if (!role) return;
    const rules = rulesOf(role);
    const scope = scopeOf(
      event.objectRef?.resource === 'clusterroles' ? 'ClusterRole' : 'Role',
      event.objectRef?.namespace,
    );
    const takeover = permissionsIn(rules, scope).filter(({ permission }) => permission.takeover);
    const wildcards = rules.filter(
      (rule) => WILDCARD(rule.verbs) || WILDCARD(rule.resources) || WILDCARD(rule.apiGroups),
    );
    const byWildcard = permissionsIn(wildcards, scope).filter(
      ({ permission }) => !takeover.some((held) => held.permission === permission),
    );
    const found = [...takeover, ...byWildcard];
    if (!found.length) return;
    alert({
      severity: worst(found.map((held) => held.severity)),
      message: `${describeTarget(event)} was ${wrote(event)} with rules that ${takeover.length ? 'amount to a takeover' : 'use wildcards'}: whoever it is bound to can ${describePower(found)}`,
    });
  },
});
