import { stripVTControlCharacters } from 'node:util';
import { getTechnique, tactics } from '../../matrix/index.js';
import type { TechniqueId } from '../../matrix/types.js';
import type { Report, TechniqueStatusValue } from '../../model/report.js';
import type { ReportOptions } from '../index.js';
import { activityMark, onPathMark, statusLegend, techniqueMark } from '../statuses.js';
import { type Paint, paint } from './paint.js';
import { wrap } from './text.js';

export interface MatrixOptions {
  width: number;
  paint: Paint;
  /** When given (after a scan), each technique is marked and coloured by its status. */
  status?: ReadonlyMap<TechniqueId | string, TechniqueStatusValue>;
  /** Findings per technique, shown after its name when there are any. */
  findings?: ReadonlyMap<TechniqueId | string, number>;
  /** Attack paths per technique: those on one get the on-path mark after their status mark. */
  onPaths?: ReadonlyMap<TechniqueId | string, number>;
  /** One line per technique (its name cut to fit): the heat-map above a scan's findings. */
  compact?: boolean;
  /** Techniques the audit log showed happening (`scan --audit`): marked after their number. */
  active?: ReadonlySet<TechniqueId | string>;
}

/** The narrowest column that still fits most words of a technique name. */
const MIN_COLUMN = 9;

/** Colours by status; the marks themselves are every format's (src/report/statuses.ts). */
const styles: Record<TechniqueStatusValue, Parameters<Paint>[0]> = {
  exposed: ['red', 'bold'],
  weakened: 'yellow',
  mitigated: ['green', 'bold'],
  declared: 'cyan',
  'not-observed': 'green',
  'not-assessed': 'gray',
  question: 'gray',
};

/**
 * The matrix as the published grid: one column per tactic, techniques top to bottom.
 * Below the width where ten columns stay readable it falls back to one tactic per block.
 */
export function renderMatrix(options: MatrixOptions): string {
  const column = Math.floor((options.width - (tactics.length - 1)) / tactics.length);
  return column >= MIN_COLUMN ? renderGrid(column, options) : renderList(options);
}

/** The matrix of a scan, a heat-map: each technique marked and coloured by its status, with its finding count. */
export function renderReportMatrix(
  report: Pick<Report, 'techniques'>,
  { width, color }: Pick<ReportOptions, 'width' | 'color'>,
  compact = false,
): string {
  const status = new Map(report.techniques.map((technique) => [technique.id, technique.status]));
  const findings = new Map(report.techniques.map((technique) => [technique.id, technique.findings]));
  const onPaths = new Map(report.techniques.map((technique) => [technique.id, technique.onPaths ?? 0]));
  const active = new Set(report.techniques.filter((technique) => technique.activity?.alerts).map(({ id }) => id));
  return renderMatrix({
    width,
    paint: paint(color),
    status,
    findings,
    onPaths,
    compact,
    ...(active.size ? { active } : {}),
  });
}

/** Room between the two matrices of a pair. */
const GUTTER = 3;

/**
 * Two scans' matrices side by side, each a heat-map of half the width (`fix --what-if`: before and after the
 * files), or one above the other where half the width is too narrow for a readable list.
 */
export function renderMatrixPair(
  [before, after]: readonly [Pick<Report, 'techniques'>, Pick<Report, 'techniques'>],
  titles: readonly [string, string],
  { width, color }: Pick<ReportOptions, 'width' | 'color'>,
): string {
  const half = Math.floor((width - GUTTER) / 2);
  const draw = (report: Pick<Report, 'techniques'>, title: string, columns: number) => [
    paint(color)('bold', title),
    ...renderReportMatrix(report, { width: columns, color }, true).trimEnd().split('\n'),
  ];
  if (half < MIN_PAIR)
    return `${[...draw(before, titles[0], width), '', ...draw(after, titles[1], width)].join('\n')}\n`;
  const left = draw(before, titles[0], half);
  const right = draw(after, titles[1], half);
  const lines = Array.from({ length: Math.max(left.length, right.length) }, (_, i) => {
    const text = left[i] ?? '';
    const pad = ' '.repeat(Math.max(0, half - stripVTControlCharacters(text).length) + GUTTER);
    return `${text}${pad}${right[i] ?? ''}`.trimEnd();
  });
  return `${lines.join('\n')}\n`;
}

/** The narrowest half that still shows each tactic's techniques a few to a line. */
const MIN_PAIR = 40;

