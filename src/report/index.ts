import type { AnyCheck } from '../checks/define.js';
import type { AnyDetection } from '../detections/define.js';
import { writtenCollected } from '../engine/memory.js';
import type { Report } from '../model/report.js';

/**
 * Every rule a report's findings and alerts come from: the built-in checks and the custom rules of this scan
 * (docs/rules.md), and the audit detections. Handed to the reporters, which import none, so that a custom rule gets
 * its SARIF rule, JUnit test case and text like a built-in check.
 */
export interface RuleCatalog {
  readonly checks: readonly AnyCheck[];
  readonly detections: readonly AnyDetection[];
}

/** How a report is to be rendered; formats that do not draw for a terminal ignore the terminal's fields. */
export interface ReportOptions {
  /** Terminal width in columns. */
  readonly width: number;
  readonly color: boolean;
  /** List suppressed findings too, marked with their reason. */
  readonly showSuppressed: boolean;
  /** List every instance of every group of findings, not only the first few. */
  readonly all: boolean;
  /** The directory relative file paths in the report are relative to (the CLI's); SARIF writes paths from there. */
  readonly cwd?: string;
  readonly catalog: RuleCatalog;
}

/**
 * A pure function of the report, the rule catalog and the knowledge base: text to print or save, in pieces written one after the
 * other, so that a large report need not be held as one string.
 */
export type Reporter = (report: Report, options: ReportOptions) => Iterable<string>;

export interface ReportFormat {
  /** What `--output` takes. */
  readonly name: string;
  readonly description: string;
  /** Loaded only when used, so that start-up pays for none of them. */
  load(): Promise<Reporter>;
}

/** Every report format: the one list the CLI's `--output` choices, its help and the docs come from. */
export const reportFormats: readonly ReportFormat[] = withCollection([
  {
    name: 'table',
    description: 'summary, then findings grouped by technique and check, worst first (terminal)',
    load: async () => {
      const { renderFindings } = await import('./terminal/findings.js');
      return (report, options) => [renderFindings(report, options)];
    },
  },
  {
    name: 'json',
    description: 'the complete report (docs/report.md)',
    load: async () => (await import('./json/report.js')).renderJson,
  },
  {
    name: 'html',
    description: 'one self-contained page: the interactive matrix, filters and every finding (save it to a file)',
    load: async () => (await import('./html/index.js')).renderHtml,
  },
  {
    name: 'matrix',
    description: 'the matrix, each technique marked with its status (terminal)',
    load: async () => {
      const { renderReportMatrix } = await import('./terminal/matrix.js');
      return (report, options) => [renderReportMatrix(report, options)];
    },
  },
  {
    name: 'sarif',
    description: 'SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: a rule per check, a result per finding',
    load: async () => (await import('./sarif/index.js')).renderSarif,
  },
  {
    name: 'navigator',
    description: 'an ATT&CK Navigator layer scoring the ATT&CK techniques the matrix techniques map to',
    load: async () => (await import('./navigator/index.js')).renderNavigator,
  },
  {
    name: 'junit',
    description: 'JUnit XML for CI test reports (GitLab, Jenkins, Azure): a test case per check, a failure per finding',
    load: async () => (await import('./junit/index.js')).renderJunit,
  },
  {
    name: 'markdown',
    description: 'a compact summary for pull-request comments: the matrix as a table, then the top findings',
    load: async () => {
      const { renderMarkdown } = await import('./markdown/index.js');
      return (report) => [renderMarkdown(report)];
    },
  },
]);

/** Each format's reporter, starting with what the scan left collected when the heap is large (engine/memory.ts). */
function withCollection(formats: readonly ReportFormat[]): ReportFormat[] {
  return formats.map((format) => ({
    ...format,
    load: async () => {
      const reporter = await format.load();
      return (report, options) => writtenCollected(() => reporter(report, options));
    },
  }));
}

export function reportFormat(name: string): ReportFormat | undefined {
  return reportFormats.find((format) => format.name === name);
}
