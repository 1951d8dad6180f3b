import type { TechniqueStatusValue } from '../model/report.js';

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
