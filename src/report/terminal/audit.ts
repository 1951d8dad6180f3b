import { getTechnique, tactics } from '../../matrix/index.js';
import type { AuditReport } from '../../model/audit.js';
import { formatInputError } from './errors.js';
import { plural } from './findings.js';
import { type Paint, paint as painter, severityStyle } from './paint.js';
import { indent, printable, wrap } from './text.js';

/** Rules listed under "Top rules". */
export const TOP_RULES = 10;

/**
 * `kubematrix audit`'s table: what was read, then the techniques alerts were raised for, tactic by tactic (a technique
 * under each of its tactics) with their counts, worst severity and rules, then the busiest rules, the techniques
 * watched for and not seen, and the input errors. Input text (file names, error sources) is escaped.
 */
export function renderAuditTable(
  report: Omit<AuditReport, 'alerts'>,
  { width, color }: { width: number; color: boolean },
): string {
  const paint = painter(color);
  const text = Math.max(Math.min(width, 120) - 4, 40);
  const alerts = report.rules.reduce((sum, rule) => sum + rule.alerts, 0);
  const active = report.techniques.filter((technique) => technique.status === 'active');
  const lines = [
    paint(['bold', 'underline'], 'Audit log'),
    ...wrap(readLine(report), text),
    ...report.source.lenient.flatMap((count) => wrap(lenientLine(count), text).map((line) => `  ${line}`)),
  ];
  lines.push(
    `${plural(alerts, 'alert')} on ${plural(active.length, 'technique')} from ${plural(report.rules.length, 'detection')}.`,
    '',
  );

  if (active.length) {
    const byId = new Map(active.map((technique) => [technique.id, technique]));
    for (const tactic of tactics) {
      const here = tactic.techniques.flatMap((id) => byId.get(id) ?? []);
      if (!here.length) continue;
      lines.push(paint('bold', tactic.name));
      for (const technique of here) {
        const severity = technique.severity ?? 'info';
        const rules = technique.rules.map((rule) => `${rule.id} (${rule.alerts})`).join(', ');
        const [head = '', ...rest] = wrap(
          `${technique.id} ${getTechnique(technique.id)?.name ?? ''}: ${plural(technique.alerts, 'alert')}, ${rules}`,
          text - 11,
        );
        lines.push(`  ${label(severity, paint)} ${head}`, ...indent(rest, ' '.repeat(11)));
      }
      lines.push('');
    }
    const top = report.rules.filter((rule) => rule.alerts).slice(0, TOP_RULES);
    lines.push(paint('bold', 'Top rules'));
    const wide = Math.max(...top.map((rule) => rule.id.length));
    for (const rule of top) lines.push(`  ${rule.id.padEnd(wide)}  ${plural(rule.alerts, 'alert')}`);
    lines.push('');
  }

  const quiet = report.techniques.filter((technique) => technique.status === 'not-observed');
  if (quiet.length) {
    lines.push(
      ...wrap(
        `Watched for, not seen (${quiet.length}): ${quiet.map((technique) => technique.id.slice(5)).join(' ')}.`,
        text,
      ),
    );
  }
  const unseen = report.techniques.length - active.length - quiet.length;
  lines.push(`${plural(unseen, 'technique')} no detection watches for (not visible in audit logs, or no rule yet).`);

  if (report.errors.length) {
    lines.push(
      '',
      paint(['bold', 'underline'], `Input errors (${report.errors.length}); everything else was read`),
      ...report.errors.map((error) => `  ${formatInputError(error, paint)}`),
    );
  }
  lines.push('', 'Every alert, one JSON object per line: kubematrix audit … --output jsonl');
  return `${lines.join('\n')}\n`;
}

/** Files, lines, events and what was left out of them. */
function readLine({ source }: Pick<AuditReport, 'source'>): string {
  const left = [
    ...(source.duplicates ? [`${plural(source.duplicates, 'duplicate')} left out`] : []),
    ...(source.malformed ? [`${plural(source.malformed, 'malformed record')} skipped`] : []),
    ...(source.outsideWindow ? [`${plural(source.outsideWindow, 'event')} outside --since/--until`] : []),
  ];
  const window = source.since || source.until ? `; window ${source.since ?? 'start'} to ${source.until ?? 'end'}` : '';
  return printable(
    `${plural(source.events, 'event')} in ${plural(source.lines, 'line')} of ${plural(source.files, 'file')} (${source.inputs.join(', ')})${left.length ? `; ${left.join(', ')}` : ''}${window}.`,
  );
}

/** What was assumed of one input's events: `access.log: 212 events read without an audit ID.` */
function lenientLine(count: AuditReport['source']['lenient'][number]): string {
  const parts = [
    ...(count.withoutAuditID ? [`${plural(count.withoutAuditID, 'event')} read without an audit ID`] : []),
    ...(count.withoutStage
      ? [`${plural(count.withoutStage, 'event')} without a stage, taken as ResponseComplete`]
      : []),
  ];
  return printable(`${count.file}: ${parts.join('; ')}.`);
}

function label(severity: keyof typeof severityStyle, paint: Paint): string {
  return paint(severityStyle[severity], severity.toUpperCase().padEnd(8));
}
