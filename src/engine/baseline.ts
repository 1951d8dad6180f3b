import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { issueMessage } from '../inputs/errors.js';
import { formatPath } from '../inputs/path.js';
import { type Finding, Report } from '../model/report.js';

/**
 * Baselines: what a scan found before, matched to what it finds now. A finding is matched by its fingerprint, made
 * of what stays put while a repository moves around it: the check, the object's identity (API group, kind,
 * namespace, name) and the field path. Not the path the files were given by (`deploy/` or `./deploy/app.yaml`, a CI
 * checkout elsewhere), not the line (a comment added above), not the API version (`v1beta1` → `v1`), not the
 * message. The same identity defined in several files (a base and its overlays) gives equal fingerprints: they are
 * matched as many-to-many, in report order.
 */

/** Hex, 16 digits: see the module comment for what goes in. */
export function fingerprint(finding: Pick<Finding, 'checkId' | 'resource' | 'path'>): string {
  const { apiVersion, kind, namespace, name } = finding.resource;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return hash('sha256', [finding.checkId, group, kind, namespace ?? '', name, finding.path ?? ''].join('\u0000')).slice(
    0,
    16,
  );
}

export interface FindingChanges {
  /** Findings of the new scan the old one did not have, in report order. */
  readonly added: readonly Finding[];
  readonly unchanged: readonly Finding[];
  /** Findings of the old scan the new one no longer has. */
  readonly fixed: readonly Finding[];
}

/** Matches the findings of two scans by fingerprint. */
export function compareFindingSets(before: readonly Finding[], after: readonly Finding[]): FindingChanges {
  const remaining = new Map<string, Finding[]>();
  for (const finding of before) {
    const key = fingerprint(finding);
    const same = remaining.get(key);
    if (same) same.push(finding);
    else remaining.set(key, [finding]);
  }
  const added: Finding[] = [];
  const unchanged: Finding[] = [];
  for (const finding of after) {
    if (remaining.get(fingerprint(finding))?.shift()) unchanged.push(finding);
    else added.push(finding);
  }
  return { added, unchanged, fixed: [...remaining.values()].flat() };
}

/** The report with each finding marked `new` or `unchanged` against `before`, and the fixed ones listed. */
export function withBaseline(report: Report, before: Report, file: string): Report {
  const { added, unchanged, fixed } = compareFindingSets(before.findings, report.findings);
  const isNew = new Set(added);
  return {
    ...report,
    findings: report.findings.map((finding) => ({ ...finding, baseline: isNew.has(finding) ? 'new' : 'unchanged' })),
    baseline: { file, new: added.length, unchanged: unchanged.length, fixed: [...fixed] },
  };
}

export class ReportFileError extends Error {}

/**
 * A report `kubematrix scan -o json` wrote, read back and checked against the report's schema; a file that is not
 * one gets an error naming the file and the first field that is wrong, never quoting it.
 */
export async function readReport(file: string, cwd: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ReportFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ReportFileError(`${file}: not JSON: give a report of kubematrix scan -o json`);
  }
  const parsed = Report.safeParse(raw, { error: issueMessage });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = formatPath((issue?.path ?? []) as (string | number)[]) || '(top level)';
    throw new ReportFileError(
      `${file}: not a report of kubematrix scan -o json: ${field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