function cellLines(
  id: TechniqueId,
  column: number,
  { status, findings, onPaths, compact, active }: MatrixOptions,
): string[] {
  const technique = getTechnique(id);
  const name = technique ? technique.name : id;
  const mark = status ? `${techniqueMark(status.get(id) ?? 'not-assessed', onPaths?.get(id))} ` : '';
  const count = findings?.get(id) ? ` (${findings.get(id)})` : '';
  // The number alone (9013 for MS-TA9013) is what `kubematrix explain` takes, without the noise of the prefix.
  const number = `${id.slice(5)}${active?.has(id) ? activityMark.mark : ''}`;
  const head = `${mark}${number}`;
  if (compact) {
    // Mark, number and count always fit the narrowest column (`!9018 12k`); the name gets what room is left.
    const found = findings?.get(id) ?? 0;
    const tight = `${mark.trim()}${number}${found ? ` ${found < 1000 ? found : `${Math.floor(found / 1000)}k`}` : ''}`;
    const room = column - tight.length - 1;
    if (room < 4) return [tight];
    return [`${tight} ${name.length > room ? `${name.slice(0, room - 1).trimEnd()}…` : name}`];
  }
  return wrap(`${head} ${name}${count}`, column, 'abbreviate');
}

function styleFor(id: TechniqueId, status: MatrixOptions['status']): Parameters<Paint>[0] | undefined {
  return status ? styles[status.get(id) ?? 'not-assessed'] : undefined;
}

function renderGrid(column: number, options: MatrixOptions): string {
  const { paint, status } = options;
  const rule = (joint: string) => tactics.map(() => '─'.repeat(column)).join(joint);
  const row = (cells: string[][], styles: (Parameters<Paint>[0] | undefined)[]) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let i = 0; i < height; i++) {
      const parts = cells.map((cell, c) => {
        const text = (cell[i] ?? '').padEnd(column);
        const style = styles[c];
        return style ? paint(style, text) : text;
      });
      out.push(parts.join('│').trimEnd());
    }
    return out;
  };

  const lines: string[] = [];
  lines.push(
    ...row(
      tactics.map((t) => wrap(t.name, column, 'abbreviate')),
      tactics.map(() => 'bold'),
    ),
  );
  lines.push(rule('┼'));
  const depth = Math.max(...tactics.map((t) => t.techniques.length));
  for (let r = 0; r < depth; r++) {
    const ids = tactics.map((t) => t.techniques[r]);
    lines.push(
      ...row(
        ids.map((id) => (id ? cellLines(id, column, options) : [])),
        ids.map((id) => (id ? styleFor(id, status) : undefined)),
      ),
    );
    if (!options.compact || r === depth - 1) lines.push(rule(r === depth - 1 ? '┴' : '┼'));
  }
  if (status) lines.push(...legend(options));
  return `${lines.join('\n')}\n`;
}

function renderList(options: MatrixOptions): string {
  const { width, paint, status } = options;
  const lines: string[] = [];
  if (options.compact) {
    // Under each tactic its techniques' marks, numbers and counts, as many to a line as fit.
    for (const tactic of tactics) {
      lines.push(paint('bold', tactic.name));
      let line = '';
      let shown = '';
      for (const id of tactic.techniques) {
        const [cell = ''] = cellLines(id, 0, options);
        if (line && line.length + 1 + cell.length > width - 2) {
          lines.push(`  ${shown}`);
          line = shown = '';
        }
        const style = styleFor(id, status);
        line += `${line ? ' ' : ''}${cell}`;
        shown += `${shown ? ' ' : ''}${style ? paint(style, cell) : cell}`;
      }
      if (shown) lines.push(`  ${shown}`);
    }
    if (status) lines.push(...legend(options));
    return `${lines.join('\n')}\n`;
  }
  for (const tactic of tactics) {
    lines.push(paint('bold', tactic.name));
    for (const id of tactic.techniques) {
      const [first = '', ...rest] = cellLines(id, Math.max(width - 4, 20), options);
      const style = styleFor(id, status);
      const show = (text: string) => (style ? paint(style, text) : text);
      lines.push(`  ${show(first)}`);
      for (const more of rest) lines.push(`    ${show(more)}`);
    }
    lines.push('');
  }
  if (status) lines.push(...legend(options));
  return `${lines.join('\n')}\n`;
}

function legend({ width, onPaths, active }: MatrixOptions): string[] {
  const entries = statusLegend((mark, meaning) => `${mark} ${meaning}`);
  if ([...(onPaths?.values() ?? [])].some(Boolean)) entries.push(`${onPathMark.mark} ${onPathMark.meaning}`);
  if (active) entries.push(`${activityMark.mark} ${activityMark.meaning}`);
  return wrap(entries.join(';  '), width);
}
