import { createHash } from 'node:crypto';
import { mitigates } from '../../coverage/index.js';
import { getMitigation, tactics, techniques } from '../../matrix/index.js';
import type { Finding, Report } from '../../model/report.js';
import type { ReportOptions, RuleCatalog } from '../index.js';
import { pairsOf, rankPaths } from '../paths/table.js';
import { activityMark, mitigationStates, onPathMark } from '../statuses.js';
import { autoFixLine, baselineLine, fixCommand } from '../terminal/findings.js';
import { client } from './client.js';
import { style } from './style.js';

/** Findings per piece of output, as in the JSON reporter: a large report is written without becoming one string. */
const BATCH = 500;

/**
 * A mitigation's state as the report gives it, when it gives one (`techniques[].mitigations.present|missing`):
 * typed loosely so that whatever the coverage model records is shown, and nothing breaks while it grows.
 */
interface MitigationState {
  readonly id: string;
  readonly by?: string;
  readonly status?: string;
  readonly evidence?: readonly string[];
}
interface MitigationStates {
  readonly present?: readonly MitigationState[];
  readonly missing?: readonly MitigationState[];
  readonly unproven?: readonly MitigationState[];
}

/**
 * Everything the page shows, apart from the findings, which follow it once each in their own array. `checks` holds
 * each check's title and remediation, written once here rather than with each of its findings.
 */
function pageData(report: Report, { detections }: RuleCatalog, checks: ReturnType<typeof checksOf>) {
  const statusById = new Map(report.techniques.map((status) => [status.id, status]));
  const listed = findingsByTechnique(report.findings);
  const rules = new Set(report.techniques.flatMap((status) => status.activity?.rules.map(({ id }) => id) ?? []));
  return {
    tool: report.tool,
    version: report.version,
    scannedAt: report.scannedAt,
    source: report.source,
    errors: report.errors,
    warnings: report.warnings,
    baseline: report.baseline && baselineLine(report.baseline),
    // The findings that carry their fix, by position, what makes their changes, and the sentence the table and the
    // Markdown summary say (unsuppressed findings). Positions rather than a field on each finding: one more field per
    // finding took the 100,000-resource page's peak memory up by 50 MB.
    autoFix: {
      findings: withFixes(report.findings),
      command: fixCommand(report.source),
      line: autoFixLine(
        report.findings.filter((finding) => !finding.suppressed),
        'marked auto-fix',
        report.source,
      ),
    },
    tactics: tactics.map((tactic) => ({ name: tactic.name, techniques: tactic.techniques })),
    techniques: Object.fromEntries(
      techniques.map((technique) => {
        const { id, status, findings, severity, assessedBy, reason, onPaths, activity, ...more } = statusById.get(
          technique.id,
        ) ?? {
          id: technique.id,
          status: 'not-assessed',
          findings: 0,
          assessedBy: [],
        };
        const states = (more as { mitigations?: MitigationStates }).mitigations;
        const stateOf = new Map<string, MitigationState & { state: string }>();
        for (const [state, list] of [
          ['present', states?.present],
          ['missing', states?.missing],
          ['unproven', states?.unproven],
        ] as const) {
          for (const entry of list ?? []) stateOf.set(entry.id, { ...entry, state });
        }
        const advised = technique.mitigations.map(({ id, action }) => ({ id, action, ...stateOf.get(id) }));
        // States of mitigations the knowledge base lists under another id (a sub-technique such as MS-M9005.003).
        const extra = [...stateOf.values()].filter((entry) => !technique.mitigations.some((m) => m.id === entry.id));
        return [
          id,
          {
            name: technique.name,
            summary: technique.summary,
            detection: technique.detection.text,
            question: technique.detection.question,
            status,
            findings,
            severity,
            assessedBy,
            reason,
            onPaths,
            activity,
            ...listed.get(id),
            mitigations: [...advised, ...extra].map((entry) => ({
              ...entry,
              name: getMitigation(entry.id)?.name ?? entry.id,
            })),
          },
        ];
      }),
    ),
    checks,
    // The titles of the audit rules that raised alerts, to name them in the panel.
    detections: Object.fromEntries(
      detections.filter(({ id }) => rules.has(id)).map(({ id, title }) => [id, { title }]),
    ),
    // The marks the text formats set beside the status, so that a reader learns them once.
    marks: { onPath: onPathMark, activity: activityMark },
    mitigationStates,
    // The path view lists them in the order the terminal does: fewest steps, then the worst weakest link, first;
    // `pairs` is what choke points' `removes` counts, of all paths.
    attackPaths: report.attackPaths && {
      ...report.attackPaths,
      paths: rankPaths(report.attackPaths.paths),
      pairs: pairsOf(report.attackPaths.paths),
    },
  };
}

/**
 * Per technique, the positions of the findings its panel lists: those that expose it, and the hardening gaps, whose
 * missing mitigations would block it (see `mitigates`).
 */
