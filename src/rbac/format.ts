import { append } from './model.js';
import type { RiskyPermission, RiskyRule } from './risky.js';
import type { Binding, Grant, PolicyRule, Role, Scope, Subject } from './types.js';

/** How messages and the CLI name RBAC objects: `ServiceAccount ci/runner`, `RoleBinding ci/deploy`. */

/** Unset only for a ServiceAccount a ClusterRoleBinding names without its namespace, which the API server rejects. */
function formatNamespace(namespace: string | null): string {
  return namespace ?? '(unset)';
}

export function formatSubject(subject: Subject): string {
  const namespace = subject.kind === 'ServiceAccount' ? `${formatNamespace(subject.namespace)}/` : '';
  return `${subject.kind} ${namespace}${subject.name}`;
}

export function formatScope(scope: Scope): string {
  return scope.cluster ? 'cluster-wide' : `in namespace ${scope.namespace}`;
}

/** Several scopes in one phrase: `cluster-wide and in namespaces a, b`. */
export function formatScopes(scopes: readonly Scope[]): string {
  const cluster = scopes.some((scope) => scope.cluster);
  const namespaces = [...new Set(scopes.flatMap((scope) => (scope.cluster ? [] : [scope.namespace])))].sort();
  const inNamespaces = namespaces.length
    ? `in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}`
    : '';
  return [cluster ? 'cluster-wide' : '', inNamespaces].filter(Boolean).join(' and ');
}

function named(kind: string, namespace: string | null, name: string, namespaced: boolean): string {
  return `${kind} ${namespaced ? `${formatNamespace(namespace)}/` : ''}${name}`;
}

export function formatRole(role: Role): string {
  return named(role.kind, role.namespace, role.name, role.kind === 'Role');
}

export function formatBinding(binding: Binding): string {
  const label = named(binding.kind, binding.namespace, binding.name, binding.kind === 'RoleBinding');
  return binding.origin === 'input' ? label : `${binding.origin} ${label}`;
}

/** `RoleBinding ci/deploy → Role ci/deployer`, and the group it goes through when not the subject itself. */
export function formatGrant(grant: Grant, holder?: Subject): string {
  const via =
    holder && formatSubject(holder) !== formatSubject(grant.subject) ? ` via ${formatSubject(grant.subject)}` : '';
  return `${formatBinding(grant.binding)} → ${formatRole(grant.role)}${via}`;
}

/** A few items and a count of the rest, so that messages stay readable. */
export function listSome(items: readonly string[], max = 3): string {
  const unique = [...new Set(items)];
  return unique.length <= max
    ? unique.join(', ')
    : `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

export function formatRule(rule: PolicyRule): string {
  if (rule.nonResourceURLs.length) return `${rule.verbs.join(',')} on ${rule.nonResourceURLs.join(', ')}`;
  const groups = rule.apiGroups.map((group) => (group === '' ? 'core' : group)).join(',');
  const names = rule.resourceNames.length ? ` named ${rule.resourceNames.join(', ')}` : '';
  return `${rule.verbs.join(',')} on ${rule.resources.join(', ')} (${groups})${names}`;
}

/**
 * A risky permission as held through some rules: `read secrets in namespace app, only tls-cert`,
 * `read image pull secrets (shop/regcred) cluster-wide`. Without scope for a role's latent permissions.
 */
export function describeHeld(permission: RiskyPermission, rules: readonly RiskyRule[], withScope = true): string {
  const names = rules.every((rule) => rule.names) ? listSome(rules.flatMap((rule) => rule.names ?? [])) : undefined;
  const target = names && permission.targets ? ` (${names})` : '';
  const only = names && !permission.targets ? `, only ${names}` : '';
  const scope = withScope ? ` ${formatScopes(rules.map((rule) => rule.scope))}` : '';
  return `${permission.action}${target}${scope}${only}`;
}

/** Joins descriptions, naming each source once after the descriptions it grants: `a; b (RoleBinding x → Role y)`. */
export function withEvidence(items: readonly { text: string; evidence: string }[]): string {
  const byEvidence = new Map<string, string[]>();
  for (const { text, evidence } of items) append(byEvidence, evidence, text);
  return [...byEvidence].map(([evidence, texts]) => `${texts.join('; ')} (${evidence})`).join('; ');
}
