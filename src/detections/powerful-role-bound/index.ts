import { asRecord } from '../../inventory/index.js';
import { severityRank } from '../../model/basics.js';
import { permissionsIn, worst } from '../../rbac/risky.js';
import type { PolicyRule } from '../../rbac/types.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget, Recent, writtenObject, wrote } from '../objects.js';
import { builtInClusterRole, describePower, roleKey, rulesOf, scopeOf } from '../roles.js';

/** Groups that take in everyone who reaches the API server, or everyone with any credential. */
const EVERYONE = new Set(['system:anonymous', 'system:unauthenticated', 'system:authenticated']);

export default defineDetection<Recent<readonly PolicyRule[]>>({
  id: 'powerful-role-bound',
  title: 'Powerful role bound',
  severity: 'critical',
  techniques: ['MS-TA9019'],
  description:
    "A ClusterRoleBinding or RoleBinding is created, replaced or patched to a role that hands out high or critical permissions at the binding's scope, by the RBAC checks' table: cluster-admin anywhere; admin or edit cluster-wide or in kube-system (they read every Secret and create pods there); a custom role whose rules were written earlier in the same log. Critical when a subject is everyone (`system:anonymous`, `system:unauthenticated`, `system:authenticated`).",
  rationale:
    'Binding cluster-admin (or a role as strong) to an account the attacker holds turns a foothold into the whole cluster, and it persists after the original way in is closed. `edit` bound in one namespace is routine; bound cluster-wide it reads every Secret of every namespace, service-account tokens included.',
  response:
    "Check the binding's subjects and who created it; remove it unless it is an intended, documented grant, and review what the subjects did since (their requests in the audit log).",
  fields: [
    'verb',
    'objectRef.resource',
    'requestObject.roleRef',
    'requestObject.subjects',
    'requestObject.rules (earlier role writes)',
  ],
  level: 'Request',
  benign:
    'Installing operators that bind their controller to cluster-admin, and administrators granting themselves or a break-glass group access. `edit` or `admin` bound in an ordinary namespace is not reported. A custom role whose write is not in the log cannot be judged and stays quiet.',
  baseline:
    'Custom roles are judged from their rules as written earlier in the same log or webhook stream; a long-running `audit serve` learns them as they change.',
  on: {
    verbs: ['create', 'update', 'patch'],
    resources: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  },
  initialState: () => new Recent<readonly PolicyRule[]>(),
  detect(event, { state, alert }) {
    if (!applied(event)) return;
    const object = writtenObject(event);
    if (!object) return;
    const resource = event.objectRef?.resource;
    const namespace = event.objectRef?.namespace;
    const name = asRecord(object.metadata).name;
    if (resource === 'roles' || resource === 'clusterroles') {
      if (typeof name === 'string')
        state.set(roleKey(resource === 'roles' ? 'Role' : 'ClusterRole', namespace, name), rulesOf(object));
      return;
    }
    const roleRef = asRecord(object.roleRef);
    if (typeof roleRef.name !== 'string' || (roleRef.kind !== 'Role' && roleRef.kind !== 'ClusterRole')) return;
    const rules =
      state.get(roleKey(roleRef.kind, namespace, roleRef.name)) ??
      (roleRef.kind === 'ClusterRole' ? builtInClusterRole(roleRef.name) : undefined);
    if (!rules) return;
    const scope = scopeOf(resource === 'clusterrolebindings' ? 'ClusterRoleBinding' : 'RoleBinding', namespace);
    const subjects = (Array.isArray(object.subjects) ? object.subjects : []).map(asRecord);
    const everyone = subjects.filter((subject) => typeof subject.name === 'string' && EVERYONE.has(subject.name));
    const power = permissionsIn(rules, scope).filter(({ severity }) => severityRank(severity) <= severityRank('high'));
    if (!power.length) return;
    const who = subjects
      .map(
        (subject) =>
          `${String(subject.kind ?? '')} ${subject.namespace ? `${String(subject.namespace)}/` : ''}${String(subject.name ?? '')}`,
      )
      .join(', ');
    alert({
      severity: everyone.length ? 'critical' : worst(power.map((held) => held.severity)),
      message: `${describeTarget(event)} was ${wrote(event)} binding ${roleRef.kind} '${roleRef.name}' to ${who || 'no subject'}${everyone.length ? ' (everyone who reaches the API server)' : ''}: they can ${describePower(power)}`,
    });
  },
});