function findingsByTechnique(findings: readonly Finding[]): Map<string, { exposing: number[]; gaps: number[] }> {
  const lists = new Map(
    techniques.map((technique) => [technique.id as string, { exposing: [] as number[], gaps: [] as number[] }]),
  );
  const blocked = new Map<string, string[]>();
  const blocks = (mitigation: string) => {
    let ids = blocked.get(mitigation);
    if (!ids) {
      ids = techniques.filter((technique) => mitigates(mitigation, technique)).map((technique) => technique.id);
      blocked.set(mitigation, ids);
    }
    return ids;
  };
  // A check's findings share its mitigations (one array): the techniques they block are worked out once.
  const blockedBy = new Map<readonly string[], string[]>();
  for (const [index, finding] of findings.entries()) {
    for (const id of finding.techniques) lists.get(id)?.exposing.push(index);
    let gaps = blockedBy.get(finding.mitigations);
    if (!gaps) {
      gaps = [...new Set(finding.mitigations.flatMap(blocks))];
      blockedBy.set(finding.mitigations, gaps);
    }
    for (const id of gaps) if (!finding.techniques.includes(id)) lists.get(id)?.gaps.push(index);
  }
  return lists;
}

function withFixes(findings: readonly Finding[]): number[] {
  const positions: number[] = [];
  for (const [index, finding] of findings.entries()) if (finding.fix) positions.push(index);
  return positions;
}

function checksOf(findings: readonly Finding[]): Record<string, { title: string; remediation: string }> {
  const checks: Record<string, { title: string; remediation: string }> = {};
  for (const { checkId, title, remediation } of findings) checks[checkId] ??= { title, remediation };
  return checks;
}

/**
 * A finding as the page reads it: without what its check already says, nor what the page never shows (its fix's
 * JSON Patch, which `kubematrix fix` and SARIF carry, and the page data's `autoFix` points at; its missing
 * mitigations, which the technique panels list as hardening gaps from the data).
 */
function compact(finding: Finding, checks: ReturnType<typeof checksOf>) {
  const { title, remediation, fix: _fix, mitigations: _mitigations, ...rest } = finding;
  const check = checks[finding.checkId];
  return {
    ...rest,
    ...(title !== check?.title && { title }),
    ...(remediation !== check?.remediation && { remediation }),
  };
}

/**
 * JSON inside `<script type="application/json">`: the only sequence that could end the element early or open a
 * comment in it starts with `<`, which JSON lets us write as `\u003c` wherever it occurs (only in strings).
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}

/**
 * {@link scriptJson}'s text in pieces: each member of an object, down to `depth` levels, written on its own, so that
 * the page data (whose technique entries list the positions of tens of thousands of findings) is never one string.
 */
export function* scriptJsonPieces(value: unknown, depth: number): Generator<string> {
  if (depth === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) {
    yield scriptJson(value);
    return;
  }
  let separator = '{';
  for (const [key, member] of Object.entries(value)) {
    // Left out as JSON.stringify leaves them out.
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    yield `${separator}${scriptJson(key)}:`;
    yield* scriptJsonPieces(member, depth - 1);
    separator = ',';
  }
  yield separator === '{' ? '{}' : '}';
}

const script = `(${client.toString()})();`;
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
/**
 * Nothing may be fetched, and only our own script and style may run: even if input text became markup, the browser
 * would neither load nor execute it.
 */
const policy = `default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; img-src data:; form-action 'none'; base-uri 'none'`;

/** One report's data and findings, as the two JSON elements the page reads (`suffix` tells a second report's apart). */
function* reportElements(
  report: Report,
  showSuppressed: boolean,
  catalog: RuleCatalog,
  suffix = '',
): Generator<string> {
  const findings = showSuppressed ? report.findings : report.findings.filter((finding) => !finding.suppressed);
  const checks = checksOf(findings);
  yield `<script type="application/json" id="report-data${suffix}">`;
  // Each technique on its own; the data is not kept once written.
  yield* scriptJsonPieces(pageData({ ...report, findings }, catalog, checks), 2);
  yield `</script>
<script type="application/json" id="report-findings${suffix}">[`;
  for (let start = 0; start < findings.length; start += BATCH) {
    // The batch as one JSON array, its brackets dropped: one call, not one per finding.
    const batch = scriptJson(findings.slice(start, start + BATCH).map((finding) => compact(finding, checks)));
    yield `${start ? ',' : ''}${batch.slice(1, -1)}\n`;
  }
  yield ']</script>\n';
}

/**
 * One self-contained HTML page: the matrix of this report, technique by technique, with filters and the findings of
 * the technique one selects. The report is embedded once as JSON and the page renders from it in the browser, the
 * findings of one technique at a time; every input string reaches the page as text, never as markup. With `after`
 * (`kubematrix fix`: the report once the fix files are applied), the page switches between the two.
 */
export function* renderHtml(
  report: Report,
  { showSuppressed, catalog }: Pick<ReportOptions, 'showSuppressed' | 'catalog'>,
  after?: Report,
): Generator<string> {
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kubematrix report</title>
<style>${style}</style>
</head>
<body>
<noscript><p>This report is drawn by the script it contains: open it in a browser with JavaScript enabled.</p></noscript>
`;
  yield* reportElements(report, showSuppressed, catalog);
  if (after) yield* reportElements(after, showSuppressed, catalog, '-after');
  yield `<script>${script}</script>
</body>
</html>
`;
}
