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

/** Per technique: exposed, weakened, not observed, not assessed, or a question for the organization. */
export function techniqueStatuses(findings: readonly Finding[], checks: readonly AnyCheck[]): TechniqueStatus[] {
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
    const assessedBy = checksAssessing(technique, checks);
    const exposed = exposing.get(technique.id);
    if (exposed) {
      return { id: technique.id, status: 'exposed', findings: exposed.count, severity: exposed.severity, assessedBy };
    }
    const status = [...missing].some((id) => mitigates(id, technique))
      ? 'weakened'
      : assessedBy.length
        ? 'not-observed'
        : technique.detection.question
          ? 'question'
          : 'not-assessed';
    return { id: technique.id, status, findings: 0, assessedBy };
  });
}
