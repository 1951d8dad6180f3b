import { scanManifests } from '../../engine/scan.js';
import { getTechnique } from '../../matrix/index.js';
import { type Severity, severityRank } from '../../model/report.js';
import {
  describeHeld,
  formatBinding,
  formatGrant,
  formatRole,
  formatRule,
  formatScope,
  formatSubject,
} from '../../rbac/format.js';
import { type Rbac, rbacOf } from '../../rbac/model.js';
import { type Held, type RiskIndex, type RiskyGrant, riskOf } from '../../rbac/risky.js';
import { memberships, parseSubjectKind, subjectKey, toSubject } from '../../rbac/subjects.js';
import type { Binding, Grant, Scope, Subject } from '../../rbac/types.js';
import { ExitCode, UsageError } from '../io.js';
import { parseOutput } from '../options.js';

export interface RbacCommandOptions {
  output: string;
  namespace?: string;
}

/** `kubematrix rbac who-can VERB RESOURCE [PATHS…]`: subjects that can, and the bindings and roles that let them. */
export async function whoCan(verb: string, resource: string, paths: string[], options: RbacCommandOptions) {
  const output = parseOutput(options.output, ['table', 'json']);
  const loaded = await load(paths);
  if (!loaded) return ExitCode.usage;
  const found = loaded.rbac.whoCan(verb, resource, options.namespace);
  if (output === 'json') {
    const subjects = found.map((who) => ({
      subject: who.subject,
      scope: scopeJson(who.scope),
      ...(who.names ? { names: who.names } : {}),
      grants: who.grants.map((grant) => grantJson(grant)),
    }));
    const query = { verb, resource, ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) };
    process.stdout.write(`${JSON.stringify({ ...query, subjects }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const where = options.namespace === undefined ? 'anywhere' : `in namespace ${options.namespace}`;
  const lines = [`Who can ${verb} ${resource} ${where}: ${found.length ? `${found.length} subject(s)` : 'nobody'}`];
  for (const who of found) {
    const names = who.names ? `, only ${who.names.join(', ')}` : '';
    lines.push('', `  ${formatSubject(who.subject)}  ${formatScope(who.scope)}${names}`);
    lines.push(...grantLines(who.grants, '    '));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** `kubematrix rbac subject KIND/NAME [PATHS…]`: what the subject may do, grouped by the techniques it opens. */
export async function subject(spec: string, paths: string[], options: RbacCommandOptions) {
  const output = parseOutput(options.output, ['table', 'json']);
  const [kindText = '', name = ''] = spec.split(/\/(.*)/s);
  const kind = parseSubjectKind(kindText);
  if (!kind || !name) {
    throw new UsageError(`give the subject as KIND/NAME, e.g. sa/deployer, user/alice or group/devs (got '${spec}')`);
  }
  const loaded = await load(paths);
  if (!loaded) return ExitCode.usage;
  const { rbac } = loaded;
  const risk = riskOf(loaded.inventory);
  const views = resolveSubjects(rbac, kind, name, options.namespace).map((who) => subjectView(rbac, risk, who));
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(views.length === 1 ? views[0] : views, null, 2)}\n`);
    return ExitCode.ok;
  }
  const lines: string[] = [];
  for (const view of views) lines.push(...renderSubject(rbac, view), '');
  process.stdout.write(`${lines.join('\n')}`);
  return ExitCode.ok;
}

async function load(paths: string[]) {
  if (!paths.length) throw new UsageError("give at least one file or directory, or '-' to read standard input");
  const { report, inventory } = await scanManifests(paths, { checks: [] });
  for (const error of report.errors) {
    const where = error.line ? `${error.source}:${error.line}:${error.column ?? 1}` : error.source;
    process.stderr.write(`kubematrix: ${where}: ${error.message}\n`);
  }
  // Nothing readable is an input error; a few broken files among many are reported and the rest answers.
  if (report.source.files === 0 && report.errors.length) return undefined;
  return { rbac: rbacOf(inventory), inventory };
}

/**
 * A ServiceAccount named without namespace may exist in several: each one found is shown. The user
 * `system:serviceaccount:NS:NAME` is read as bindings read it, as that ServiceAccount.
 */
function resolveSubjects(rbac: Rbac, kind: Subject['kind'], name: string, namespace: string | undefined): Subject[] {
  const named = toSubject({ kind, name }, null);
  if (named?.kind === 'ServiceAccount' && kind === 'User') return [named];
  if (kind !== 'ServiceAccount') return [{ kind, namespace: null, name }];
  if (namespace !== undefined) return [{ kind, namespace, name }];
  const known = rbac.subjects.filter((who) => who.kind === kind && who.name === name);
  return known.length ? known : [{ kind, namespace: null, name }];
}

