import type { Report, TechniqueStatusValue } from '../model/report.js';

/** The mark of each technique status and what it says: the same in every text format, so a reader learns it once. */
export const statusMarks: Readonly<Record<TechniqueStatusValue, { readonly mark: string; readonly meaning: string }>> =
  {
    exposed: { mark: '!', meaning: 'exposed' },
    weakened: { mark: '~', meaning: 'a mitigation is missing' },
    mitigated: { mark: '#', meaning: 'mitigation in place' },
    declared: { mark: '=', meaning: 'declared in place by you' },
    'not-observed': { mark: '+', meaning: 'assessed, nothing found' },
    'not-assessed': { mark: '?', meaning: 'not visible in this input, or a question for you' },
    question: { mark: '?', meaning: 'not visible in this input, or a question for you' },
  };

/**
 * The mark beside the status of a technique the audit log showed happening (`scan --audit`): activity is not a status,
 * an exposed technique may be active or not.
 */
export const activityMark = { mark: '*', meaning: 'alerts in the audit log (scan --audit)' } as const;

/** A status's mark; one a report from a newer version may hold reads as not visible. */
export function statusMark(status: string): string {
  return (statusMarks as Readonly<Record<string, { mark: string }>>)[status]?.mark ?? '?';
}

/** Each mark with its meaning, once per mark, formatted by `entry`. */
export function statusLegend(entry: (mark: string, meaning: string) => string): string[] {
  const seen = new Set<string>();
  return Object.values(statusMarks).flatMap(({ mark, meaning }) => {
    if (seen.has(mark)) return [];
    seen.add(mark);
    return [entry(mark, meaning)];
  });
}

/**
 * Set after the status mark (`!>`) on a technique that a step of an attack path to a target uses: where fixing the
 * exposure also cuts a path.
 */
export const onPathMark = { mark: '>', meaning: 'on an attack path to a target (kubematrix paths)' } as const;

/** The status mark, and the on-path mark after it when `onPaths` counts a path. */
export function techniqueMark(status: string, onPaths = 0): string {
  return `${statusMark(status)}${onPaths ? onPathMark.mark : ''}`;
}

/**
 * How each state of a mitigation reads, the same in every format. `unproven`: a defense that may be in place but
 * could not be evaluated (a policy the admission engine cannot run): never shown as present, always with why.
 */
export const mitigationStates = {
  present: { mark: '✓', meaning: 'present' },
  missing: { mark: '✗', meaning: 'missing' },
  unproven: { mark: '?', meaning: 'unproven' },
} as const;

/** An unproven mitigation, once, with the techniques it would mitigate and why it is not proven. */
export interface UnprovenMitigation {
  readonly id: string;
  readonly techniques: readonly string[];
  /** What could not be proven, then why (the report's evidence). */
  readonly evidence: readonly string[];
}

/** The report's unproven mitigations, each once, in the order of the techniques that list them. */
export function unprovenMitigations(report: Report): UnprovenMitigation[] {
  const byId = new Map<string, { id: string; techniques: string[]; evidence: readonly string[] }>();
  for (const technique of report.techniques) {
    for (const state of technique.mitigations.unproven ?? []) {
      const entry = byId.get(state.id);
      if (entry) entry.techniques.push(technique.id);
      else byId.set(state.id, { id: state.id, techniques: [technique.id], evidence: state.evidence });
    }
  }
  return [...byId.values()];
}
