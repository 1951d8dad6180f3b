import type { Finding, Report, ScanError } from '../../model/report.js';
import type { ReportOptions } from '../index.js';
import { plural, resourceName, where } from '../terminal/findings.js';

/** Failures per piece of output, as the JSON report writes its findings. */
const BATCH = 500;

/**
 * The report as JUnit XML, the test-report format GitLab, Jenkins and Azure Pipelines show: one test case per check,
 * failing with one `<failure>` per unsuppressed finding, passing when the check ran and found nothing, skipped when it
 * did not run (`--skip-check`, disabled in the config, or its input could not be read). Input errors are the
 * `<error>`s of one more test case, `input`. Validated against the schema in test/fixtures/junit/ (see its README).
 */
export function* renderJunit(report: Report, { catalog }: Pick<ReportOptions, 'catalog'>): Generator<string> {
  const { checks } = catalog;
  const byCheck = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    if (finding.suppressed) continue;
    const list = byCheck.get(finding.checkId);
    if (list) list.push(finding);
    else byCheck.set(finding.checkId, [finding]);
  }
  // The checks that ran: those that assessed a technique, and any that reported (a blind one still may).
  const ran = new Set([...report.techniques.flatMap((technique) => technique.assessedBy), ...byCheck.keys()]);
  const failures = [...byCheck.values()].reduce((sum, list) => sum + list.length, 0);
  const skipped = checks.filter((check) => !ran.has(check.id)).length;
  const tests = checks.length + 1;
  const errors = report.errors.length;
  const counts = `tests="${tests}" failures="${failures}" errors="${errors}"`;
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="kubematrix" ${counts}>\n`;
  yield `  <testsuite name="kubematrix scan" ${counts} skipped="${skipped}" timestamp="${attribute(report.scannedAt)}">\n`;
  yield `    <properties>\n      <property name="kubematrix.version" value="${attribute(report.version)}"/>\n      <property name="source" value="${attribute(sourceText(report))}"/>\n    </properties>\n`;
  yield inputCase(report.errors);
  for (const check of checks) {
    const open = `    <testcase name="${attribute(`${check.id}: ${check.title}`)}" classname="kubematrix.${attribute(check.id)}"`;
    const found = byCheck.get(check.id);
    if (found) {
      yield `${open}>\n`;
      // In batches: a check can fail tens of thousands of times, and its test case is not built as one string.
      for (let start = 0; start < found.length; start += BATCH)
        yield found
          .slice(start, start + BATCH)
          .map(failure)
          .join('');
      yield '    </testcase>\n';
    } else if (ran.has(check.id)) {
      yield `${open}/>\n`;
    } else {
      yield `${open}>\n      <skipped message="not run in this scan: --skip-check, disabled in the config, its input could not be read, or it needs --policies"/>\n    </testcase>\n`;
    }
  }
  yield '  </testsuite>\n</testsuites>\n';
}

function sourceText({ source }: Report): string {
  return source.type === 'manifests'
    ? `${plural(source.files, 'file')}, ${plural(source.objects, 'object')}: ${source.inputs.join(' ')}`
    : `cluster ${source.context}, ${plural(source.objects, 'object')}`;
}

function inputCase(errors: readonly ScanError[]): string {
  const open = '    <testcase name="input: every file and kind read" classname="kubematrix.input"';
  if (!errors.length) return `${open}/>\n`;
  const lines = errors.map((error) => {
    const at = error.line ? `:${error.line}:${error.column ?? 1}` : '';
    return `      <error type="input-error" message="${attribute(`${error.source}${at}: ${error.message}`)}"/>\n`;
  });
  return `${open}>\n${lines.join('')}    </testcase>\n`;
}

/** A finding as a failure: the resource and message as its message, then where, the field, the techniques and the fix. */
function failure(finding: Finding): string {
  const state = finding.baseline === 'new' ? 'new: ' : '';
  const message = `${state}${resourceName(finding.resource)}: ${finding.message}`;
  const body = [
    `${finding.severity} ${finding.checkId} ${finding.id}`,
    ...(finding.location ? [`at ${where(finding.location)}`] : finding.uri ? [`at ${finding.uri}`] : []),
    ...(finding.path ? [`field ${finding.path}`] : []),
    ...(finding.techniques.length ? [`techniques ${finding.techniques.join(', ')}`] : []),
    ...(finding.mitigations.length ? [`missing mitigations ${finding.mitigations.join(', ')}`] : []),
    `fix: ${finding.remediation}`,
  ];
  return `      <failure type="${finding.severity}" message="${attribute(message)}">${text(body.join('\n'))}</failure>\n`;
}

/**
 * Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) would make the whole
 * file unreadable: shown as `\uXXXX`, as the terminal shows control characters.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value
    .replace(NOT_XML, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Attribute values also keep their quotes and line breaks (a raw newline would be read back as a space). */
function attribute(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
