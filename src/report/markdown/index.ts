import { getMitigation, getTechnique, tactics } from '../../matrix/index.js';
import { severities, severityRank } from '../../model/basics.js';
import type { Finding, Report } from '../../model/report.js';
import {
  activityMark,
  mitigationStates,
  onPathMark,
  statusLegend,
  statusMarks,
  techniqueMark,
  unprovenMitigations,
} from '../statuses.js';
import { autoFixLine, baselineLine, pathsLine, plural, resourceName } from '../terminal/findings.js';
import { printableButFindings, printableCopy } from '../terminal/text.js';

/** Findings listed at most: a pull-request comment is read, not searched; the full list is in the other formats. */
export const TOP_FINDINGS = 20;

/** The legend under the matrix table, marks in code spans so that none is read as Markdown. */
const legend = statusLegend((mark, meaning) => `\`${mark}\` ${meaning}`).join(' · ');

/**
 * A compact summary for a pull-request comment: counts, the matrix as a table (one column per tactic, each technique
 * with its status mark and findings), then the worst findings. Control characters from the input are shown escaped,
 * as on the terminal (only in what is shown); on top of that every input text is Markdown-escaped or set in a code
 * span, so none of it becomes markup, a link or a mention.
 */
export function renderMarkdown(input: Report): string {
  const report = printableButFindings(input);
  const unsuppressed = report.findings.filter((finding) => !finding.suppressed);
  const counts = severities
    .map((severity) => [severity, unsuppressed.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count)
    .map(([severity, count]) => `${count} ${severity}`);
  const suppressed = report.findings.length - unsuppressed.length;
  const { source } = report;
  const from = source.type === 'manifests' ? plural(source.files, 'file') : `cluster ${escapeMarkdown(source.context)}`;
  const lines = [
    '## kubematrix: the Threat Matrix for Kubernetes',
    '',
    `**${plural(unsuppressed.length, 'finding')}**${counts.length ? ` (${counts.join(', ')})` : ''}${suppressed ? `, ${suppressed} suppressed` : ''} in ${plural(source.objects, 'object')} from ${from}.`,
    `Techniques: ${statusCounts(report)}.`,
  ];
  const notes = [
    ...(report.errors.length ? [plural(report.errors.length, 'input error')] : []),
    ...(report.warnings.length ? [plural(report.warnings.length, 'warning')] : []),
  ];
  if (report.attackPaths) lines.push(escapeMarkdown(pathsLine(report.attackPaths)));
  if (report.baseline) lines.push(escapeMarkdown(baselineLine(report.baseline)));
  const fixable = autoFixLine(unsuppressed, 'auto-fix where listed', source);
  if (fixable) lines.push(escapeMarkdown(fixable));
  const active = report.techniques.filter((technique) => technique.activity?.alerts);
  if (active.length) {
    const alerts = active.reduce((sum, technique) => sum + (technique.activity?.alerts ?? 0), 0);
    lines.push(
      `Audit log: ${plural(alerts, 'alert')} on ${plural(active.length, 'technique')} (marked ${code(activityMark.mark)}).`,
    );
  }
  if (notes.length) lines.push(`${notes.join(', ')}: see the full report.`);
  const onPath = report.techniques.some((technique) => technique.onPaths)
    ? ` · \`${onPathMark.mark}\` ${onPathMark.meaning}`
    : '';
  const activityLegend = active.length ? ` · ${code(activityMark.mark)} ${activityMark.meaning}` : '';
  lines.push('', ...matrixTable(report), '', `${legend}${onPath}${activityLegend}`, '');

  const top = worst(unsuppressed).map(printableCopy);
  if (top.length) {
    lines.push(
      `### ${top.length < unsuppressed.length ? `Top ${top.length} of ${unsuppressed.length} findings` : 'Findings'}, worst first`,
      '',
      '| Severity | Check | Resource | Where | Message |',
      '| --- | --- | --- | --- | --- |',
      ...top.map(
        (finding) =>
          `| ${finding.severity}${finding.baseline === 'new' ? ' **new**' : ''} | ${finding.checkId}${finding.fix ? ' (auto-fix)' : ''} | ${code(resourceName(finding.resource))} | ${where(finding)} | ${escapeMarkdown(finding.message)} |`,
      ),
      '',
    );
  }
  lines.push(...unprovenSection(report));
  return `${lines.join('\n')}\n`;
}

/**
 * The first {@link TOP_FINDINGS} findings in the order of a stable sort (against a baseline what this change adds,
 * then by severity), without sorting them all: the first few of each rank, in report order.
 */
function worst(findings: readonly Finding[]): Finding[] {
  const ranks: Finding[][] = Array.from({ length: 2 * severities.length }, () => []);
  for (const finding of findings) {
    const rank = (finding.baseline === 'new' ? 0 : severities.length) + severityRank(finding.severity);
    const list = ranks[rank] as Finding[];
    if (list.length < TOP_FINDINGS) list.push(finding);
  }
  return ranks.flat().slice(0, TOP_FINDINGS);
}

/** Defenses that may be in place but could not be evaluated, each with why: never counted as present. */
function unprovenSection(report: Report): string[] {
  const unproven = unprovenMitigations(report);
  if (!unproven.length) return [];
  const { mark, meaning } = mitigationStates.unproven;
  return [
    `### Unproven defenses (${unproven.length}): may be in place, could not be evaluated`,
    '',
    '| State | Mitigation | Mitigates | Why |',
    '| --- | --- | --- | --- |',
    ...unproven.map(
      ({ id, techniques, evidence }) =>
        `| ${code(mark)} ${meaning} | ${id} ${escapeMarkdown(getMitigation(id)?.name ?? '')} | ${techniques.join(', ')} | ${evidence.map((text) => escapeMarkdown(brief(text))).join('<br>')} |`,
    ),
    '',
  ];
}

/** Characters of a reason a comment shows: the gist; the full report has it whole. */
const REASON_LENGTH = 300;
const brief = (text: string) => (text.length > REASON_LENGTH ? `${text.slice(0, REASON_LENGTH - 1)}…` : text);

/** Statuses in the order of the matrix's story (exposed first), then any other in name order. */
function statusCounts(report: Report): string {
  const counts = new Map<string, number>();
  for (const technique of report.techniques) counts.set(technique.status, (counts.get(technique.status) ?? 0) + 1);
  const order = Object.keys(statusMarks);
  return [...counts.entries()]
    .sort(
      ([a], [b]) =>
        (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1) || a.localeCompare(b),
    )
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

function matrixTable(report: Report): string[] {
  const status = new Map(report.techniques.map((technique) => [technique.id, technique]));
  const depth = Math.max(...tactics.map((tactic) => tactic.techniques.length));
  const rows = Array.from({ length: depth }, (_, row) =>
    tactics.map((tactic) => {
      const id = tactic.techniques[row];
      if (!id) return '';
      const technique = status.get(id);
      const mark = techniqueMark(technique?.status ?? 'not-assessed', technique?.onPaths);
      const findings = technique?.findings ? ` (${technique.findings})` : '';
      const alerts = technique?.activity?.alerts;
      const activity = alerts ? ` ${code(activityMark.mark)} ${plural(alerts, 'alert')}` : '';
      return `${code(mark)} ${id.slice(5)} ${escapeMarkdown(getTechnique(id)?.name ?? '')}${findings}${activity}`;
    }),
  );
  return [
    `| ${tactics.map((tactic) => tactic.name).join(' | ')} |`,
    `|${' --- |'.repeat(tactics.length)}`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
}

function where(finding: Finding): string {
  if (finding.location) return code(`${finding.location.file}:${finding.location.line}`);
  return finding.uri ? code(finding.uri) : '';
}

/**
 * Text as it reads, whatever it holds: every character Markdown (or GitHub's mentions) could act on inside a table
 * cell is backslash-escaped, `<` included so no HTML gets through, and line breaks become spaces. A word GitHub
 * would turn into a link by itself (`https://…`, `www.…`, an e-mail address), which escaping cannot stop, is set in
 * a code span instead.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .split(/(\s+)/)
    .map((word) => (AUTOLINK.test(word) ? code(word) : word.replace(/[\\`*_{}[\]<>#!|~&@]/g, '\\$&')))
    .join('');
}

/** What GitHub Flavored Markdown autolinks: `scheme://`, `www.`, `mailto:`/`xmpp:`, an e-mail address. */
const AUTOLINK = /[a-z][\w+.-]*:\/\/|www\.|mailto:|xmpp:|\S@\S/i;

/**
 * Text as code: fenced with one more backtick than the longest run inside it, so that it cannot close early; `|` is
 * escaped for the table (GitHub reads `\|` as a pipe even inside code).
 */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').replaceAll('|', '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
