import {
  describeHeld,
  formatBinding,
  formatGrant,
  formatRole,
  formatRule,
  formatScope,
  formatSubject,
} from '../../rbac/format.js';
import type { WhoCan } from '../../rbac/model.js';
import { bindingLocation, type SubjectProfile, type WhoCanQuery } from '../../rbac/queries.js';
import type { Binding, Grant } from '../../rbac/types.js';
import { namespaceNote } from './findings.js';
import { printable, printed } from './text.js';

// Names, namespaces, rules and file names come from the input: every interpolation is made printable.

/** `kubematrix rbac who-can`: each subject and scope, then each binding and role once with the rules it grants. */
export function renderWhoCan(query: WhoCanQuery, found: readonly WhoCan[]): string {
  const where = query.namespace === undefined ? 'anywhere' : printed`in namespace ${query.namespace}`;
  const lines = [
    printed`Who can ${query.verb} ${query.resource} ${where}: ${found.length ? `${found.length} subject(s)` : 'nobody'}`,
  ];
  for (const who of found) {
    const names = who.names ? printed`, only ${who.names.join(', ')}` : '';
    lines.push('', printed`  ${formatSubject(who.subject)}  ${formatScope(who.scope)}${names}`);
    lines.push(...grantLines(who.grants, '    '));
  }
  return `${lines.join('\n')}\n`;
}

/** `kubematrix rbac subject`: each subject, its groups, the techniques it opens, its rules and dangling bindings. */
export function renderSubjects(profiles: readonly SubjectProfile[]): string {
  const lines: string[] = [];
  for (const profile of profiles) lines.push(...renderSubject(profile), '');
  return lines.join('\n');
}

function renderSubject({ subject, groups, techniques, permissions, unresolved }: SubjectProfile): string[] {
  const lines = [printable(formatSubject(subject))];
  if (groups.length) lines.push(printed`  groups: ${groups.join(', ')}`);
  lines.push('', `  Techniques its permissions open: ${techniques.length || 'none'}`);
  for (const technique of techniques) {
    lines.push(`    ${technique.id} ${technique.name}  [${technique.severity}]`);
    for (const entry of technique.held) {
      lines.push(printed`      ${describeHeld(entry.permission, entry.grants)}  [${entry.permission.check}]`);
    }
  }
  lines.push('', `  Permissions: ${permissions.length ? `${permissions.length} rule(s)` : 'none'}`);
  for (const grant of permissions) {
    lines.push(printed`    ${formatScope(grant.scope)}: ${formatRule(grant.rule)}`);
    lines.push(printed`      ${formatGrant(grant, subject)}${locationOf(grant.binding, grant.subjectIndex)}`);
  }
  if (unresolved.length) {
    lines.push('', '  Bindings that grant nothing (role not found):');
    for (const binding of unresolved) {
      lines.push(
        printed`    ${formatBinding(binding)} → ${binding.roleRef.kind} ${binding.roleRef.name}${locationOf(binding)}`,
      );
    }
  }
  return lines;
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
      printed`${indent}${formatGrant(grant)} (${[...new Set(rules)].join(', ')})${locationOf(grant.binding, grant.subjectIndex)}`,
  );
}

function ruleRef(grant: Grant): string {
  const { rule, role } = grant;
  return `${rule.declaredBy === role ? '' : `${formatRole(rule.declaredBy)} `}rules[${rule.index}]`;
}

function locationOf(binding: Binding, subjectIndex?: number): string {
  const location = bindingLocation(binding, subjectIndex);
  if (!location) return '';
  const note = namespaceNote(location);
  return printed`  ${location.file}:${location.line}${note ? ` (${note})` : ''}`;
}
