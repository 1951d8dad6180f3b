import { buildInventory } from '../inventory/index.js';
import { severityRank } from '../model/basics.js';
import { rbacOf } from '../rbac/model.js';
import type { permissionsIn } from '../rbac/risky.js';
import { CLUSTER, inNamespace, toPolicyRule } from '../rbac/rules.js';
import type { PolicyRule, Scope } from '../rbac/types.js';

/** A risky permission a role hands out, with its severity at the scope it is granted. */
export type Power = ReturnType<typeof permissionsIn>[number];

/** The rules of a Role or ClusterRole object as written. */
export function rulesOf(role: Readonly<Record<string, unknown>>): PolicyRule[] {
  return Array.isArray(role.rules) ? role.rules.map(toPolicyRule) : [];
}

/** Where a role or binding grants: the cluster for the Cluster kinds, else its namespace. */
export function scopeOf(
  kind: 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding',
  namespace?: string,
): Scope {
  // An event always names the namespace of a namespaced object; without one, the grant applies nowhere.
  return kind.startsWith('Cluster') ? CLUSTER : inNamespace(namespace ?? '');
}

let builtIn: ReadonlyMap<string, readonly PolicyRule[]> | undefined;

/**
 * The rules of a ClusterRole every cluster has (cluster-admin, admin, edit, …), aggregation included, as the RBAC
 * model knows them from Kubernetes' bootstrap policy; undefined for any other name.
 */
export function builtInClusterRole(name: string): readonly PolicyRule[] | undefined {
  builtIn ??= new Map(
    rbacOf(buildInventory([]).inventory)
      .roles.filter((role) => role.kind === 'ClusterRole' && role.origin === 'built-in')
      .map((role) => [role.name, role.rules]),
  );
  return builtIn.get(name);
}

/**
 * `do anything (…); read secrets and 4 more`: what a set of permissions lets the holder do, takeovers and the
 * most severe first, so that cluster-admin does not read as a list of twenty.
 */
export function describePower(power: readonly Power[], max = 3): string {
  const ranked = [...power].sort(
    (a, b) =>
      Number(b.permission.takeover ?? false) - Number(a.permission.takeover ?? false) ||
      severityRank(a.severity) - severityRank(b.severity),
  );
  const shown = ranked.slice(0, max).map(({ permission }) => permission.action);
  return `${shown.join('; ')}${ranked.length > max ? ` and ${ranked.length - max} more` : ''}`;
}

/** A role's key in a rule's memory: kind, namespace and name. */
export function roleKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\0${kind === 'Role' ? (namespace ?? '') : ''}\0${name}`;
}
