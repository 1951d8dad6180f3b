import type { FieldPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';
import type { TechniqueId } from '../matrix/types.js';
import { type Evidence, EXPECTED, type Severity, severityRank } from '../model/basics.js';
import { isDefaultRole } from '../rbac/defaults.js';
import { grantEvidence } from '../rbac/evidence.js';
import { describeHeld, formatGrant, formatRole, formatSubject, listSome, withEvidence } from '../rbac/format.js';
import {
  type Held,
  RBAC_TECHNIQUES,
  RISKY_PERMISSIONS,
  type RiskIndex,
  type RiskyGrant,
  type RiskyRule,
  riskOf,
  TAKEOVER_CHECK,
  worst,
} from '../rbac/risky.js';
import { isExpected, subjectKey, subjectResource } from '../rbac/subjects.js';
import type { Role, RoleRule, Subject } from '../rbac/types.js';
import { type Check, defineCheck, type FindingDraft } from './define.js';

type Metadata = Pick<Check, 'id' | 'title' | 'description' | 'rationale' | 'remediation'>;

/**
 * Declares a check that reports its rows of the risky-permission table: on each subject an input binding hands them
 * to (who holds the power, with the binding and rule as evidence), and on each input role that grants them but that
 * no binding hands to anyone (latent power). A subject with cluster-admin power is reported once, by
 * `rbac-cluster-admin`, naming every technique it opens, and left out of the other checks.
 */
export function defineRbacCheck(metadata: Metadata): Check<undefined> {
  const rows = RISKY_PERMISSIONS.filter((permission) => permission.check === metadata.id);
  if (!rows.length) throw new Error(`no risky permission is reported by '${metadata.id}'`);
  const takeover = metadata.id === TAKEOVER_CHECK;
  return defineCheck({
    ...metadata,
    severity: worst(rows.map((row) => row.severity.cluster)) ?? 'info',
    exposes: takeover ? RBAC_TECHNIQUES : [...new Set(rows.flatMap((row) => row.techniques))],
    missing: [],
    run({ inventory, report }) {
      const risk = riskOf(inventory);
      if (takeover) reportTakeovers(risk, inventory, report);
      reportSubjects(metadata.id, risk, inventory, report);
      reportRoles(metadata.id, risk, report);
    },
  });
}

/** The parts of a subject finding: what it can do, through what, and where that is written. */
interface Account {
  readonly parts: { text: string; evidence: string }[];
  readonly evidence: Evidence[];
  readonly techniques: Set<TechniqueId>;
  readonly severities: Severity[];
  anchor?: { resource: Resource; index: number };
  expected: boolean;
}

function account(subject: Subject, holding: readonly Held<RiskyGrant>[]): Account {
  const result: Account = { parts: [], evidence: [], techniques: new Set(), severities: [], expected: true };
  for (const held of bySeverity(holding)) {
    const fromInput = held.grants.filter((entry) => entry.binding.origin === 'input');
    const first = fromInput[0];
    if (!first?.binding.resource) continue;
    result.anchor ??= { resource: first.binding.resource, index: first.subjectIndex };
    result.expected &&= fromInput.every((entry) => isExpected(entry.binding, subject));
    result.severities.push(held.severity);
    for (const technique of held.permission.techniques) result.techniques.add(technique);
    result.parts.push({
      text: describeHeld(held.permission, fromInput),
      evidence: listSome(fromInput.map((entry) => formatGrant(entry))),
    });
    for (const grant of fromInput) result.evidence.push(...grantEvidence(grant));
  }
  return result;
}

function reportSubject(
  subject: Subject,
  found: Account,
  inventory: Inventory,
  report: (draft: FindingDraft) => void,
  say: (can: string) => string,
  techniques: readonly TechniqueId[],
): void {
  const { anchor, expected } = found;
  if (!anchor) return;
  const serviceAccount =
    subject.kind === 'ServiceAccount'
      ? inventory.find('ServiceAccount', subject.namespace, subject.name, anchor.resource)
      : undefined;
  report({
    resource: subjectResource(subject, anchor.resource, anchor.index, serviceAccount),
    severity: expected ? 'info' : (worst(found.severities) ?? 'info'),
    techniques,
    message: `${expected ? EXPECTED : ''}${say(withEvidence(found.parts))}`,
    evidence: unique(found.evidence),
  });
}

function reportTakeovers(risk: RiskIndex, inventory: Inventory, report: (draft: FindingDraft) => void): void {
  for (const { subject, held } of risk.takeovers().values()) {
    // Holding everything says it all; otherwise each way to give oneself everything.
    const wildcard = held.filter((entry) => entry.permission.check === TAKEOVER_CHECK);
    reportSubject(
      subject,
      account(subject, wildcard.length ? wildcard : held),
      inventory,
      report,
      (can) =>
        `${formatSubject(subject)} has cluster-admin power: it can ${can}, so every technique RBAC opens is open to it`,
      RBAC_TECHNIQUES,
    );
  }
}

function reportSubjects(
  check: string,
  risk: RiskIndex,
  inventory: Inventory,
  report: (draft: FindingDraft) => void,
): void {
  const takeovers = risk.takeovers();
  for (const { subject, held } of risk.holders(check)) {
    // Their one finding from rbac-cluster-admin says this and more.
    if (takeovers.has(subjectKey(subject))) continue;
    const found = account(subject, held);
    reportSubject(subject, found, inventory, report, (can) => `${formatSubject(subject)} can ${can}`, [
      ...found.techniques,
    ]);
  }
}

function reportRoles(check: string, risk: RiskIndex, report: (draft: FindingDraft) => void): void {
  const takeover = check === TAKEOVER_CHECK;
  for (const { role, held } of risk.grantors(check)) {
    const { resource } = role;
    // Kubernetes' own roles are part of every cluster: only bindings to them say something about this input.
    if (role.origin !== 'input' || !resource || isDefaultRole(role.name, resource.labels)) continue;
    const wildcards = latentWildcards(risk, role);
    // One finding per rule that grants something, at that rule.
    const byRule = new Map<
      string,
      { path: FieldPath; parts: string[]; techniques: Set<TechniqueId>; severity: Severity[] }
    >();
    for (const entry of bySeverity(held)) {
      for (const grant of entry.grants) {
        // Power a binding hands to someone is reported on that subject, with this rule as its evidence.
        if (risk.handsOut(grant.rule, entry.permission)) continue;
        // A `*` on `*` in `*` rule is one fact: rbac-cluster-admin reports it, naming every technique it opens.
        const wildcard = wildcards.get(grant.rule);
        if (wildcard && !takeover) continue;
        const path = rulePath(role, grant);
        const key = path.join('.');
        const found = byRule.get(key) ?? { path, parts: [], techniques: new Set(), severity: [] };
        byRule.set(key, found);
        const aggregated =
          grant.rule.declaredBy === role ? '' : ` (aggregated from ${formatRole(grant.rule.declaredBy)})`;
        const every = wildcard ? `, and so every technique RBAC opens (${wildcard.size})` : '';
        found.parts.push(`${describeHeld(entry.permission, [grant], false)}${aggregated}${every}`);
        for (const technique of wildcard ?? entry.permission.techniques) found.techniques.add(technique);
        found.severity.push(grant.severity);
      }
    }
    for (const { path, parts, techniques, severity } of byRule.values()) {
      report({
        resource,
        path,
        severity: worst(severity) ?? 'info',
        techniques: [...techniques],
        message: `${formatRole(role)} would let its holders ${[...new Set(parts)].join('; ')}; no binding here gives anyone this yet`,
      });
    }
  }
}

/**
 * The role's rules that grant everything (`*` verbs on `*` resources of `*` groups) and that no binding hands out,
 * each with the techniques of every risky permission it carries at the role's widest scope.
 */
function latentWildcards(risk: RiskIndex, role: Role): Map<RoleRule, Set<TechniqueId>> {
  const latent = risk.latent(role);
  const wildcards = new Map<RoleRule, Set<TechniqueId>>();
  for (const entry of latent) {
    if (entry.permission.check !== TAKEOVER_CHECK) continue;
    for (const grant of entry.grants) {
      if (!risk.handsOut(grant.rule, entry.permission)) wildcards.set(grant.rule, new Set());
    }
  }
  for (const entry of latent) {
    for (const grant of entry.grants) {
      for (const technique of entry.permission.techniques) wildcards.get(grant.rule)?.add(technique);
    }
  }
  return wildcards;
}

/** Several grants share a binding or a rule: each piece of evidence once. */
function unique(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((entry) => {
    const key = `${entry.type}\u0000${entry.text}\u0000${entry.location?.file ?? ''}:${entry.location?.line ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The rule itself, or for an aggregated ClusterRole its aggregationRule: the rule lives in another role. */
function rulePath(role: Role, grant: RiskyRule): FieldPath {
  return grant.rule.declaredBy === role ? ['rules', grant.rule.index] : ['aggregationRule'];
}

export function bySeverity<T extends Held>(held: readonly T[]): T[] {
  return [...held].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}
