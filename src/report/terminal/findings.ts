import { getMitigation, getTechnique, tactics } from '../../matrix/index.js';
import { type Finding, type Report, severities, severityRank } from '../../model/report.js';
import type { ReportOptions } from '../index.js';
import { formatInputError } from './errors.js';
import { type Paint, paint as painter, severityStyle } from './paint.js';
import { indent, wrap } from './text.js';

/**
 * Findings grouped by tactic, then technique (worst first), each with its file:line, field and fix.
 * A finding naming several techniques is listed under the first and refers to the others.
 * Hardening gaps (missing mitigations that expose nothing by themselves) follow, then errors and a summary.
 */
export function renderFindings(report: Report, { width, color, showSuppressed }: ReportOptions): string {
  const paint = painter(color);
  const visible = report.findings.filter((finding) => showSuppressed || !finding.suppressed);
  const text = Math.max(Math.min(width, 120) - 6, 40);
  const lines: string[] = [];
  const shown = new Set<Finding>();

  for (const tactic of tactics) {
    const groups = tactic.techniques
      .map((id) => ({ id, findings: visible.filter((f) => f.techniques[0] === id && !shown.has(f)) }))
      .filter((group) => group.findings.length)
      .sort((a, b) => worst(a.findings) - worst(b.findings));
    if (!groups.length) continue;
    lines.push(paint(['bold', 'underline'], tactic.name));
    for (const group of groups) {
      lines.push(`  ${paint('bold', `${group.id} ${getTechnique(group.id)?.name ?? ''}`)}`);
      for (const finding of group.findings) {
        shown.add(finding);
        lines.push(...renderFinding(finding, paint, text));
      }
    }
    lines.push('');
  }

  const gaps = visible.filter((finding) => !finding.techniques.length);
  if (gaps.length) {
    lines.push(paint(['bold', 'underline'], 'Hardening gaps (missing mitigations)'));
    for (const finding of gaps) lines.push(...renderFinding(finding, paint, text));
    lines.push('');
  }

  if (report.errors.length) {
    lines.push(paint(['bold', 'underline'], `Input errors (${report.errors.length}); everything else was scanned`));
    for (const error of report.errors) lines.push(`  ${formatInputError(error, paint)}`);
    lines.push('');
  }

  lines.push(summary(report, paint));
  return `${lines.join('\n')}\n`;
}

function renderFinding(finding: Finding, paint: Paint, width: number): string[] {
  const { kind, namespace, name } = finding.resource;
  const where = finding.location
    ? `${finding.location.file}:${finding.location.line}:${finding.location.column}`
    : (finding.uri ?? '');
  const label = paint(severityStyle[finding.severity], finding.severity.toUpperCase().padEnd(8));
  const lines = [`    ${label} ${kind}/${namespace ? `${namespace}/` : ''}${name}  ${paint('gray', where)}`];
  const also = finding.techniques.slice(1);
  const details = [
    finding.message,
    ...(finding.path ? [`field: ${finding.path}`] : []),
    ...(also.length ? [`also: ${also.map((id) => `${id} ${getTechnique(id)?.name ?? ''}`).join('; ')}`] : []),
    ...(finding.mitigations.length
      ? [`missing: ${finding.mitigations.map((id) => `${id} ${getMitigation(id)?.name ?? ''}`).join('; ')}`]
      : []),
    `fix: ${finding.remediation}`,
    ...(finding.suppressed ? [`suppressed (${finding.suppressed.by}): ${finding.suppressed.reason}`] : []),
    `check: ${finding.checkId}`,
  ];
  for (const detail of details) lines.push(...indent(wrap(detail, width - 8), '             '));
  return lines;
}

function worst(findings: readonly Finding[]): number {
  return Math.min(...findings.map((finding) => severityRank(finding.severity)));
}

function summary(report: Report, paint: Paint): string {
  const active = report.findings.filter((finding) => !finding.suppressed);
  const counts = severities
    .map((severity) => [severity, active.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count)
    .map(([severity, count]) => paint(severityStyle[severity], `${count} ${severity}`));
  const statuses = new Map<string, number>();
  for (const technique of report.techniques) statuses.set(technique.status, (statuses.get(technique.status) ?? 0) + 1);
  const suppressed = report.findings.length - active.length;
  const { source } = report;
  const from = source.type === 'manifests' ? `${source.files} files` : `cluster ${source.context}`;
  return [
    `${active.length} findings${counts.length ? ` (${counts.join(', ')})` : ''}${suppressed ? `, ${suppressed} suppressed` : ''} in ${source.objects} objects from ${from}.`,
    `Techniques: ${statuses.get('exposed') ?? 0} exposed, ${statuses.get('weakened') ?? 0} weakened by missing mitigations, ${statuses.get('not-observed') ?? 0} assessed and not observed, ${(statuses.get('not-assessed') ?? 0) + (statuses.get('question') ?? 0)} not visible in this input (${statuses.get('question') ?? 0} of them questions for you: kubematrix explain <id>).`,
    'Technique by technique: kubematrix scan … --output matrix',
  ].join('\n');
}
