import type { Inventory } from '../inventory/index.js';
import type { TechniqueId } from '../matrix/types.js';
import type { Finding, ResourceRef } from '../model/report.js';
import { formatSubject } from '../rbac/format.js';
import { RISKY_PERMISSIONS, riskOf, TAKEOVER_CHECK } from '../rbac/risky.js';
import { covers, isClusterScoped, parseResource, WELL_KNOWN_RESOURCES, wellKnownGroup } from '../rbac/rules.js';
import { ANONYMOUS, isExpected, UNAUTHENTICATED } from '../rbac/subjects.js';
import type { Binding, PolicyRule, Scope, Subject } from '../rbac/types.js';
import { GENERATED_LABELS, listText, manifestText, uniqueFileName } from './text.js';
import type { FixContext, FixFile, FixGenerator, ObservedUsage } from './types.js';
import { parseUsageRequest, usageSubject } from './usage.js';

/**
 * Least privilege (MS-M9003) for each input binding that hands out a risky permission: a narrowed copy of its role —
 * wildcards expanded to the resources whose names are known, every risky verb on every risky resource of the
 * permission table dropped — bound to the same subjects by a new binding that replaces the old one (a binding's
 * roleRef cannot change). With `--audit`, what the subjects used in the log's window decides instead: grants never
 * used are dropped, with the window and the counts as evidence. Bindings to `system:anonymous` and
 * `system:unauthenticated` lose those subjects.
 */

type Json = Record<string, unknown>;

