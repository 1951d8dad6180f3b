import { asRecord, type Inventory } from '../inventory/index.js';
import { derived } from '../inventory/reads.js';
import type { TechniqueId } from '../matrix/types.js';
import { type Severity, severities, severityRank } from '../model/basics.js';
import { append, type Rbac, rbacOf } from './model.js';
import { CLUSTER, covers, inNamespace, isClusterScoped, parseResource, type Reach, ruleReach } from './rules.js';
import { memberships, subjectKey } from './subjects.js';
import type { Grant, PolicyRule, Role, RoleRule, Scope, Subject } from './types.js';

/** The check that speaks for subjects with cluster-admin power, in one finding each. */
export const TAKEOVER_CHECK = 'rbac-cluster-admin';

/** A set of API resources, as `pods`, `pods/exec` or `deployments.apps` (kubectl's notation). */
type Resources = readonly string[];

interface Requirement {
  readonly verbs: readonly string[];
  readonly resources: Resources;
}

/** An object a permission is about: the coredns ConfigMap, a registry pull secret. */
export interface TargetObject {
  readonly namespace: string | null;
  readonly name: string;
}

export interface RiskyPermission {
  /** The check that reports it. */
  readonly check: string;
  /** What it lets the holder do, completing "can …". */
  readonly action: string;
  /** Every requirement must be held (approving a CSR takes two); the first is where findings point. */
  readonly requires: readonly Requirement[];
  /** When set, only these objects matter: rules and bindings that cannot reach one of them do not count. */
  readonly targets?: (inventory: Inventory) => readonly TargetObject[];
  readonly techniques: readonly TechniqueId[];
  /** Held cluster-wide (or in kube-system, where the control plane's own accounts live) vs in one namespace. */
  readonly severity: { readonly cluster: Severity; readonly namespace: Severity };
  /**
   * Held cluster-wide, it amounts to cluster-admin: it is all permissions, or a way to give oneself all of them
   * (bind or escalate to any role, impersonate `system:masters`, mint a client certificate for it).
   */
  readonly takeover?: true;
}

const POD_CONTROLLERS = [
  'pods',
  'replicationcontrollers',
  'deployments.apps',
  'daemonsets.apps',
  'statefulsets.apps',
  'replicasets.apps',
  'jobs.batch',
  'cronjobs.batch',
];
const WORKLOADS = POD_CONTROLLERS.filter((resource) => resource !== 'pods');
const READ = ['get', 'list', 'watch'];
const WRITE = ['update', 'patch'];
const DELETE = ['delete', 'deletecollection'];

