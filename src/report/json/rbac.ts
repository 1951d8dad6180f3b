import { describeHeld, formatRole } from '../../rbac/format.js';
import type { WhoCan } from '../../rbac/model.js';
import { bindingLocation, type SubjectProfile, type WhoCanQuery } from '../../rbac/queries.js';
import type { Held, RiskyGrant } from '../../rbac/risky.js';
import { subjectKey } from '../../rbac/subjects.js';
import type { Binding, Grant, Scope, Subject } from '../../rbac/types.js';

/** The answer as `kubematrix rbac who-can --output json` prints it. */
export function whoCanJson(query: WhoCanQuery, found: readonly WhoCan[]) {
  const { verb, resource, namespace } = query;
  const subjects = found.map((who) => ({
    subject: who.subject,
    scope: scopeJson(who.scope),
    ...(who.names ? { names: who.names } : {}),
    grants: who.grants.map((grant) => grantJson(grant)),
  }));
  return { verb, resource, ...(namespace !== undefined ? { namespace } : {}), subjects };
}

/** As `kubematrix rbac subject --output json` prints it: the one subject, or a list when the name matched several. */
export function subjectsJson(profiles: readonly SubjectProfile[]) {
  const [only] = profiles;
  return only && profiles.length === 1 ? subjectJson(only) : profiles.map(subjectJson);
}

export function subjectJson(profile: SubjectProfile) {
  const who = profile.subject;
  return {
    subject: who,
    groups: profile.groups,
    techniques: profile.techniques.map((technique) => ({
      id: technique.id,
      name: technique.name,
      severity: technique.severity,
      permissions: technique.held.map((entry) => heldJson(entry, who)),
    })),
    permissions: profile.permissions.map((grant) => ({ ...grantJson(grant, who), scope: scopeJson(grant.scope) })),
    unresolved: profile.unresolved.map((binding) => ({ binding: bindingJson(binding), roleRef: binding.roleRef })),
  };
}

function heldJson(entry: Held<RiskyGrant>, who: Subject) {
  return {
    action: entry.permission.action,
    description: describeHeld(entry.permission, entry.grants),
    severity: entry.severity,
    check: entry.permission.check,
    grants: entry.grants.map((grant) => grantJson(grant, who)),
  };
}

function scopeJson(scope: Scope) {
  return scope.cluster ? { cluster: true } : { namespace: scope.namespace };
}

function bindingJson(binding: Binding, subjectIndex?: number) {
  const location = bindingLocation(binding, subjectIndex);
  return {
    kind: binding.kind,
    namespace: binding.namespace,
    name: binding.name,
    origin: binding.origin,
    ...(location
      ? {
          location: {
            file: location.file,
            line: location.line,
            ...(location.namespaceDefaulted === undefined ? {} : { namespaceDefaulted: location.namespaceDefaulted }),
          },
        }
      : {}),
  };
}

/** A grant, with the group it goes through (`via`) when the holder is not the subject the binding names. */
function grantJson(grant: Grant, holder?: Subject) {
  const { role, rule } = grant;
  return {
    ...(holder && subjectKey(holder) !== subjectKey(grant.subject) ? { via: grant.subject } : {}),
    binding: bindingJson(grant.binding, grant.subjectIndex),
    role: { kind: role.kind, namespace: role.namespace, name: role.name, origin: role.origin },
    rule: {
      ...(rule.declaredBy === role ? {} : { declaredBy: formatRole(rule.declaredBy) }),
      index: rule.index,
      verbs: rule.verbs,
      apiGroups: rule.apiGroups,
      resources: rule.resources,
      resourceNames: rule.resourceNames,
      nonResourceURLs: rule.nonResourceURLs,
    },
  };
}