/** What `*` verbs expand to: the API's verbs on objects. escalate, bind, impersonate and approve are never implied. */
const OBJECT_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
/** Names of the catalogue that are only impersonated or approved, never read or written. */
const VIRTUAL = new Set(['users', 'groups', 'signers', 'uids', 'userextras']);
/** What `*` verbs also grant, beyond {@link OBJECT_VERBS}, on the resources that have them. */
const RBAC = 'rbac.authorization.k8s.io';
const SPECIAL_VERBS: readonly { verb: string; resources: readonly (readonly [string, string])[] }[] = [
  {
    verb: 'escalate',
    resources: [
      ['roles', RBAC],
      ['clusterroles', RBAC],
    ],
  },
  {
    verb: 'bind',
    resources: [
      ['roles', RBAC],
      ['clusterroles', RBAC],
    ],
  },
  {
    verb: 'impersonate',
    resources: [
      ['users', ''],
      ['groups', ''],
      ['serviceaccounts', ''],
      ['uids', 'authentication.k8s.io'],
    ],
  },
  { verb: 'approve', resources: [['signers', 'certificates.k8s.io']] },
];
const EVERYONE = new Set([ANONYMOUS, UNAUTHENTICATED]);
/** What a `*` of non-resource URLs narrows to: health and API discovery, not /metrics or debugging endpoints. */
const DISCOVERY_URLS = [
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/openapi/*',
];

/** One verb on one resource of one group: what a narrowed role keeps or drops. */
interface Permission {
  readonly verb: string;
  readonly group: string;
  /** `pods`, `pods/exec`. */
  readonly resource: string;
}

const permissionText = ({ verb, group, resource }: Permission) => `${verb} ${resource}${group ? `.${group}` : ''}`;

/** The permissions a rule grants, wildcards expanded over the known resources; unknown ones as written. */
function expand(rule: PolicyRule, scope: Scope): Permission[] {
  const verbs = rule.verbs.includes('*') ? OBJECT_VERBS : rule.verbs;
  const resources = rule.resources.includes('*')
    ? WELL_KNOWN_RESOURCES.filter(
        ([name, group]) => !VIRTUAL.has(name) && (rule.apiGroups.includes('*') || rule.apiGroups.includes(group)),
      ).map(([name]) => name)
    : rule.resources;
  const permissions: Permission[] = [];
  if (rule.verbs.includes('*'))
    for (const { verb, resources: names } of SPECIAL_VERBS)
      for (const [resource, group] of names) {
        const named = rule.resources.includes('*') || rule.resources.includes(resource);
        if (
          named &&
          (rule.apiGroups.includes('*') || rule.apiGroups.includes(group)) &&
          (scope.cluster || !isClusterScoped(resource))
        )
          permissions.push({ verb, group, resource });
      }
  for (const resource of resources) {
    const base = resource.split('/')[0] ?? resource;
    if (!scope.cluster && isClusterScoped(base)) continue;
    const known = wellKnownGroup(base);
    const groups = rule.apiGroups.includes('*')
      ? [known ?? '*']
      : rule.apiGroups.filter((g) => known === undefined || g === known);
    for (const group of groups) for (const verb of verbs) permissions.push({ verb, group, resource });
  }
  return permissions;
}

/** The risky permission of the table this one is part of, if any (those about particular objects, where it reaches them). */
function riskyCheck(permission: Permission, scope: Scope, inventory: Inventory): string | undefined {
  const [resource = '', subresource] = permission.resource.split('/');
  for (const row of RISKY_PERMISSIONS) {
    if (row.check === TAKEOVER_CHECK) continue;
    const targets = row.targets?.(inventory);
    if (targets && !targets.some((target) => covers(scope, target.namespace))) continue;
    const hit = row.requires.some(
      (requirement) =>
        requirement.verbs.includes(permission.verb) &&
        requirement.resources.some((text) => {
          const wanted = parseResource(text);
          return (
            wanted.resource === resource &&
            wanted.subresource === subresource &&
            (wanted.apiGroup === undefined || permission.group === '*' || wanted.apiGroup === permission.group)
          );
        }),
    );
    if (hit) return row.check;
  }
  return undefined;
}

/** Rules for these permissions: per group, the resources sharing a verb list in one rule. */
function rulesOf(permissions: readonly Permission[], resourceNames: readonly string[]): Json[] {
  const byGroup = new Map<string, Map<string, Set<string>>>();
  for (const { verb, group, resource } of permissions) {
    const resources = byGroup.get(group) ?? new Map<string, Set<string>>();
    resources.set(resource, (resources.get(resource) ?? new Set()).add(verb));
    byGroup.set(group, resources);
  }
  const rules: Json[] = [];
  for (const [group, resources] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    const byVerbs = new Map<string, string[]>();
    for (const [resource, verbs] of [...resources].sort(([a], [b]) => a.localeCompare(b))) {
      const key = OBJECT_VERBS.filter((verb) => verbs.has(verb))
        .concat([...verbs].filter((v) => !OBJECT_VERBS.includes(v)).sort())
        .join(',');
      byVerbs.set(key, [...(byVerbs.get(key) ?? []), resource]);
    }
    for (const [verbs, names] of byVerbs)
      rules.push({
        apiGroups: [group],
        resources: names,
        ...(resourceNames.length ? { resourceNames } : {}),
        verbs: verbs.split(','),
      });
  }
  return rules;
}

/** How a permission ranks for removal: the ways to more power first, then creating pods, then secrets. */
function removalRank({ verb, resource }: Permission): number {
  if (['escalate', 'bind', 'impersonate'].includes(verb)) return 0;
  if (verb === 'create' && resource === 'pods') return 1;
  if (resource.split('/')[0] === 'secrets') return 2;
  return 3;
}

/** What the binding's subjects used, as `verb resource` within its scope; undefined when the log has none of them. */
function usedBy(subjects: readonly Subject[], scope: Scope, usage: ObservedUsage) {
  const used = new Map<string, number>();
  let any = false;
  for (const subject of subjects) {
    const observed = usage.bySubject.get(usageSubject(subject));
    if (!observed) continue;
    any = true;
    for (const [key, count] of observed) {
      const { verb, resource, namespace } = parseUsageRequest(key);
      if (!scope.cluster && namespace !== scope.namespace) continue;
      used.set(`${verb} ${resource}`, (used.get(`${verb} ${resource}`) ?? 0) + count);
    }
  }
  return any ? used : undefined;
}

interface Narrowing {
  readonly kept: Permission[];
  readonly dropped: { permission: Permission; why: string }[];
  readonly nonResource: Json[];
  readonly evidence?: string;
}

function narrow(binding: Binding, subjects: readonly Subject[], context: FixContext): Narrowing {
  const role = binding.role;
  const kept: Permission[] = [];
  const dropped: { permission: Permission; why: string }[] = [];
  const nonResource: Json[] = [];
  const used = context.usage ? usedBy(subjects, binding.scope, context.usage) : undefined;
  for (const rule of role?.rules ?? []) {
    if (rule.nonResourceURLs.length) {
      nonResource.push({
        nonResourceURLs: rule.nonResourceURLs.flatMap((url) => (url === '*' ? DISCOVERY_URLS : [url])),
        verbs: rule.verbs.includes('*') ? ['get'] : rule.verbs,
      });
      continue;
    }
    for (const permission of expand(rule, binding.scope)) {
      if (used) {
        const count = used.get(`${permission.verb} ${permission.resource}`) ?? 0;
        if (count > 0) kept.push(permission);
        else dropped.push({ permission, why: 'never used in the window' });
        continue;
      }
      const risky = riskyCheck(permission, binding.scope, context.inventory);
      if (risky) dropped.push({ permission, why: risky });
      else kept.push(permission);
    }
  }
  dropped.sort((a, b) => removalRank(a.permission) - removalRank(b.permission));
  const usage = context.usage;
  const evidence =
    used && usage
      ? `the audit log from ${usage.from} to ${usage.to} shows ${[...used.values()].reduce((a, b) => a + b, 0)} request(s) by ${listText(subjects.map(formatSubject))}`
      : usage
        ? `the audit log from ${usage.from} to ${usage.to} shows no request by ${listText(subjects.map(formatSubject))}: narrowed by risk alone`
        : undefined;
  return { kept, dropped, nonResource, ...(evidence ? { evidence } : {}) };
}

const refOf = (binding: Binding): ResourceRef => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: binding.kind,
  namespace: binding.namespace,
  name: binding.name,
});