interface TechniqueView {
  id: string;
  name: string;
  severity: Severity;
  permissions: { action: string; description: string; severity: Severity; check: string; grants: object[] }[];
}

function subjectView(rbac: Rbac, risk: RiskIndex, who: Subject) {
  const held = risk.effective(who);
  const techniques = new Map<string, TechniqueView>();
  for (const entry of held) {
    for (const id of entry.permission.techniques) {
      const view = techniques.get(id) ?? {
        id,
        name: getTechnique(id)?.name ?? '',
        severity: entry.severity,
        permissions: [],
      };
      techniques.set(id, view);
      if (severityRank(entry.severity) < severityRank(view.severity)) view.severity = entry.severity;
      view.permissions.push(heldJson(entry, who));
    }
  }
  return {
    subject: who,
    groups: memberships(who)
      .slice(1)
      .map((group) => group.name),
    techniques: [...techniques.values()].sort(
      (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.id.localeCompare(b.id),
    ),
    permissions: rbac.permissionsOf(who).map((grant) => ({ ...grantJson(grant, who), scope: scopeJson(grant.scope) })),
    unresolved: unresolvedFor(rbac, who).map((binding) => ({
      binding: bindingJson(binding),
      roleRef: binding.roleRef,
    })),
  };
}

/** Bindings naming the subject or one of its groups whose role is nowhere: they grant nothing. */
function unresolvedFor(rbac: Rbac, who: Subject): Binding[] {
  return [...new Set(memberships(who).flatMap((member) => rbac.bindingsTo(member)))].filter((binding) => !binding.role);
}

function renderSubject(rbac: Rbac, view: ReturnType<typeof subjectView>): string[] {
  const lines = [formatSubject(view.subject)];
  if (view.groups.length) lines.push(`  groups: ${view.groups.join(', ')}`);
  lines.push('', `  Techniques its permissions open: ${view.techniques.length || 'none'}`);
  for (const technique of view.techniques) {
    lines.push(`    ${technique.id} ${technique.name}  [${technique.severity}]`);
    for (const permission of technique.permissions)
      lines.push(`      ${permission.description}  [${permission.check}]`);
  }
  const grants = rbac.permissionsOf(view.subject);
  lines.push('', `  Permissions: ${grants.length ? `${grants.length} rule(s)` : 'none'}`);
  for (const grant of grants) {
    lines.push(`    ${formatScope(grant.scope)}: ${formatRule(grant.rule)}`);
    lines.push(`      ${formatGrant(grant, view.subject)}${locationOf(grant.binding, grant.subjectIndex)}`);
  }
  const unresolved = unresolvedFor(rbac, view.subject);
  if (unresolved.length) {
    lines.push('', '  Bindings that grant nothing (role not found):');
    for (const binding of unresolved) {
      lines.push(
        `    ${formatBinding(binding)} → ${binding.roleRef.kind} ${binding.roleRef.name}${locationOf(binding)}`,
      );
    }
  }
  return lines;
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

/** Each binding and role once, with the rules it grants through them and where the binding names the subject. */
function grantLines(grants: readonly Grant[], indent: string): string[] {
  const byBinding = new Map<string, { grant: Grant; rules: string[] }>();
  for (const grant of grants) {
    const key = `${formatGrant(grant)}\u0000${grant.subjectIndex}`;
    const entry = byBinding.get(key) ?? { grant, rules: [] };
    byBinding.set(key, entry);
    entry.rules.push(ruleRef(grant));
  }
  return [...byBinding.values()].map(
    ({ grant, rules }) =>
      `${indent}${formatGrant(grant)} (${[...new Set(rules)].join(', ')})${locationOf(grant.binding, grant.subjectIndex)}`,
  );
}

function ruleRef(grant: Grant): string {
  const { rule, role } = grant;
  return `${rule.declaredBy === role ? '' : `${formatRole(rule.declaredBy)} `}rules[${rule.index}]`;
}

/** Where the binding names the subject (its `subjects` entry), or the binding itself. */
function locate(binding: Binding, subjectIndex?: number) {
  return binding.resource?.locate(subjectIndex === undefined ? [] : ['subjects', subjectIndex]);
}

function locationOf(binding: Binding, subjectIndex?: number): string {
  const location = locate(binding, subjectIndex);
  return location ? `  ${location.file}:${location.line}` : '';
}

function scopeJson(scope: Scope) {
  return scope.cluster ? { cluster: true } : { namespace: scope.namespace };
}

function bindingJson(binding: Binding, subjectIndex?: number) {
  const location = locate(binding, subjectIndex);
  return {
    kind: binding.kind,
    namespace: binding.namespace,
    name: binding.name,
    origin: binding.origin,
    ...(location ? { location: { file: location.file, line: location.line } } : {}),
  };
}

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
