import { asRecord, type Inventory, nearest, type Resource } from '../inventory/index.js';
import { derived } from '../inventory/reads.js';
import { selects } from '../k8s/selectors.js';
import { DEFAULT_CLUSTER_ROLE_BINDINGS, DEFAULT_CLUSTER_ROLES, SUPERUSER_GROUP } from './defaults.js';
import {
  CLUSTER,
  covers,
  inNamespace,
  isClusterScoped,
  lookupKeys,
  parseResource,
  reachAllows,
  ruleReach,
  toPolicyRule,
  urlAllowed,
  wellKnownGroup,
} from './rules.js';
import { memberships, sameSubject, subjectKey, toSubject } from './subjects.js';
import type {
  Binding,
  BindingSubject,
  Decision,
  Grant,
  Origin,
  PolicyRule,
  Request,
  Role,
  RoleRule,
  Scope,
  Subject,
} from './types.js';

const RBAC_API = 'rbac.authorization.k8s.io/';

export interface IndexedRule {
  readonly role: Role;
  readonly rule: RoleRule;
}

/** Who can do something at one scope, and through which grants. */
export interface WhoCan {
  readonly subject: Subject;
  readonly scope: Scope;
  readonly grants: readonly Grant[];
  /** Set when every grant is restricted by resourceNames: the only objects the subject can act on. */
  readonly names?: readonly string[];
}

/**
 * The RBAC policy of the input, completed with Kubernetes' default roles and bindings: roles with their aggregated
 * rules, bindings resolved to roles, and indexes by subject, by role and by resource so that queries do not scan
 * every rule.
 */
export class Rbac {
  readonly roles: readonly Role[];
  readonly bindings: readonly Binding[];
  /** Every subject a binding names, and every ServiceAccount of the input. */
  readonly subjects: readonly Subject[];
  readonly #bySubject = new Map<string, Binding[]>();
  readonly #byRole = new Map<Role, Binding[]>();
  readonly #byResource = new Map<string, IndexedRule[]>();
  readonly #nonResource: IndexedRule[] = [];
  readonly #roleIndexes = new Map<Role, Map<string, RoleRule[]>>();

