import { getMitigation, getTactic, getTechnique } from '../../matrix/index.js';
import { type Evidence, type Severity, type SourceLocation, severities, severityRank } from '../../model/basics.js';
import type {
  BaselineComparison,
  Finding,
  Report,
  ReportAttackPaths,
  TechniqueStatusValue,
} from '../../model/report.js';
import { compareText, formatCount } from '../../util/text.js';
import type { ReportOptions } from '../index.js';
import { activityMark, mitigationStates, type UnprovenMitigation, unprovenMitigations } from '../statuses.js';
import { formatInputError } from './errors.js';
import { renderReportMatrix } from './matrix.js';
import { type Paint, paint as painter, severityStyle } from './paint.js';
import { indent, printableButFindings, printableCopy, wrap } from './text.js';

/** Instances shown per group without `--all`: enough to find the pattern, few enough that any scan fits a few screens. */
export const SHOWN_PER_GROUP = 3;
/** Evidence lines shown per instance. */
const EVIDENCE_SHOWN = 3;

/** Findings of one check that share their first technique (none for a hardening gap), in report order. */
interface Group {
  readonly technique: string | undefined;
  readonly checkId: string;
  readonly findings: Finding[];
  readonly resources: Set<string>;
  /** Worst severity rank in the group. */
  rank: number;
}

/**
 * A summary first (counts, the exposed techniques, what else follows), then findings grouped by technique and check,
 * worst first, each group showing once what its findings share and its first few instances (`all` lists every one).
 * Hardening gaps (missing mitigations that expose nothing by themselves) follow, then warnings and input errors.
 * Everything is derived from the report in one pass over its findings, whatever their number. Input text (names,
 * images, file names, reasons) is shown escaped for the terminal, unlike the JSON: only what is shown is escaped.
 */
export function renderFindings(
  input: Report,
  { width, color, showSuppressed, all }: Pick<ReportOptions, 'width' | 'color' | 'showSuppressed' | 'all'>,
): string {
  const report = printableButFindings(input);
  const paint = painter(color);
  const text = Math.max(Math.min(width, 120) - 6, 40);
  const groups = groupFindings(report.findings, showSuppressed);
  const exposures = groups.filter((group) => group.technique);
  const gaps = groups.filter((group) => !group.technique);
  const unproven = unprovenMitigations(report);
  // The matrix of this cluster first: where the gaps are at a glance, then what to fix.
  const lines: string[] = [
    renderReportMatrix(report, { width, color }, true),
    ...summary(report, gaps, unproven, paint, text),
    '',
  ];

  let technique: string | undefined;
  const fix = fixCommand(report.source);
  for (const group of exposures) {
    if (group.technique !== technique) {
      technique = group.technique as string;
      const entry = getTechnique(technique);
      const tactics = entry?.tactics.map((key) => getTactic(key).name).join(', ');
      lines.push(paint('bold', `${technique} ${entry?.name ?? ''}${tactics ? ` (${tactics})` : ''}`));
    }
    lines.push(...renderGroup(group, paint, text, all, fix), '');
  }
  if (gaps.length) {
    lines.push(paint(['bold', 'underline'], 'Hardening gaps (missing mitigations)'));
    for (const group of gaps) lines.push(...renderGroup(group, paint, text, all, fix), '');
  }
  if (unproven.length) {
    lines.push(paint(['bold', 'underline'], 'Unproven defenses (may be in place; could not be evaluated)'));
    for (const mitigation of unproven) lines.push(...renderUnproven(mitigation, paint, text), '');
  }

  if (report.warnings.length) {
    lines.push(paint(['bold', 'underline'], `Warnings (${report.warnings.length})`));
    for (const warning of report.warnings) {
      const what = warning.resource ? `${resourceName(warning.resource)}: ` : '';
      lines.push(...indent(wrap(`${what}${warning.message}`, text), '  '));
      for (const location of warning.locations) lines.push(`    ${paint('gray', where(location))}`);
    }
    lines.push('');
  }

  if (report.errors.length) {
    lines.push(paint(['bold', 'underline'], `Input errors (${report.errors.length}); everything else was scanned`));
    for (const error of report.errors) lines.push(`  ${formatInputError(error, paint)}`);
    lines.push('');
  }

  lines.push('Technique by technique: kubematrix scan … --output matrix');
  return `${lines.join('\n')}\n`;
}

/** Lines of an unproven reason shown: the gist; `--output json` has it whole. */
const REASON_LINES = 3;

