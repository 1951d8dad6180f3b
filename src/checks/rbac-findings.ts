import type { FieldPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';
import type { TechniqueId } from '../matrix/types.js';
import { type Severity, severityRank } from '../model/report.js';
import { isDefaultRole } from '../rbac/defaults.js';
import {
  describeHeld,
  formatBinding,
  formatGrant,
  formatRole,
  formatSubject,
  listSome,
  withEvidence,
} from '../rbac/format.js';
import { type Held, RISKY_PERMISSIONS, type RiskIndex, type RiskyRule, riskOf, worst } from '../rbac/risky.js';
import { isExpected, subjectResource } from '../rbac/subjects.js';
import type { Role } from '../rbac/types.js';
import { type Check, type CheckContext, defineCheck, type FindingDraft } from './define.js';

type Metadata = Pick<Check, 'id' | 'title' | 'description' | 'rationale' | 'remediation'>;

/**
 * Declares a check that reports its rows of the risky-permission table twice over: on each subject an input binding
 * hands them to (who holds the power), and on each input role that grants them (latent power, bound or not).
 * `also` reports anything else the check looks at.
 */
export function defineRbacCheck(
  metadata: Metadata,
  also?: (context: CheckContext<undefined>) => void,
): Check<undefined> {
  const rows = RISKY_PERMISSIONS.filter((permission) => permission.check === metadata.id);
  if (!rows.length) throw new Error(`no risky permission is reported by '${metadata.id}'`);
  return defineCheck({
    ...metadata,
    severity: worst(rows.map((row) => row.severity.cluster)) ?? 'info',
    exposes: [...new Set(rows.flatMap((row) => row.techniques))],
    missing: [],
    run(context) {
      const risk = riskOf(context.inventory);
      reportSubjects(metadata.id, risk, context.inventory, context.report);
      reportRoles(metadata.id, risk, context.report);
      also?.(context);
    },
  });
}

export const EXPECTED = 'expected for a system component: ';

function reportSubjects(
  check: string,
  risk: RiskIndex,
  inventory: Inventory,
  report: (draft: FindingDraft) => void,
): void {
  for (const { subject, held: holding } of risk.holders(check)) {
    const parts: { text: string; evidence: string }[] = [];
    const techniques = new Set<TechniqueId>();
    const severities: Severity[] = [];
    let anchor: { resource: Resource; index: number } | undefined;
    let expected = true;
    for (const held of bySeverity(holding)) {
      const fromInput = held.grants.filter((entry) => entry.binding.origin === 'input');
      const first = fromInput[0];
      if (!first?.binding.resource) continue;
      anchor ??= { resource: first.binding.resource, index: first.subjectIndex };
      expected &&= fromInput.every((entry) => isExpected(entry.binding, subject));
      severities.push(held.severity);
      for (const technique of held.permission.techniques) techniques.add(technique);
      parts.push({
        text: describeHeld(held.permission, fromInput),
        evidence: listSome(fromInput.map((entry) => formatGrant(entry))),
      });
    }
    if (!anchor) continue;
    const account =
      subject.kind === 'ServiceAccount' ? inventory.find('ServiceAccount', subject.namespace, subject.name) : undefined;
    report({
      resource: subjectResource(subject, anchor.resource, anchor.index, account),
      severity: expected ? 'info' : (worst(severities) ?? 'info'),
      techniques: [...techniques],
      message: `${expected ? EXPECTED : ''}${formatSubject(subject)} can ${withEvidence(parts)}`,
    });
  }
}

function reportRoles(check: string, risk: RiskIndex, report: (draft: FindingDraft) => void): void {
  for (const { role, held } of risk.grantors(check)) {
    const { resource } = role;
    // Kubernetes' own roles are part of every cluster: only bindings to them say something about this input.
    if (role.origin !== 'input' || !resource || isDefaultRole(role.name, resource.labels)) continue;
    const { boundTo, expected } = holdersOf(role, risk);

    // One finding per rule that grants something, at that rule.
    const byRule = new Map<
      string,
      { path: FieldPath; parts: string[]; techniques: Set<TechniqueId>; severity: Severity[] }
    >();
    for (const entry of bySeverity(held)) {
      for (const grant of entry.grants) {
        const path = rulePath(role, grant);
        const key = path.join('.');
        const found = byRule.get(key) ?? { path, parts: [], techniques: new Set(), severity: [] };
        byRule.set(key, found);
        const aggregated =
          grant.rule.declaredBy === role ? '' : ` (aggregated from ${formatRole(grant.rule.declaredBy)})`;
        found.parts.push(`${describeHeld(entry.permission, [grant], false)}${aggregated}`);
        for (const technique of entry.permission.techniques) found.techniques.add(technique);
        found.severity.push(grant.severity);
      }
    }
    for (const { path, parts, techniques, severity } of byRule.values()) {
      report({
        resource,
        path,
        severity: expected ? 'info' : (worst(severity) ?? 'info'),
        techniques: [...techniques],
        message: `${expected ? EXPECTED : ''}${formatRole(role)} lets its holders ${[...new Set(parts)].join('; ')}; ${boundTo}`,
      });
    }
  }
}

const holdersCache = new WeakMap<Role, { boundTo: string; expected: boolean }>();

/** Whom the input binds the role to, and whether all of them are system components; shared by every check. */
function holdersOf(role: Role, risk: RiskIndex): { boundTo: string; expected: boolean } {
  let holders = holdersCache.get(role);
  if (!holders) {
    const bindings = risk.rbac.bindingsOf(role);
    const names = bindings.flatMap((binding) =>
      binding.subjects.map((entry) => `${formatSubject(entry.subject)} (${formatBinding(binding)})`),
    );
    holders = {
      boundTo: names.length ? `bound to ${listSome(names)}` : 'bound to nobody here',
      expected:
        names.length > 0 &&
        bindings.every((binding) => binding.subjects.every((entry) => isExpected(binding, entry.subject))),
    };
    holdersCache.set(role, holders);
  }
  return holders;
}

/** The rule itself, or for an aggregated ClusterRole its aggregationRule: the rule lives in another role. */
function rulePath(role: Role, grant: RiskyRule): FieldPath {
  return grant.rule.declaredBy === role ? ['rules', grant.rule.index] : ['aggregationRule'];
}

export function bySeverity<T extends Held>(held: readonly T[]): T[] {
  return [...held].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}