  constructor(roles: readonly Role[], bindings: readonly Binding[], serviceAccounts: readonly Subject[]) {
    this.roles = roles;
    this.bindings = bindings;
    const subjects = new Map<string, Subject>();
    for (const binding of bindings) {
      if (binding.role) append(this.#byRole, binding.role, binding);
      for (const { subject } of binding.subjects) {
        const key = subjectKey(subject);
        subjects.set(key, subject);
        const named = this.#bySubject.get(key);
        if (named?.at(-1) !== binding) append(this.#bySubject, key, binding);
      }
    }
    for (const account of serviceAccounts) subjects.set(subjectKey(account), account);
    this.subjects = [...subjects.values()];
    for (const role of roles) {
      for (const rule of role.rules) {
        // One entry under each resource the rule names, the same object: callers dedupe by identity.
        const indexed = { role, rule };
        if (rule.nonResourceURLs.length) this.#nonResource.push(indexed);
        for (const resource of new Set(rule.resources)) append(this.#byResource, resource, indexed);
      }
    }
  }

  /** Bindings that reference the role. */
  bindingsOf(role: Role): readonly Binding[] {
    return this.#byRole.get(role) ?? [];
  }

  /** Rules of any role that may match a request on one of the resources: their names and the wildcards covering them. */
  rulesFor(resources: readonly { resource: string; subresource?: string }[]): Set<IndexedRule> {
    const keys = new Set(resources.flatMap(({ resource, subresource }) => lookupKeys(resource, subresource)));
    const found = new Set<IndexedRule>();
    for (const key of keys) for (const indexed of this.#byResource.get(key) ?? []) found.add(indexed);
    return found;
  }

  /** Bindings that name the subject itself. */
  bindingsTo(subject: Subject): readonly Binding[] {
    return this.#bySubject.get(subjectKey(subject)) ?? [];
  }

  /** Grants the subject holds as named in bindings, without those of the groups it belongs to. */
  grantsTo(subject: Subject): Grant[] {
    const grants: Grant[] = [];
    for (const binding of this.bindingsTo(subject)) {
      for (const entry of binding.subjects) {
        if (!sameSubject(entry.subject, subject)) continue;
        for (const rule of binding.role?.rules ?? []) grants.push(grantOf(binding, entry, rule, binding.scope));
      }
    }
    return grants;
  }

  /** Everything the subject may do: its own grants and those of every group it is a member of. */
  permissionsOf(subject: Subject): Grant[] {
    return memberships(subject).flatMap((member) => this.grantsTo(member));
  }

  can(subject: Subject, request: Request): Decision {
    const grants: Grant[] = [];
    for (const member of memberships(subject)) {
      for (const binding of this.bindingsTo(member)) {
        const { role, scope } = binding;
        const rules = role ? allowingRules(this.#roleIndex(role), role, scope, request) : [];
        if (!rules.length) continue;
        for (const entry of binding.subjects) {
          if (!sameSubject(entry.subject, member)) continue;
          for (const rule of rules) grants.push(grantOf(binding, entry, rule, scope));
        }
      }
    }
    return { allowed: grants.length > 0, grants };
  }

  /**
   * Subjects that can `verb` the resource (`pods`, `pods/exec`, `deployments.apps`, or a URL such as `/metrics`),
   * per scope. Without a namespace, everywhere it is possible; with one, where it applies to that namespace.
   * Rules restricted to named objects count, marked with the names.
   */
  whoCan(verb: string, resource: string, namespace?: string | null): WhoCan[] {
    const found = new Map<string, { subject: Subject; scope: Scope; grants: Grant[]; names: Set<string> | 'all' }>();
    for (const { role, rule, reach, clusterOnly } of this.#reaching(verb, resource)) {
      for (const binding of this.bindingsOf(role)) {
        const { scope } = binding;
        if (clusterOnly && !scope.cluster) continue;
        if (namespace !== undefined && !covers(scope, namespace)) continue;
        for (const entry of binding.subjects) {
          const key = `${subjectKey(entry.subject)}\u0000${scope.cluster ? '*' : scope.namespace}`;
          let who = found.get(key);
          if (!who) {
            who = { subject: entry.subject, scope, grants: [], names: new Set() };
            found.set(key, who);
          }
          who.grants.push(grantOf(binding, entry, rule, scope));
          if (reach === 'all') who.names = 'all';
          else if (who.names !== 'all') for (const name of reach) who.names.add(name);
        }
      }
    }
    return [...found.values()]
      .map(({ names, ...who }) => (names === 'all' ? who : { ...who, names: [...names].sort() }))
      .sort(compareWhoCan);
  }

  *#reaching(
    verb: string,
    text: string,
  ): Generator<IndexedRule & { reach: 'all' | readonly string[]; clusterOnly: boolean }> {
    if (text.startsWith('/')) {
      for (const indexed of this.#nonResource) {
        if (urlAllowed(indexed.rule, verb, text)) yield { ...indexed, reach: 'all', clusterOnly: true };
      }
      return;
    }
    const { resource, subresource, apiGroup } = parseResource(text);
    const clusterOnly = isClusterScoped(resource);
    for (const indexed of this.rulesFor([{ resource, subresource }])) {
      const reach = ruleReach(indexed.rule, verb, apiGroup, resource, subresource);
      if (reach) yield { ...indexed, reach, clusterOnly };
    }
  }

  #roleIndex(role: Role): Map<string, RoleRule[]> {
    let index = this.#roleIndexes.get(role);
    if (!index) {
      index = new Map();
      for (const rule of role.rules) for (const resource of new Set(rule.resources)) append(index, resource, rule);
      this.#roleIndexes.set(role, index);
    }
    return index;
  }
}

function allowingRules(index: Map<string, RoleRule[]>, role: Role, scope: Scope, request: Request): RoleRule[] {
  if ('url' in request) {
    // Non-resource URLs are not namespaced: only a ClusterRoleBinding grants them.
    return scope.cluster ? role.rules.filter((rule) => urlAllowed(rule, request.verb, request.url)) : [];
  }
  const { verb, resource, subresource, namespace, name } = request;
  if (!covers(scope, namespace)) return [];
  if (!scope.cluster && isClusterScoped(resource)) return [];
  const apiGroup = request.apiGroup ?? wellKnownGroup(resource);
  return lookupKeys(resource, subresource)
    .flatMap((key) => index.get(key) ?? [])
    .filter((rule) => reachAllows(ruleReach(rule, verb, apiGroup, resource, subresource), name));
}

// Object literals rather than spreads: grants are created by the ten thousand.
function grantOf(binding: Binding, entry: BindingSubject, rule: RoleRule, scope: Scope): Grant {
  return { subject: entry.subject, subjectIndex: entry.index, binding, role: binding.role as Role, rule, scope };
}

function compareWhoCan(a: WhoCan, b: WhoCan): number {
  const scope = (who: WhoCan) => (who.scope.cluster ? '' : `\u0001${who.scope.namespace}`);
  return (
    compare(scope(a), scope(b)) ||
    compare(a.subject.kind, b.subject.kind) ||
    compare(a.subject.namespace ?? '', b.subject.namespace ?? '') ||
    compare(a.subject.name, b.subject.name)
  );
}

/** Code-point order: stable across locales, and much faster than localeCompare on large answers. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The RBAC model of an inventory, built once and shared by every check that asks. */
export function rbacOf(inventory: Inventory): Rbac {
  return derived(inventory, buildRbac);
}

interface RoleDraft {
  kind: 'Role' | 'ClusterRole';
  namespace: string | null;
  name: string;
  origin: Origin;
  labels: Readonly<Record<string, string>>;
  rules: RoleRule[];
  resource?: Resource;
  own: readonly PolicyRule[];
  /** Label selectors of an aggregationRule; undefined when the role has none. */
  selectors?: readonly unknown[];
  /** For an input role that redefines a default one: the default, whose rules the API server adds back. */
  reconciled?: RoleDraft;
  resolved?: boolean;
}

export function buildRbac(inventory: Inventory): Rbac {
  // Lists, not single roles: files may define one role several times (an overlay, another environment's folder),
  // and each definition is a role of its own, bound by the bindings nearest to it.
  const roles = new Map<string, RoleDraft[]>();
  const clusterRoles = new Map<string, RoleDraft[]>();

  for (const resource of rbacObjects(inventory, 'Role')) {
    const { namespace, name } = resource.ref;
    append(roles, `${namespace ?? ''}\u0000${name}`, fromInput('Role', resource));
  }
  for (const resource of rbacObjects(inventory, 'ClusterRole')) {
    append(clusterRoles, resource.ref.name, { ...fromInput('ClusterRole', resource), namespace: null });
  }
  for (const role of DEFAULT_CLUSTER_ROLES) {
    const edited = clusterRoles.get(role.name);
    if (edited) {
      // The API server puts the default rules back into an edited default role at every start, unless the role
      // opts out: an edit can add power, never take it away.
      for (const draft of edited) if (reconciled(draft)) draft.reconciled = builtIn(role);
      continue;
    }
    append(clusterRoles, role.name, {
      ...builtIn(role),
      ...(role.aggregates ? { selectors: [{ matchLabels: role.aggregates }] } : {}),
    });
  }
  const allClusterRoles = [...clusterRoles.values()].flat();
  for (const role of [...roles.values()].flat()) role.rules = ownRules(role);
  for (const role of allClusterRoles) aggregate(role, allClusterRoles);

  const bindings: Binding[] = [];
  const findRole = (kind: unknown, name: string, namespace: string | null, binding: Resource) => {
    const candidates =
      kind === 'ClusterRole'
        ? clusterRoles.get(name)
        : kind === 'Role' && binding.ref.kind === 'RoleBinding'
          ? roles.get(`${namespace ?? ''}\u0000${name}`)
          : undefined;
    if (!candidates || candidates.length < 2) return candidates?.[0];
    const chosen = nearest(
      candidates.flatMap((role) => role.resource ?? []),
      binding,
    );
    return candidates.find((role) => role.resource === chosen);
  };
  const inputBindingNames = new Set<string>();
  for (const kind of ['RoleBinding', 'ClusterRoleBinding'] as const) {
    for (const resource of rbacObjects(inventory, kind)) {
      const namespace = kind === 'RoleBinding' ? resource.ref.namespace : null;
      const roleRef = asRecord(resource.object.roleRef);
      const refName = typeof roleRef.name === 'string' ? roleRef.name : '';
      const subjects: BindingSubject[] = [];
      const entries = Array.isArray(resource.object.subjects) ? resource.object.subjects : [];
      entries.forEach((value, index) => {
        const subject = toSubject(value, namespace);
        if (subject) subjects.push({ subject, index });
      });
      if (kind === 'ClusterRoleBinding') inputBindingNames.add(resource.ref.name);
      bindings.push({
        kind,
        namespace,
        // Every RoleBinding has its namespace: the one it names, else the one the input is applied to.
        scope: namespace === null ? CLUSTER : inNamespace(namespace),
        name: resource.ref.name,
        origin: 'input',
        roleRef: { kind: String(roleRef.kind ?? ''), name: refName },
        role: findRole(roleRef.kind, refName, namespace, resource),
        subjects,
        resource,
      });
    }
  }
  for (const binding of DEFAULT_CLUSTER_ROLE_BINDINGS) {
    if (inputBindingNames.has(binding.name)) continue;
    bindings.push({
      kind: 'ClusterRoleBinding',
      namespace: null,
      scope: CLUSTER,
      name: binding.name,
      origin: 'built-in',
      roleRef: { kind: 'ClusterRole', name: binding.role },
      // A built-in binding comes with the cluster, from no file: the first definition stands for the role.
      role: clusterRoles.get(binding.role)?.[0],
      subjects: binding.subjects.map((subject, index) => ({ subject, index })),
    });
  }
  const superuser = superuserBinding();
  bindings.push(superuser);

  const serviceAccounts = inventory
    .ofKind('ServiceAccount')
    .map(
      (resource): Subject => ({ kind: 'ServiceAccount', namespace: resource.ref.namespace, name: resource.ref.name }),
    );
  return new Rbac([...[...roles.values()].flat(), ...allClusterRoles, superuser.role], bindings, serviceAccounts);
}

/** Whether the API server reconciles this definition of a default role (`rbac.authorization.kubernetes.io/autoupdate`). */
function reconciled(draft: RoleDraft): boolean {
  return draft.resource?.annotations['rbac.authorization.kubernetes.io/autoupdate'] !== 'false';
}

/** A default ClusterRole as Kubernetes defines it, with no aggregation of its own. */
function builtIn(role: (typeof DEFAULT_CLUSTER_ROLES)[number]): RoleDraft {
  return {
    kind: 'ClusterRole',
    namespace: null,
    name: role.name,
    origin: 'built-in',
    labels: role.labels ?? {},
    rules: [],
    own: role.rules,
  };
}

/** `system:masters` bypasses RBAC altogether: no binding to edit or delete, so it is modelled apart. */
function superuserBinding(): Binding & { role: Role } {
  const definition = DEFAULT_CLUSTER_ROLES.find((role) => role.name === 'cluster-admin');
  const role: RoleDraft = {
    kind: 'ClusterRole',
    namespace: null,
    name: 'cluster-admin',
    origin: 'hard-wired',
    labels: {},
    rules: [],
    own: definition?.rules ?? [],
  };
  role.rules = ownRules(role);
  return {
    kind: 'ClusterRoleBinding',
    namespace: null,
    scope: CLUSTER,
    name: SUPERUSER_GROUP,
    origin: 'hard-wired',
    roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
    role,
    subjects: [{ subject: { kind: 'Group', namespace: null, name: SUPERUSER_GROUP }, index: 0 }],
  };
}

/** Objects of the RBAC API only: a CRD may well define its own `Role` kind. */
function rbacObjects(inventory: Inventory, kind: string): Resource[] {
  return inventory.ofKind(kind).filter((resource) => resource.ref.apiVersion.startsWith(RBAC_API));
}

function fromInput(kind: 'Role' | 'ClusterRole', resource: Resource): RoleDraft {
  const rules = Array.isArray(resource.object.rules) ? resource.object.rules : [];
  const selectors = asRecord(resource.object.aggregationRule).clusterRoleSelectors;
  return {
    kind,
    namespace: resource.ref.namespace,
    name: resource.ref.name,
    origin: 'input',
    labels: resource.labels,
    rules: [],
    resource,
    own: rules.map(toPolicyRule),
    ...(kind === 'ClusterRole' && resource.object.aggregationRule !== undefined
      ? { selectors: Array.isArray(selectors) ? selectors : [] }
      : {}),
  };
}

function ownRules(role: RoleDraft): RoleRule[] {
  return role.own.map(({ verbs, apiGroups, resources, resourceNames, nonResourceURLs }, index) => ({
    verbs,
    apiGroups,
    resources,
    resourceNames,
    nonResourceURLs,
    declaredBy: role,
    index,
  }));
}

/**
 * Resolves an aggregated ClusterRole as the aggregation controller does: the union of the rules of every
 * ClusterRole its selectors match, themselves resolved first (edit aggregates view, admin aggregates edit).
 * The controller overwrites the role's own rules, so they do not count. `resolved` is set before recursing:
 * in a selection cycle, a role still being resolved contributes the rules it has so far (none).
 */
function aggregate(role: RoleDraft, clusterRoles: readonly RoleDraft[]): RoleRule[] {
  if (role.resolved) return role.rules;
  role.resolved = true;
  const { selectors } = role;
  if (!selectors) {
    role.rules = role.reconciled ? [...ownRules(role), ...ownRules(role.reconciled)] : ownRules(role);
    return role.rules;
  }
  const rules = new Set<RoleRule>();
  for (const other of clusterRoles) {
    if (other === role || !selectors.some((selector) => selects(selector, other.labels))) continue;
    for (const rule of aggregate(other, clusterRoles)) rules.add(rule);
  }
  role.rules = [...rules];
  return role.rules;
}