/** An unproven mitigation: its state as every format names it, the techniques it would mitigate, and why. */
function renderUnproven({ id, techniques, evidence }: UnprovenMitigation, paint: Paint, width: number): string[] {
  const { mark, meaning } = mitigationStates.unproven;
  const lines = [
    `  ${paint('yellow', `${mark} ${meaning}`)}  ${paint('bold', `${id} ${getMitigation(id)?.name ?? ''}`.trimEnd())}`,
    ...indent(wrap(`mitigates: ${techniques.join(', ')}`, width - 4), '    '),
  ];
  for (const text of evidence) {
    const wrapped = wrap(text, width - 4);
    const shown = wrapped.slice(0, REASON_LINES);
    if (wrapped.length > shown.length) shown[shown.length - 1] = `${shown.at(-1)} … (--output json)`;
    lines.push(...indent(shown, '    '));
  }
  return lines;
}

/**
 * Groups in display order: exposures by their technique's worst finding (then its ID, as in the summary), then by
 * check; gaps after them.
 */
function groupFindings(findings: readonly Finding[], showSuppressed: boolean): Group[] {
  const groups = new Map<string, Group>();
  for (const finding of findings) {
    if (finding.suppressed && !showSuppressed) continue;
    const technique = finding.techniques[0];
    const key = `${technique ?? ''}\u0000${finding.checkId}`;
    let group = groups.get(key);
    if (!group) {
      group = { technique, checkId: finding.checkId, findings: [], resources: new Set(), rank: severities.length };
      groups.set(key, group);
    }
    group.findings.push(finding);
    group.resources.add(resourceName(finding.resource));
    if (!finding.suppressed) group.rank = Math.min(group.rank, severityRank(finding.severity));
  }
  const techniqueRank = new Map<string, number>();
  for (const group of groups.values()) {
    const id = group.technique ?? '';
    techniqueRank.set(id, Math.min(techniqueRank.get(id) ?? severities.length, group.rank));
  }
  const rankOf = (group: Group) => techniqueRank.get(group.technique ?? '') as number;
  return [...groups.values()].sort(
    (a, b) =>
      Number(!a.technique) - Number(!b.technique) ||
      rankOf(a) - rankOf(b) ||
      compareText(a.technique ?? '', b.technique ?? '') ||
      a.rank - b.rank ||
      b.findings.length - a.findings.length ||
      compareText(a.checkId, b.checkId),
  );
}

/**
 * How `kubematrix fix` makes the changes findings carry (a check's `fixable`): in the files scanned, or as patches
 * for what has no file to write (a cluster, standard input).
 */
export function fixCommand(source: Report['source']): string {
  const files = source.type === 'manifests' && source.inputs.some((input) => input !== '-');
  return files ? 'kubematrix fix … --write' : 'kubematrix fix … -o DIR (as patches)';
}

function renderGroup(group: Group, paint: Paint, width: number, all: boolean, fix: string): string[] {
  const first = printableCopy(group.findings[0] as Finding);
  const severity = severities[group.rank] ?? first.severity;
  const suppressed = group.findings.filter((finding) => finding.suppressed).length;
  const count = `${plural(group.findings.length, 'finding')} on ${plural(group.resources.size, 'resource')}${suppressed ? ` (${suppressed} suppressed)` : ''}`;
  const hidden = all ? 0 : group.findings.length - SHOWN_PER_GROUP;
  const shown = hidden > 0 ? `; ${SHOWN_PER_GROUP} shown, --all lists every one` : '';
  const lines = [
    `  ${label(severity, paint)} ${paint('bold', first.title)} ${paint('gray', `[${first.checkId}]`)}`,
    `    ${count}${shown}`,
  ];
  const also = first.techniques.slice(1);
  const shared = [
    ...(also.length ? [`also: ${also.map((id) => `${id} ${getTechnique(id)?.name ?? ''}`).join('; ')}`] : []),
    ...(first.mitigations.length
      ? [`missing: ${first.mitigations.map((id) => `${id} ${getMitigation(id)?.name ?? ''}`).join('; ')}`]
      : []),
    `fix: ${first.remediation}`,
    ...autoFix(group.findings, fix),
    `more: kubematrix explain ${group.technique ?? first.mitigations[0] ?? ''}`.trimEnd(),
  ];
  for (const detail of shared) lines.push(...indent(wrap(detail, width - 4), '    '));
  const instances = hidden > 0 ? group.findings.slice(0, SHOWN_PER_GROUP) : group.findings;
  for (const finding of instances) lines.push(...renderInstance(printableCopy(finding), severity, paint, width));
  return lines;
}