function subjectEntry(subject: Subject): Json {
  return subject.kind === 'ServiceAccount'
    ? { kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace ?? 'default' }
    : { kind: subject.kind, apiGroup: 'rbac.authorization.k8s.io', name: subject.name };
}

/** The rbac findings about these subjects (findings name the subject, located at its binding), or these objects. */
function findingsAbout(
  findings: readonly Finding[],
  subjects: readonly Subject[],
  refs: readonly ResourceRef[],
  checks: (checkId: string) => boolean = (checkId) => checkId.startsWith('rbac-'),
) {
  const same = (a: { kind: string; name: string; namespace?: string | null }, b: typeof a) =>
    a.kind === b.kind && a.name === b.name && (a.namespace ?? null) === (b.namespace ?? null);
  return findings.filter(
    (finding) =>
      checks(finding.checkId) &&
      (refs.some((ref) => same(ref, finding.resource)) || subjects.some((subject) => same(subject, finding.resource))),
  );
}

/** The input bindings that hand out a risky permission to a subject they are not expected to serve, each once. */
function riskyBindings(inventory: Inventory): Map<Binding, Subject[]> {
  const risk = riskOf(inventory);
  const found = new Map<Binding, Subject[]>();
  for (const binding of risk.rbac.bindings) {
    if (binding.origin !== 'input' || !binding.resource) continue;
    const subjects = binding.subjects
      .map((entry) => entry.subject)
      .filter(
        (subject) =>
          !isExpected(binding, subject) &&
          risk.heldBy(subject).some((held) => held.grants.some((grant) => grant.binding === binding)),
      );
    if (subjects.length) found.set(binding, subjects);
  }
  return found;
}

function narrowedFile(binding: Binding, riskySubjects: readonly Subject[], context: FixContext, path: string): FixFile {
  const role = binding.role;
  const subjects = binding.subjects.map((entry) => entry.subject).filter((subject) => !EVERYONE.has(subject.name));
  const { kept, dropped, nonResource, evidence } = narrow(binding, subjects, context);
  const roleKind = role?.kind ?? 'ClusterRole';
  const name = `kubematrix-${binding.name}`.slice(0, 253);
  const namespaced = roleKind === 'Role' ? { namespace: binding.namespace ?? 'default' } : {};
  const narrowedRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: roleKind,
    metadata: { name, ...namespaced, labels: GENERATED_LABELS },
    rules: [...rulesOf(kept, []), ...nonResource],
  };
  const newBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: binding.kind,
    metadata: { name, ...(binding.namespace ? { namespace: binding.namespace } : {}), labels: GENERATED_LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name },
    subjects: subjects.map(subjectEntry),
  };
  const risk = riskOf(context.inventory);
  // The old role goes too when the input defines it and nothing else binds it: unbound, it is latent power.
  const roleRemoved =
    role?.origin === 'input' && role.resource && risk.rbac.bindingsOf(role).every((other) => other === binding);
  const removes: ResourceRef[] = [refOf(binding), ...(roleRemoved && role?.resource ? [role.resource.ref] : [])];
  const closes = findingsAbout(context.findings, riskySubjects, removes);
  const lost = dropped.filter(({ why }) => why !== 'never used in the window');
  const unused = dropped.filter(({ why }) => why === 'never used in the window');
  const riskyKept = evidence
    ? kept.flatMap((permission) => {
        const why = riskyCheck(permission, binding.scope, context.inventory);
        return why ? [{ permission, why }] : [];
      })
    : [];
  const header = [
    `kubematrix fix: least privilege for ${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name} (role ${role ? `${role.kind} ${role.name}` : binding.roleRef.name}), MS-M9003`,
    `Replaces it with ${binding.kind} ${name} to a narrowed ${roleKind} ${name} (a binding's roleRef cannot change): apply this file, then delete the old binding${roleRemoved ? ' and its role' : ''}.`,
    ...(evidence ? [`Evidence: ${evidence}.`] : []),
    'Wildcards are expanded to the resources whose names kubematrix knows; custom resources and subresources a `*` covered are not kept: add those the subjects need by name.',
    ...(unused.length
      ? [
          `Proposed for removal, never used in the window: ${listText(unused.slice(0, 40).map(({ permission }) => permissionText(permission)))}${unused.length > 40 ? ` and ${unused.length - 40} more` : ''}.`,
        ]
      : []),
    ...(riskyKept.length
      ? [
          `Kept though risky, as the log shows them used: ${listText(riskyKept.map(({ permission, why }) => `${permissionText(permission)} (${why})`))}.`,
        ]
      : []),
    ...(lost.length
      ? [
          `Dropped as risky (the permission table of the rbac checks): ${listText(lost.slice(0, 40).map(({ permission, why }) => `${permissionText(permission)} (${why})`))}${lost.length > 40 ? ` and ${lost.length - 40} more` : ''}.`,
        ]
      : []),
    ...(binding.subjects.some((entry) => EVERYONE.has(entry.subject.name))
      ? [
          `Leaves out ${listText(binding.subjects.filter((entry) => EVERYONE.has(entry.subject.name)).map((entry) => entry.subject.name))}: no one without credentials keeps a grant.`,
        ]
      : []),
    `Closes: ${closes.length} finding(s) of the rbac checks on ${listText(riskySubjects.map(formatSubject))}.`,
  ];
  const breaks = lost.length
    ? [
        `${listText(subjects.map(formatSubject))} lose ${lost.length} risky permission(s) they hold today, such as ${listText(lost.slice(0, 3).map(({ permission }) => permissionText(permission)))}: grant back by name what the workload really does (kubematrix fix --audit LOG shows what it uses).`,
      ]
    : [];
  header.push(
    breaks.length ? `Would break: ${breaks.join(' ')}` : 'Would break: nothing the audit log shows the subjects using.',
  );
  const objects = [narrowedRole, newBinding];
  return {
    path,
    mitigation: 'MS-M9003',
    text: manifestText(header, objects),
    creates: objects,
    removes,
    closes: {
      techniques: [...new Set(closes.flatMap((finding) => finding.techniques))].sort() as TechniqueId[],
      findings: closes.map((finding) => finding.id),
    },
    breaks,
  };
}

