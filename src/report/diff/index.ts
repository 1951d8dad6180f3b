import type { ReportDiff, TechniqueChange, TechniqueChangeKind } from '../../engine/diff.js';
import { getTechnique } from '../../matrix/index.js';
import type { Finding } from '../../model/report.js';
import { code, escapeMarkdown } from '../markdown/index.js';
import { plural, resourceName, where } from '../terminal/findings.js';

/** `kubematrix diff`'s outputs: the same story as a table for a terminal, Markdown for a pull request, JSON. */

/** The two reports as given on the command line. */
export interface DiffFiles {
  readonly before: string;
  readonly after: string;
}

const headings: Readonly<Record<TechniqueChangeKind, string>> = {
  'newly-exposed': 'Newly exposed',
  'no-longer-exposed': 'No longer exposed',
  'newly-mitigated': 'Newly mitigated',
  changed: 'Other status changes',
};
const kinds = Object.keys(headings) as TechniqueChangeKind[];
/** Findings listed per section; the JSON has them all. */
const LISTED = 20;

function techniqueName(id: string): string {
  return `${id} ${getTechnique(id)?.name ?? ''}`.trimEnd();
}

function findingLine(finding: Finding): string {
  const at = finding.location ? where(finding.location) : finding.uri;
  return `${finding.severity} ${finding.checkId} on ${resourceName(finding.resource)}${at ? ` (${at})` : ''}: ${finding.message}`;
}

/** "exposed via privileged-container on Deployment/shop/web (deploy/web.yaml:12:9), and 2 more". */
function via(change: TechniqueChange): string {
  const [first] = change.via;
  if (!first) return '';
  const at = first.location ? where(first.location) : first.uri;
  const more = change.via.length > 1 ? `, and ${plural(change.via.length - 1, 'more finding')}` : '';
  return ` via ${first.checkId} on ${resourceName(first.resource)}${at ? ` (${at})` : ''}${more}`;
}

function summaryLine(diff: ReportDiff): string {
  const count = (kind: TechniqueChangeKind) => diff.techniques.filter((change) => change.kind === kind).length;
  const paths = diff.paths ? `; attack paths: ${diff.paths.new.length} new, ${diff.paths.cut.length} cut` : '';
  return `${count('newly-exposed')} techniques newly exposed, ${count('no-longer-exposed')} no longer exposed, ${count('newly-mitigated')} newly mitigated; findings: ${diff.findings.new.length} new, ${diff.findings.fixed.length} fixed, ${diff.findings.unchanged} unchanged${paths}.`;
}

export function renderDiffTable(diff: ReportDiff, files: DiffFiles): string {
  const lines = [`kubematrix diff ${files.before} → ${files.after}`, summaryLine(diff), ''];
  for (const kind of kinds) {
    const changes = diff.techniques.filter((change) => change.kind === kind);
    if (!changes.length) continue;
    lines.push(`${headings[kind]} (${changes.length}):`);
    for (const change of changes) {
      lines.push(`  ${techniqueName(change.id)}: ${change.before} → ${change.after}${via(change)}`);
    }
    lines.push('');
  }
  for (const [title, list] of [
    ['New findings', diff.findings.new],
    ['Fixed findings', diff.findings.fixed],
  ] as const) {
    if (!list.length) continue;
    lines.push(`${title} (${list.length}):`, ...list.slice(0, LISTED).map((finding) => `  ${findingLine(finding)}`));
    if (list.length > LISTED) lines.push(`  … ${plural(list.length - LISTED, 'more')}: -o json lists every one`);
    lines.push('');
  }
  if (diff.paths) {
    for (const [title, list] of [
      ['New attack paths', diff.paths.new],
      ['Cut attack paths', diff.paths.cut],
    ] as const) {
      if (!list.length) continue;
      lines.push(`${title} (${list.length}):`, ...list.slice(0, LISTED).map((view) => `  ${view.path.join(' → ')}`));
      if (list.length > LISTED) lines.push(`  … ${plural(list.length - LISTED, 'more')}: -o json lists every one`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderDiffMarkdown(diff: ReportDiff, files: DiffFiles): string {
  const lines = [
    '## kubematrix: what this change does to the Threat Matrix for Kubernetes',
    '',
    `${code(files.before)} → ${code(files.after)}: ${escapeMarkdown(summaryLine(diff))}`,
    '',
  ];
  const exposed = diff.techniques.filter((change) => change.kind === 'newly-exposed');
  // The sentence a reviewer needs first: what this change exposes, and through what.
  for (const change of exposed)
    lines.push(`- **This change exposes ${techniqueName(change.id)}**${escapeMarkdown(via(change))}`);
  for (const change of diff.techniques.filter((c) => c.kind !== 'newly-exposed')) {
    lines.push(`- ${headings[change.kind]}: ${techniqueName(change.id)} (${change.before} → ${change.after})`);
  }
  if (diff.techniques.length) lines.push('');
  for (const [title, list] of [
    ['New findings', diff.findings.new],
    ['Fixed findings', diff.findings.fixed],
  ] as const) {
    if (!list.length) continue;
    lines.push(
      `### ${title} (${list.length})`,
      '',
      '| Severity | Check | Resource | Where | Message |',
      '| --- | --- | --- | --- | --- |',
      ...list
        .slice(0, LISTED)
        .map(
          (finding) =>
            `| ${finding.severity} | ${finding.checkId} | ${code(resourceName(finding.resource))} | ${code(finding.location ? where(finding.location) : (finding.uri ?? ''))} | ${escapeMarkdown(finding.message)} |`,
        ),
      ...(list.length > LISTED ? ['', `… and ${list.length - LISTED} more.`] : []),
      '',
    );
  }
  if (diff.paths?.new.length || diff.paths?.cut.length) {
    for (const [title, list] of [
      ['New attack paths', diff.paths.new],
      ['Cut attack paths', diff.paths.cut],
    ] as const) {
      if (!list.length) continue;
      lines.push(
        `### ${title} (${list.length})`,
        '',
        ...list.slice(0, LISTED).map((view) => `- ${escapeMarkdown(view.path.join(' → '))}`),
        '',
      );
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderDiffJson(diff: ReportDiff, files: DiffFiles): string {
  const json = {
    before: files.before,
    after: files.after,
    techniques: diff.techniques.map(({ via: found, ...change }) => ({ ...change, via: found.map((f) => f.id) })),
    findings: diff.findings,
    ...(diff.paths ? { paths: diff.paths } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