/** How many of the findings carry the change that fixes them, where they are marked, and what makes it; none: ''. */
export function autoFixLine(findings: readonly Finding[], marked: string, source: Report['source']): string {
  const fixable = findings.filter((finding) => finding.fix).length;
  return fixable ? `Auto-fix for ${plural(fixable, 'finding')} (${marked}): ${fixCommand(source)}.` : '';
}

/** Of a group, how many findings carry the change that fixes them, and which command makes it; none: no line. */
function autoFix(findings: readonly Finding[], fix: string): string[] {
  const fixable = findings.filter((finding) => finding.fix).length;
  return fixable ? [`auto-fix: ${fixable} of ${plural(findings.length, 'finding')} (${fix})`] : [];
}

/** One finding: what differs between the instances of a group. */
function renderInstance(finding: Finding, groupSeverity: Severity, paint: Paint, width: number): string[] {
  // A check may report some instances at another severity than its worst: only then is it repeated.
  const severity = finding.severity === groupSeverity ? '' : `${label(finding.severity, paint)} `;
  const address = finding.location ? where(finding.location) : finding.uri;
  const at = address ? `  ${paint('gray', address)}` : '';
  const state = finding.baseline === 'new' ? `${paint('bold', 'new')} ` : '';
  const lines = [`    - ${state}${severity}${resourceName(finding.resource)}${at}`];
  const details = [
    ...(finding.path ? [`field: ${finding.path}`] : []),
    finding.message,
    ...(finding.suppressed ? [`suppressed (${finding.suppressed.by}): ${finding.suppressed.reason}`] : []),
  ];
  for (const detail of details) lines.push(...indent(wrap(detail, width - 8), '      '));
  const evidence = finding.evidence ?? [];
  for (const piece of evidence.slice(0, EVIDENCE_SHOWN)) lines.push(...renderEvidence(piece, paint, width));
  if (evidence.length > EVIDENCE_SHOWN) {
    lines.push(`        … ${plural(evidence.length - EVIDENCE_SHOWN, 'more piece')} of evidence in --output json`);
  }
  return lines;
}

function renderEvidence(evidence: Evidence, paint: Paint, width: number): string[] {
  const [head = '', ...rest] = wrap(evidence.text, width - 10);
  const at = evidence.location ? `  ${paint('gray', where(evidence.location))}` : '';
  return [`      ↳ ${head}${at}`, ...indent(rest, '        ')];
}

function summary(
  report: Report,
  gaps: readonly Group[],
  unproven: readonly UnprovenMitigation[],
  paint: Paint,
  width: number,
): string[] {
  const active = report.findings.filter((finding) => !finding.suppressed);
  const bySeverity = new Map<Severity, number>();
  for (const finding of active) bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
  const counts = severities
    .filter((severity) => bySeverity.has(severity))
    .map((severity) => paint(severityStyle[severity], `${formatCount(bySeverity.get(severity) ?? 0)} ${severity}`));
  const suppressed = report.findings.length - active.length;
  const { source } = report;
  const from = source.type === 'manifests' ? plural(source.files, 'file') : `cluster ${source.context}`;
  const statuses = new Map<string, number>();
  for (const technique of report.techniques) statuses.set(technique.status, (statuses.get(technique.status) ?? 0) + 1);
  const lines = [
    paint(['bold', 'underline'], 'Summary'),
    `${plural(active.length, 'finding')}${counts.length ? ` (${counts.join(', ')})` : ''}${suppressed ? `, ${formatCount(suppressed)} suppressed` : ''} in ${plural(source.objects, 'object')} from ${from}.`,
  ];
  const exposed = report.techniques
    .filter((technique) => technique.status === 'exposed')
    .sort((a, b) => severityRank(a.severity ?? 'info') - severityRank(b.severity ?? 'info') || compareText(a.id, b.id));
  if (exposed.length) {
    // One wrapped paragraph per severity: even every technique exposed leaves the first findings on the first screen.
    lines.push(`Exposed techniques (${exposed.length}), worst first, with their findings:`);
    for (const severity of severities) {
      const named = exposed
        .filter((technique) => (technique.severity ?? 'info') === severity)
        .map(
          (technique) =>
            `${technique.id} ${getTechnique(technique.id)?.name ?? ''} (${formatCount(technique.findings)})`,
        );
      if (!named.length) continue;
      const [head = '', ...rest] = wrap(named.join(', '), width - 12);
      lines.push(`  ${label(severity, paint)}  ${head}`, ...indent(rest, ' '.repeat(12)));
    }
  }
  const happening = report.techniques
    .filter((technique) => technique.activity?.alerts)
    .sort((a, b) => (b.activity?.alerts ?? 0) - (a.activity?.alerts ?? 0) || compareText(a.id, b.id));
  if (happening.length) {
    const named = happening.map(
      ({ id, activity }) =>
        `${id} ${getTechnique(id)?.name ?? ''} (${plural(activity?.alerts ?? 0, 'alert')}, ${activity?.severity ?? 'info'})`,
    );
    lines.push(
      `Active in the audit log (${happening.length}; ${activityMark.mark} in the matrix):`,
      ...indent(wrap(named.join(', '), width - 2), '  '),
    );
  }
  const fixable = autoFixLine(active, 'auto-fix in their group', source);
  if (fixable) lines.push(...wrap(fixable, width));
  const gapFindings = gaps.reduce((sum, group) => sum + group.findings.length, 0);
  if (gaps.length) {
    lines.push(
      `Hardening gaps: ${plural(gapFindings, 'finding')} from ${plural(gaps.length, 'check')}, listed after the exposures.`,
    );
  }
  if (unproven.length) {
    lines.push(
      ...wrap(
        `Unproven defenses (${unproven.length}): ${unproven.map(({ id }) => id).join(', ')} may be in place but could not be evaluated (${mitigationStates.unproven.mark} ${mitigationStates.unproven.meaning}); listed after the hardening gaps, with why.`,
        width,
      ),
    );
  }
  const count = (status: TechniqueStatusValue) => statuses.get(status) ?? 0;
  lines.push(
    `Techniques (${report.techniques.length}): ${count('exposed')} exposed, ${count('weakened')} weakened by missing mitigations, ${count('mitigated')} mitigated (defenses in place), ${count('declared')} declared mitigated (controls file), ${count('not-observed')} assessed and not observed, ${count('not-assessed') + count('question')} not visible in this input (${count('question')} of them questions for you: kubematrix explain <id>).`,
  );
  if (report.attackPaths) lines.push(...wrap(pathsLine(report.attackPaths), width));
  if (report.baseline) lines.push(...wrap(baselineLine(report.baseline), width));
  const notes = [
    ...(report.warnings.length ? [plural(report.warnings.length, 'warning')] : []),
    ...(report.errors.length ? [paint('red', plural(report.errors.length, 'input error'))] : []),
  ];
  if (notes.length) lines.push(`${notes.join(' and ')}: listed at the end.`);
  return lines;
}