/** A binding that is not risky but grants to anonymous or unauthenticated users: those subjects go. */
function everyoneFile(binding: Binding, context: FixContext, path: string): FixFile {
  const rest = binding.subjects.filter((entry) => !EVERYONE.has(entry.subject.name));
  const gone = binding.subjects.filter((entry) => EVERYONE.has(entry.subject.name)).map((entry) => entry.subject.name);
  const ref = refOf(binding);
  const closes = findingsAbout(
    context.findings,
    binding.subjects.map((entry) => entry.subject).filter((subject) => EVERYONE.has(subject.name)),
    [],
    (checkId) => checkId === 'rbac-anonymous-access',
  );
  const header = [
    `kubematrix fix: ${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name} stops granting ${binding.roleRef.name} to ${listText(gone)} (MS-M9003)`,
    rest.length
      ? 'Its other subjects keep it: the patch below is its new subjects list.'
      : 'It has no other subject: delete it.',
    `Closes: ${closes.length} finding(s) of rbac-anonymous-access.`,
    'Would break: requests without credentials that relied on it (health checks: use the kubelet, or a token).',
  ];
  const patch = { subjects: rest.map((entry) => subjectEntry(entry.subject)) };
  return {
    path,
    mitigation: 'MS-M9003',
    text: rest.length
      ? manifestText(header, [
          {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
            ...patch,
          },
        ])
      : `${header.map((line) => `# ${line}`).join('\n')}\n# kubectl delete ${binding.kind.toLowerCase()} ${binding.namespace ? `-n ${binding.namespace} ` : ''}${binding.name}\n`,
    ...(rest.length ? { patches: [{ target: ref, patch }] } : { removes: [ref] }),
    closes: {
      techniques: [...new Set(closes.flatMap((finding) => finding.techniques))].sort() as TechniqueId[],
      findings: closes.map((finding) => finding.id),
    },
    breaks: ['Requests without credentials that relied on it are refused.'],
  };
}

/** Narrowed roles for the input's risky bindings; bindings to everyone lose those subjects. */
export const rbacFixes: FixGenerator = (context) => {
  const risky = riskyBindings(context.inventory);
  // One file per definition: files may define a binding several times (a base and its overlays).
  const names = new Set<string>();
  const pathOf = (binding: Binding) => `MS-M9003-rbac/${uniqueFileName(refOf(binding), names)}`;
  const files = [...risky].map(([binding, subjects]) => narrowedFile(binding, subjects, context, pathOf(binding)));
  for (const binding of riskOf(context.inventory).rbac.bindings) {
    if (binding.origin !== 'input' || risky.has(binding) || !binding.role?.rules.length) continue;
    if (binding.subjects.some((entry) => EVERYONE.has(entry.subject.name) && entry.subject.kind !== 'ServiceAccount'))
      files.push(everyoneFile(binding, context, pathOf(binding)));
  }
  return files;
};
