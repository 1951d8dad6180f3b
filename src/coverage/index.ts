import type { AnyCheck } from '../checks/define.js';
import { techniques } from '../matrix/index.js';
import type { Technique } from '../matrix/types.js';
import { type Severity, severityRank } from '../model/basics.js';
import type { Finding, MitigationState, TechniqueStatus } from '../model/report.js';
import { compareText } from '../util/text.js';
import { type DeclaredControl, observedBy } from './controls.js';
import type { ObservedMitigation } from './defenses.js';

/** A mitigation counts against a technique when the technique lists it or its parent (MS-M9005.003 → MS-M9005). */
export function mitigates(mitigationId: string, technique: Technique): boolean {
  return technique.mitigations.some((m) => mitigationId === m.id || mitigationId.startsWith(`${m.id}.`));
}

export function checksAssessing(technique: Technique, checks: readonly AnyCheck[]): string[] {
  return checks
    .filter((check) => check.exposes.includes(technique.id) || check.missing.some((m) => mitigates(m, technique)))
    .map((check) => check.id);
}

/** What is known of mitigations besides the findings: defenses observed in place, and the controls file. */
export interface MitigationFacts {
  readonly observed?: readonly ObservedMitigation[];
  readonly declared?: readonly DeclaredControl[];
}

/** A declaration's evidence, owner and review date, as the controls file gives them. */
function declaredEvidence(control: DeclaredControl): string[] {
  return [
    ...(control.evidence ? [control.evidence] : []),
    ...(control.owner ? [`owner: ${control.owner}`] : []),
    ...(control.reviewed ? [`reviewed: ${control.reviewed}`] : []),
  ];
}

/**
 * Per technique, in this precedence: exposed, weakened, mitigated, declared, then not-observed, not-assessed or a
 * question (see `TechniqueStatusValue`). A technique is mitigated (or declared) when nothing exposes or weakens it
 * and at least one of its mitigations is in place: the matrix lists alternatives and layers, any of which blocks
 * the technique where it holds, and a derivation only counts one that holds everywhere in the input.
 * A mitigation some finding reports missing is missing, whatever a derivation says; a declaration counts only for a
 * mitigation no scan can observe (`unobservableMitigations`).
 * `blind` checks (see `Analysis.blind`) read kinds the input could not list: what they found stands, but their
 * silence proves nothing, so a technique they assess is not-assessed, with the reason, rather than not-observed.
 */
export function techniqueStatuses(
  findings: readonly Finding[],
  checks: readonly AnyCheck[],
  blind: ReadonlyMap<string, readonly string[]> = new Map(),
  { observed = [], declared = [] }: MitigationFacts = {},
): TechniqueStatus[] {
  // One pass over the findings: scans produce tens of thousands of them, the matrix has forty techniques.
  const exposing = new Map<string, { count: number; severity: Severity }>();
  /** Per mitigation reported missing, per check, how many findings. */
  const missing = new Map<string, Map<string, number>>();
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
    for (const id of finding.mitigations) {
      const byCheck = missing.get(id) ?? new Map<string, number>();
      byCheck.set(finding.checkId, (byCheck.get(finding.checkId) ?? 0) + 1);
      missing.set(id, byCheck);
    }
  }
  const observedMissing: MitigationState[] = [...missing].map(([id, byCheck]) => ({
    id,
    by: 'observed',
    evidence: [...byCheck].map(([check, count]) => `${check}: ${count} finding${count === 1 ? '' : 's'}`),
  }));
  // A mitigation the scan observes is judged on its evidence, whatever a declaration says (the controls file warns).
  const declaredStates: MitigationState[] = declared
    .filter((control) => !observedBy(control.mitigation, checks))
    .map((control) => ({
      id: control.mitigation,
      by: 'declared',
      status: control.status,
      evidence: declaredEvidence(control),
    }));
  const stateOf = (mitigation: ObservedMitigation): MitigationState => ({
    id: mitigation.id,
    by: mitigation.by ?? 'observed',
    evidence: [...mitigation.evidence],
    ...(mitigation.probes ? { probes: [...mitigation.probes] } : {}),
  });
  const proven = observed.filter((mitigation) => !mitigation.unproven);
  const seenInPlace = new Set<string>(proven.map((mitigation) => mitigation.id));
  const present: MitigationState[] = [
    ...proven.filter((mitigation) => !missing.has(mitigation.id)).map(stateOf),
    ...declaredStates.filter((state) => state.status === 'implemented'),
  ];
  const absent = [...observedMissing, ...declaredStates.filter((state) => state.status !== 'implemented')];
  // Shown as such: neither in place nor missing. A finding or a declaration says more.
  const unproven = observed
    .filter((mitigation) => mitigation.unproven && !missing.has(mitigation.id) && !seenInPlace.has(mitigation.id))
    .filter((mitigation) => !declaredStates.some((state) => state.id === mitigation.id))
    .map(stateOf);
  // In matrix order, whatever order the findings, derivations and controls file came in.
  const byId = (a: MitigationState, b: MitigationState) => compareText(a.id, b.id);
  present.sort(byId);
  absent.sort(byId);

  return techniques.map((technique): TechniqueStatus => {
    const assessing = checksAssessing(technique, checks);
    const assessedBy = assessing.filter((id) => !blind.has(id));
    const undecided = unproven.filter((state) => mitigates(state.id, technique));
    const mitigations = {
      present: present.filter((state) => mitigates(state.id, technique)),
      missing: absent.filter((state) => mitigates(state.id, technique)),
      ...(undecided.length ? { unproven: undecided } : {}),
    };
    const base = { id: technique.id, findings: 0, assessedBy, mitigations };
    const exposed = exposing.get(technique.id);
    if (exposed) return { ...base, status: 'exposed', findings: exposed.count, severity: exposed.severity };
    if (mitigations.missing.length) return { ...base, status: 'weakened' };
    if (mitigations.present.length) {
      return {
        ...base,
        status: mitigations.present.some((state) => state.by !== 'declared') ? 'mitigated' : 'declared',
      };
    }
    const unread = [...new Set(assessing.flatMap((id) => blind.get(id) ?? []))];
    if (unread.length) {
      const reason = `could not list ${unread.join(', ')}, which ${assessing.filter((id) => blind.has(id)).join(', ')} need`;
      return { ...base, status: 'not-assessed', reason };
    }
    const status = assessedBy.length ? 'not-observed' : technique.detection.question ? 'question' : 'not-assessed';
    return { ...base, status };
  });
}

/** Every technique `not-assessed`, for `reason`: what a scan that read nothing can say. */
export function unassessed(reason: string): TechniqueStatus[] {
  return techniques.map((technique) => ({
    id: technique.id,
    status: 'not-assessed',
    findings: 0,
    assessedBy: [],
    mitigations: { present: [], missing: [] },
    reason,
  }));
}