/** The one table of permissions that open techniques of the matrix; every RBAC check reports its own rows. */
export const RISKY_PERMISSIONS: readonly RiskyPermission[] = [
  {
    check: 'rbac-cluster-admin',
    action: 'do anything (`*` verbs on `*` resources of `*` API groups)',
    requires: [{ verbs: ['*'], resources: ['*.*'] }],
    techniques: ['MS-TA9019'],
    severity: { cluster: 'critical', namespace: 'high' },
    takeover: true,
  },
  {
    check: 'rbac-privilege-escalation-verbs',
    action: 'escalate or bind roles beyond its own permissions',
    requires: [
      {
        verbs: ['escalate', 'bind'],
        resources: ['roles.rbac.authorization.k8s.io', 'clusterroles.rbac.authorization.k8s.io'],
      },
    ],
    techniques: ['MS-TA9019'],
    severity: { cluster: 'critical', namespace: 'high' },
    takeover: true,
  },
  {
    check: 'rbac-privilege-escalation-verbs',
    action: 'create or change role bindings',
    requires: [
      {
        verbs: ['create', ...WRITE],
        resources: ['rolebindings.rbac.authorization.k8s.io', 'clusterrolebindings.rbac.authorization.k8s.io'],
      },
    ],
    techniques: ['MS-TA9019'],
    severity: { cluster: 'high', namespace: 'medium' },
  },
  {
    check: 'rbac-privilege-escalation-verbs',
    action: 'impersonate users or groups (system:masters included)',
    requires: [{ verbs: ['impersonate'], resources: ['users', 'groups', 'uids.authentication.k8s.io'] }],
    techniques: ['MS-TA9019'],
    severity: { cluster: 'critical', namespace: 'critical' },
    takeover: true,
  },
  {
    check: 'rbac-privilege-escalation-verbs',
    action: 'impersonate service accounts',
    requires: [{ verbs: ['impersonate'], resources: ['serviceaccounts'] }],
    techniques: ['MS-TA9019'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-create-workloads',
    action: 'create pods or pod controllers',
    requires: [{ verbs: ['create'], resources: POD_CONTROLLERS }],
    techniques: ['MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-exec',
    // GET is enough: `kubectl exec` over websockets starts with a GET.
    action: 'exec into or attach to containers',
    requires: [{ verbs: ['create', 'get'], resources: ['pods/exec', 'pods/attach'] }],
    // Exec is also how data leaves a pod: `kubectl cp` is an exec running tar.
    techniques: ['MS-TA9006', 'MS-TA9041'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-exec',
    action: 'add ephemeral (debug) containers to running pods',
    requires: [{ verbs: WRITE, resources: ['pods/ephemeralcontainers'] }],
    techniques: ['MS-TA9006'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-modify-workloads',
    // A controller's pod template is a whole pod spec: patching it is creating the pod it rolls out.
    action: "change workload controllers' pod templates (any pod spec: a sidecar, privilege, host mounts)",
    requires: [{ verbs: WRITE, resources: WORKLOADS }],
    techniques: ['MS-TA9011', 'MS-TA9008', 'MS-TA9018', 'MS-TA9013'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-modify-workloads',
    // A running pod's spec is immutable but for images and a few scheduling fields: no privilege, no new mounts.
    action: 'change running pods (swap an image)',
    requires: [{ verbs: WRITE, resources: ['pods'] }],
    techniques: ['MS-TA9011'],
    severity: { cluster: 'high', namespace: 'medium' },
  },
  {
    check: 'rbac-read-secrets',
    action: 'read secrets',
    requires: [{ verbs: READ, resources: ['secrets'] }],
    techniques: ['MS-TA9025'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-token-creation',
    action: 'create service-account tokens',
    requires: [{ verbs: ['create'], resources: ['serviceaccounts/token'] }],
    techniques: ['MS-TA9016'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-token-creation',
    action: 'create secrets (a service-account-token secret gets a token for any account)',
    requires: [{ verbs: ['create'], resources: ['secrets'] }],
    techniques: ['MS-TA9016'],
    severity: { cluster: 'critical', namespace: 'medium' },
  },
  {
    check: 'rbac-node-proxy',
    // GET is enough: the kubelet's exec and run endpoints accept websocket upgrades.
    action: 'reach the kubelet API of every node through `nodes/proxy` (and exec into any container there)',
    requires: [{ verbs: ['get', 'create'], resources: ['nodes/proxy'] }],
    // The kubelet's /exec and /run endpoints are exec into containers without `pods/exec`.
    techniques: ['MS-TA9030', 'MS-TA9006'],
    severity: { cluster: 'critical', namespace: 'critical' },
  },
  {
    check: 'rbac-webhook-config',
    action: 'register admission webhooks that see or rewrite every object',
    requires: [
      {
        verbs: ['create', ...WRITE],
        resources: [
          'mutatingwebhookconfigurations.admissionregistration.k8s.io',
          'validatingwebhookconfigurations.admissionregistration.k8s.io',
        ],
      },
    ],
    techniques: ['MS-TA9015'],
    severity: { cluster: 'critical', namespace: 'critical' },
  },
  {
    check: 'rbac-delete-events',
    action: 'delete events',
    requires: [{ verbs: DELETE, resources: ['events', 'events.events.k8s.io'] }],
    techniques: ['MS-TA9022'],
    severity: { cluster: 'medium', namespace: 'low' },
  },
  {
    check: 'rbac-cronjobs',
    action: 'create or change CronJobs',
    requires: [{ verbs: ['create', ...WRITE], resources: ['cronjobs.batch'] }],
    techniques: ['MS-TA9014'],
    severity: { cluster: 'high', namespace: 'medium' },
  },
  {
    check: 'rbac-coredns',
    action: "rewrite the cluster's DNS configuration",
    requires: [{ verbs: WRITE, resources: ['configmaps'] }],
    targets: () => [{ namespace: 'kube-system', name: 'coredns' }],
    techniques: ['MS-TA9035'],
    severity: { cluster: 'high', namespace: 'high' },
  },
  {
    check: 'rbac-destructive-delete',
    action: 'delete workloads, pods, secrets, volumes or namespaces',
    requires: [
      {
        verbs: DELETE,
        resources: [...POD_CONTROLLERS, 'secrets', 'persistentvolumeclaims', 'persistentvolumes', 'namespaces'],
      },
    ],
    techniques: ['MS-TA9038'],
    severity: { cluster: 'high', namespace: 'medium' },
  },
  {
    check: 'rbac-csr-approval',
    action: 'approve certificate signing requests (and so mint client certificates)',
    requires: [
      { verbs: ['update'], resources: ['certificatesigningrequests.certificates.k8s.io/approval'] },
      { verbs: ['approve'], resources: ['signers.certificates.k8s.io'] },
    ],
    techniques: ['MS-TA9019'],
    severity: { cluster: 'critical', namespace: 'critical' },
    takeover: true,
  },
  {
    check: 'rbac-service-status',
    action: "rewrite Services' status (a LoadBalancer ingress IP that takes other pods' traffic to it, CVE-2020-8554)",
    requires: [{ verbs: WRITE, resources: ['services/status'] }],
    techniques: ['MS-TA9036'],
    // The address a Service claims is routed on every node, whatever its namespace.
    severity: { cluster: 'high', namespace: 'high' },
  },
  {
    check: 'rbac-pull-secrets',
    action: 'read image pull secrets',
    requires: [{ verbs: READ, resources: ['secrets'] }],
    targets: pullSecrets,
    techniques: ['MS-TA9037'],
    severity: { cluster: 'high', namespace: 'medium' },
  },
];

/** Every technique some risky permission opens: what a subject with cluster-admin power can reach. */
export const RBAC_TECHNIQUES: readonly TechniqueId[] = [
  ...new Set(RISKY_PERMISSIONS.flatMap((permission) => permission.techniques)),
];

/** Secrets pods pull images with: referenced by pods or ServiceAccounts, or of a registry-credential type. */
function pullSecrets(inventory: Inventory): TargetObject[] {
  const found = new Map<string, TargetObject>();
  const add = (namespace: string | null, entries: unknown) => {
    for (const entry of Array.isArray(entries) ? entries : []) {
      const { name } = asRecord(entry);
      if (typeof name === 'string' && name) found.set(`${namespace ?? ''}/${name}`, { namespace, name });
    }
  };
  for (const pod of inventory.podSpecs) add(pod.owner.ref.namespace, pod.spec.imagePullSecrets);
  for (const account of inventory.ofKind('ServiceAccount')) add(account.ref.namespace, account.object.imagePullSecrets);
  for (const secret of inventory.ofKind('Secret')) {
    if (secret.object.type === 'kubernetes.io/dockerconfigjson' || secret.object.type === 'kubernetes.io/dockercfg') {
      add(secret.ref.namespace, [{ name: secret.ref.name }]);
    }
  }
  return [...found.values()];
}

/** A rule that carries a risky permission, or one of its requirements, at some scope. */
export interface RiskyRule {
  readonly permission: RiskyPermission;
  /** Which of the permission's requirements the rule meets. */
  readonly requirement: number;
  readonly role: Role;
  readonly rule: RoleRule;
  readonly scope: Scope;
  /** The only objects it reaches: the rule's resourceNames, or the permission's targets in reach. */
  readonly names?: readonly string[];
  readonly severity: Severity;
}

/** A risky rule handed to a subject by a binding: a grant, with what it carries. */
export interface RiskyGrant extends RiskyRule, Grant {}

/** A risky permission fully held, with what carries its first requirement (where findings point). */
export interface Held<T extends RiskyRule = RiskyRule> {
  readonly permission: RiskyPermission;
  readonly grants: readonly T[];
  readonly severity: Severity;
}

interface ParsedRequirement {
  readonly verbs: readonly string[];
  readonly resources: readonly ReturnType<typeof parseResource>[];
  /** Undefined when a resource has no known group, and so matches rules of any group. */
  readonly groups: readonly string[] | undefined;
}

interface Match {
  readonly names?: readonly string[];
  /** Narrowed by resourceNames below what the permission is about: one severity step lower. */
  readonly narrowed: boolean;
}

function parseRequirement(requirement: Requirement): ParsedRequirement {
  const resources = requirement.resources.map(parseResource);
  const groups = resources.every((resource) => resource.apiGroup !== undefined)
    ? [...new Set(resources.map((resource) => resource.apiGroup as string))]
    : undefined;
  return { verbs: requirement.verbs, resources, groups };
}

/**
 * The risky permissions a list of rules hands out on its own, granted at `scope`, with their severity: what a Role
 * or ClusterRole carries before anyone is bound to it (audit detections see one role at a time, without the rest
 * of the policy). Permissions about particular objects (the coredns ConfigMap, pull secrets) need an inventory to
 * aim at and are left out.
 */
export function permissionsIn(
  rules: readonly PolicyRule[],
  scope: Scope,
): { permission: RiskyPermission; severity: Severity }[] {
  const found: { permission: RiskyPermission; severity: Severity }[] = [];
  for (const permission of RISKY_PERMISSIONS) {
    if (permission.targets) continue;
    let narrowed = false;
    const held = permission.requires.every((requirement) => {
      const parsed = parseRequirement(requirement);
      const matches = rules.flatMap((rule) => matchRule(parsed, rule, scope, undefined) ?? []);
      if (matches.length && matches.every((match) => match.narrowed)) narrowed = true;
      return matches.length > 0;
    });
    if (held) found.push({ permission, severity: severityAt(permission, scope, narrowed) });
  }
  return found;
}

/** Whether a rule, granted at `scope`, meets the requirement; and for which objects. */
function matchRule(
  requirement: ParsedRequirement,
  rule: PolicyRule,
  scope: Scope,
  targets: readonly TargetObject[] | undefined,
): Match | undefined {
  let reach: Set<string> | 'all' | undefined;
  for (const { resource, subresource, apiGroup } of requirement.resources) {
    if (!scope.cluster && isClusterScoped(resource)) continue;
    for (const verb of requirement.verbs) {
      const found: Reach = ruleReach(rule, verb, apiGroup, resource, subresource);
      if (found === 'all') reach = 'all';
      else if (found && reach !== 'all') reach = new Set([...(reach ?? []), ...found]);
    }
  }
  if (!reach) return undefined;
  if (!targets) return reach === 'all' ? { narrowed: false } : { names: [...reach].sort(), narrowed: true };
  const hit = targets.filter(
    (target) => covers(scope, target.namespace) && (reach === 'all' || reach.has(target.name)),
  );
  if (!hit.length) return undefined;
  return { names: hit.map((target) => `${target.namespace ?? '(unset)'}/${target.name}`), narrowed: false };
}

/** How severe holding the permission at `scope` is; `narrowed` when resourceNames restrict it below its targets. */
export function severityAt(permission: RiskyPermission, scope: Scope, narrowed = false): Severity {
  const base =
    scope.cluster || scope.namespace === 'kube-system' ? permission.severity.cluster : permission.severity.namespace;
  return narrowed ? lower(base) : base;
}

function lower(severity: Severity): Severity {
  return severities[Math.min(severityRank(severity) + 1, severities.indexOf('low'))] ?? severity;
}

/**
 * Every rule and grant of the policy that carries a risky permission, found through the resource index
 * rather than by testing every rule: the checks, the workload view and `kubematrix rbac subject` all read it.
 */
export class RiskIndex {
  readonly rbac: Rbac;
  readonly #bySubject = new Map<string, RiskyGrant[]>();
  /** Per role, its risky rules at the role's widest scope: cluster-wide for a ClusterRole. */
  readonly #byRole = new Map<Role, RiskyRule[]>();
  // Every check of a scan asks about the same subjects and roles: each answer is computed once.
  readonly #heldBy = new Map<string, Held<RiskyGrant>[]>();
  readonly #effective = new Map<string, Held<RiskyGrant>[]>();
  readonly #latent = new Map<Role, Held[]>();
  #holders?: Map<string, { subject: Subject; held: Held<RiskyGrant>[] }[]>;
  #takeovers?: Map<string, { subject: Subject; held: Held<RiskyGrant>[] }>;
  #handedOut?: Map<RoleRule, RiskyPermission[]>;
  #grantors?: Map<string, { role: Role; held: Held[] }[]>;

  constructor(rbac: Rbac, inventory: Inventory) {
    this.rbac = rbac;
    for (const permission of RISKY_PERMISSIONS) {
      const targets = permission.targets?.(inventory);
      if (targets && !targets.length) continue;
      permission.requires.forEach((requirement, index) => {
        const parsed = parseRequirement(requirement);
        for (const { role, rule } of rbac.rulesFor(parsed.resources))
          this.#add(permission, index, parsed, role, rule, targets);
      });
    }
  }

  #add(
    permission: RiskyPermission,
    requirement: number,
    parsed: ParsedRequirement,
    role: Role,
    rule: RoleRule,
    targets: readonly TargetObject[] | undefined,
  ): void {
    // Cheap rejections first: wildcard-resource rules are candidates for every permission.
    if (!rule.verbs.includes('*') && !parsed.verbs.some((verb) => rule.verbs.includes(verb))) return;
    const { groups } = parsed;
    if (groups && !rule.apiGroups.includes('*') && !groups.some((group) => rule.apiGroups.includes(group))) return;
    // Without targets a match depends only on whether the scope is the cluster: compute it once per kind.
    const matches = new Map<string, Match | undefined>();
    const matchAt = (scope: Scope) => {
      const key = scope.cluster ? '' : targets ? `\u0000${scope.namespace}` : '\u0000';
      if (!matches.has(key)) matches.set(key, matchRule(parsed, rule, scope, targets));
      return matches.get(key);
    };
    const widest = role.namespace === null ? CLUSTER : inNamespace(role.namespace);
    const latent = matchAt(widest);
    if (latent) append(this.#byRole, role, risky(permission, requirement, role, rule, widest, latent));
    for (const binding of this.rbac.bindingsOf(role)) {
      const { scope } = binding;
      const match = matchAt(scope);
      if (!match) continue;
      const { names, severity } = risky(permission, requirement, role, rule, scope, match);
      for (const entry of binding.subjects) {
        append(this.#bySubject, subjectKey(entry.subject), {
          subject: entry.subject,
          subjectIndex: entry.index,
          binding,
          permission,
          requirement,
          role,
          rule,
          scope,
          names,
          severity,
        });
      }
    }
  }

  /** Risky permissions bindings hand to the subject as named, not through its groups. */
  heldBy(subject: Subject): Held<RiskyGrant>[] {
    return memo(this.#heldBy, subjectKey(subject), () => held(this.#bySubject.get(subjectKey(subject)) ?? []));
  }

  /** Risky permissions the subject effectively holds: its own and its groups'. */
  effective(subject: Subject): Held<RiskyGrant>[] {
    return memo(this.#effective, subjectKey(subject), () =>
      held(memberships(subject).flatMap((member) => this.#bySubject.get(subjectKey(member)) ?? [])),
    );
  }

  /** Risky permissions a role would hand out if bound at its widest scope. */
  latent(role: Role): Held[] {
    return memo(this.#latent, role, () => held(this.#byRole.get(role) ?? []));
  }

  /** Per check, the subjects bindings name as holding its permissions (not through groups), in first-seen order. */
  holders(check: string): readonly { subject: Subject; held: Held<RiskyGrant>[] }[] {
    this.#holders ??= byCheck(
      [...this.#bySubject.values()].flatMap((list) => (list[0] ? [list[0].subject] : [])),
      (subject) => this.heldBy(subject),
      (subject, held) => ({ subject, held }),
    );
    return this.#holders.get(check) ?? [];
  }

  /**
   * Subjects whose bindings (as named, not through groups) amount to cluster-admin, with the permissions that do:
   * one fact about them says it all, so the other checks leave them to `rbac-cluster-admin`.
   */
  takeovers(): ReadonlyMap<string, { subject: Subject; held: Held<RiskyGrant>[] }> {
    if (!this.#takeovers) {
      this.#takeovers = new Map();
      for (const [key, grants] of this.#bySubject) {
        const subject = grants[0]?.subject;
        if (!subject) continue;
        // resourceNames narrow a grant below everything (bind only `view`): that is not everything.
        const full = (entry: Held) => entry.severity === entry.permission.severity.cluster;
        const held = this.heldBy(subject).filter(
          (entry) => entry.permission.takeover && full(entry) && entry.grants.some((grant) => grant.scope.cluster),
        );
        if (held.length) this.#takeovers.set(key, { subject, held });
      }
    }
    return this.#takeovers;
  }

  /** Whether some binding hands the permission, through this rule, to a subject. */
  handsOut(rule: RoleRule, permission: RiskyPermission): boolean {
    if (!this.#handedOut) {
      this.#handedOut = new Map();
      for (const grants of this.#bySubject.values()) {
        for (const grant of grants) append(this.#handedOut, grant.rule, grant.permission);
      }
    }
    return this.#handedOut.get(rule)?.includes(permission) ?? false;
  }

  /** Per check, the roles with rules granting its permissions. */
  grantors(check: string): readonly { role: Role; held: Held[] }[] {
    this.#grantors ??= byCheck(
      [...this.#byRole.keys()],
      (role) => this.latent(role),
      (role, held) => ({ role, held }),
    );
    return this.#grantors.get(check) ?? [];
  }
}

/** Splits each item's held permissions by the check that reports them. */
function byCheck<T, H extends Held, R>(
  items: readonly T[],
  heldOf: (item: T) => H[],
  entry: (item: T, held: H[]) => R,
) {
  const result = new Map<string, R[]>();
  for (const item of items) {
    const split = new Map<string, H[]>();
    for (const held of heldOf(item)) append(split, held.permission.check, held);
    for (const [check, held] of split) append(result, check, entry(item, held));
  }
  return result;
}

function risky(
  permission: RiskyPermission,
  requirement: number,
  role: Role,
  rule: RoleRule,
  scope: Scope,
  match: Match,
): RiskyRule {
  return {
    permission,
    requirement,
    role,
    rule,
    scope,
    ...(match.names ? { names: match.names } : {}),
    severity: severityAt(permission, scope, match.narrowed),
  };
}

function memo<K, V>(cache: Map<K, V>, key: K, compute: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    cache.set(key, value);
  }
  return value;
}

/** Groups risky grants by permission, keeping permissions whose every requirement is met. */
function held<T extends RiskyRule>(grants: readonly T[]): Held<T>[] {
  const byPermission = new Map<RiskyPermission, T[]>();
  for (const grant of grants) append(byPermission, grant.permission, grant);
  const result: Held<T>[] = [];
  for (const [permission, list] of byPermission) {
    // The weakest link decides: a conjunction is only as strong as its most restricted requirement.
    let severity: Severity | undefined;
    for (let index = 0; index < permission.requires.length; index++) {
      // The strongest grant of each requirement, then the weakest of those.
      const strongest = worst(list.filter((grant) => grant.requirement === index).map((grant) => grant.severity));
      if (!strongest) {
        severity = undefined;
        break;
      }
      severity = severity === undefined || severityRank(strongest) > severityRank(severity) ? strongest : severity;
    }
    if (!severity) continue;
    const anchors = list.filter((grant) => grant.requirement === 0);
    result.push({ permission, grants: anchors.sort(bySeverity), severity });
  }
  return result;
}

/** The most severe of the values (the worst for the cluster). */
export function worst(values: readonly Severity[]): Severity | undefined {
  return values.reduce<Severity | undefined>(
    (a, b) => (a === undefined || severityRank(b) < severityRank(a) ? b : a),
    undefined,
  );
}

function bySeverity(a: RiskyRule, b: RiskyRule): number {
  return severityRank(a.severity) - severityRank(b.severity);
}

/** The risk index of an inventory, computed once for all the RBAC checks of a scan. */
export function riskOf(inventory: Inventory): RiskIndex {
  return derived(inventory, buildRiskIndex);
}

function buildRiskIndex(inventory: Inventory): RiskIndex {
  return new RiskIndex(rbacOf(inventory), inventory);
}