/** Against `--baseline FILE`: what is new, what stayed, what was fixed (the first few named). */
export function baselineLine({ file, new: added, unchanged, fixed }: BaselineComparison): string {
  const named = fixed
    .slice(0, SHOWN_PER_GROUP)
    .map((finding) => `${finding.checkId} on ${resourceName(finding.resource)}`);
  const more =
    fixed.length > named.length ? `, and ${formatCount(fixed.length - named.length)} more (--output json)` : '';
  return `Against the baseline ${file}: ${formatCount(added)} new (marked new), ${formatCount(unchanged)} unchanged, ${formatCount(fixed.length)} fixed${named.length ? `: ${named.join(', ')}${more}` : ''}.`;
}

/** One sentence on a report's attack paths: how many reach which targets, and the first fix. */
export function pathsLine({ paths, nodes, chokePoints }: ReportAttackPaths): string {
  if (!paths.length) return 'Attack paths: none reaches a target (> marks techniques on one).';
  const labels = new Map(nodes.map((node) => [node.id, node.label]));
  const targets = [...new Set(paths.map((path) => path.to))].map((id) => labels.get(id) ?? id);
  const [first] = chokePoints;
  const fix = first ? `; fix first: ${first.label} (removes ${first.removes})` : '';
  return `Attack paths: ${plural(paths.length, 'path')} reach${paths.length === 1 ? 'es' : ''} ${targets.join(', ')}${fix}; kubematrix paths … lists them (> marks techniques on one).`;
}

export function label(severity: Severity, paint: Paint): string {
  return paint(severityStyle[severity], severity.toUpperCase().padEnd(8));
}

export function resourceName({ kind, namespace, name }: Finding['resource']): string {
  return `${kind}/${namespace ? `${namespace}/` : ''}${name}`;
}

/** `file:line:column`, and the namespace the object was placed in when it names none. */
export function where(location: SourceLocation): string {
  const note = namespaceNote(location);
  return `${location.file}:${location.line}:${location.column}${note ? ` (${note})` : ''}`;
}

/** What a location says of an object naming no namespace: where it was placed, and by what. */
export function namespaceNote(location: SourceLocation | undefined): string | undefined {
  return location?.namespaceDefaulted === undefined
    ? undefined
    : `namespace defaulted to ${location.namespaceDefaulted}, -n`;
}

/** `1 finding`, `10,000 findings`: the same digits on every machine, whatever its locale. */
export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
