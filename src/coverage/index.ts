import type { AnyCheck } from '../checks/define.js';
import { techniques } from '../matrix/index.js';
import type { Technique } from '../matrix/types.js';
import { type Finding, type Severity, severityRank, type TechniqueStatus } from '../model/report.js';

/** A mitigation counts against a technique when the technique lists it or its parent (MS-M9005.003 → MS-M9005). */
export function mitigates(mitigationId: string, technique: Technique): boolean {
  return technique.mitigations.some((m) => mitigationId === m.id || mitigationId.startsWith(`${m.id}.`));
}

export function checksAssessing(technique: Technique, checks: readonly AnyCheck[]): string[] {
  return checks
    .filter((check) => check.exposes.includes(technique.id) || check.missing.some((m) => mitigates(m, technique)))
    .map((check) => check.id);
}

/**
 * Per technique: exposed, weakened, not observed, not assessed, or a question for the organization.
 * `blind` checks (see `Analysis.blind`) read kinds the input could not list: what they found stands, but their
 * silence proves nothing, so a technique they assess is not-assessed, with the reason, rather than not-observed.
 */
export function techniqueStatuses(
  findings: readonly Finding[],
  checks: readonly AnyCheck[],
  blind: ReadonlyMap<string, readonly string[]> = new Map(),
): TechniqueStatus[] {
  // One pass over the findings: scans produce tens of thousands of them, the matrix has forty techniques.
  const exposing = new Map<string, { count: number; severity: Severity }>();
  const missing = new Set<string>();
  for (const finding of findings) {
    // Info findings are inventory (a CronJob exists, a controller holds its expected power), not exposure.
    if (finding.suppressed || finding.severity === 'info') continue;
    for (const id of finding.techniques) {
      const seen = exposing.get(id);
      if (!seen) exposing.set(id, { count: 1, severity: finding.severity });
      else {
        seen.count++;
        if (severityRank(finding.severity) < severityRank(seen.severity)) seen.severity = finding.severity;
      }
    }
    for (const id of finding.mitigations) missing.add(id);
  }
  return techniques.map((technique) => {
    const assessing = checksAssessing(technique, checks);
    const assessedBy = assessing.filter((id) => !blind.has(id));
    const exposed = exposing.get(technique.id);
    if (exposed) {
      return { id: technique.id, status: 'exposed', findings: exposed.count, severity: exposed.severity, assessedBy };
    }
    if ([...missing].some((id) => mitigates(id, technique))) {
      return { id: technique.id, status: 'weakened', findings: 0, assessedBy };
    }
    const unread = [...new Set(assessing.flatMap((id) => blind.get(id) ?? []))];
    if (unread.length) {
      const reason = `could not list ${unread.join(', ')}, which ${assessing.filter((id) => blind.has(id)).join(', ')} need`;
      return { id: technique.id, status: 'not-assessed', findings: 0, assessedBy, reason };
    }
    const status = assessedBy.length ? 'not-observed' : technique.detection.question ? 'question' : 'not-assessed';
    return { id: technique.id, status, findings: 0, assessedBy };
  });
}
