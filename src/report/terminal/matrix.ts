import { getTechnique, tactics } from '../../matrix/index.js';
import type { TechniqueId } from '../../matrix/types.js';
import type { Report, TechniqueStatusValue } from '../../model/report.js';
import type { ReportOptions } from '../index.js';
import { type Paint, paint } from './paint.js';
import { wrap } from './text.js';

export interface MatrixOptions {
  width: number;
  paint: Paint;
  /** When given (after a scan), each technique is marked and coloured by its status. */
  status?: ReadonlyMap<TechniqueId | string, TechniqueStatusValue>;
}

/** The narrowest column that still fits most words of a technique name. */
const MIN_COLUMN = 9;

const marks: Record<TechniqueStatusValue, { mark: string; style: Parameters<Paint>[0] }> = {
  exposed: { mark: '!', style: ['red', 'bold'] },
  weakened: { mark: '~', style: 'yellow' },
  'not-observed': { mark: '+', style: 'green' },
  'not-assessed': { mark: '?', style: 'gray' },
  question: { mark: '?', style: 'gray' },
};

/**
 * The matrix as the published grid: one column per tactic, techniques top to bottom.
 * Below the width where ten columns stay readable it falls back to one tactic per block.
 */
export function renderMatrix({ width, paint, status }: MatrixOptions): string {
  const column = Math.floor((width - (tactics.length - 1)) / tactics.length);
  return column >= MIN_COLUMN ? renderGrid(column, paint, status) : renderList(width, paint, status);
}

/** The matrix of a scan: each technique marked with its status. */
export function renderReportMatrix(report: Report, { width, color }: ReportOptions): string {
  const status = new Map(report.techniques.map((technique) => [technique.id, technique.status]));
  return renderMatrix({ width, paint: paint(color), status });
}

function cellLines(id: TechniqueId, column: number, status: MatrixOptions['status']): string[] {
  const technique = getTechnique(id);
  const name = technique ? technique.name : id;
  const mark = status ? `${marks[status.get(id) ?? 'not-assessed'].mark} ` : '';
  // The number alone (9013 for MS-TA9013) is what `kubematrix explain` takes, without the noise of the prefix.
  return wrap(`${mark}${id.slice(5)} ${name}`, column, 'abbreviate');
}

function styleFor(id: TechniqueId, status: MatrixOptions['status']): Parameters<Paint>[0] | undefined {
  return status ? marks[status.get(id) ?? 'not-assessed'].style : undefined;
}

function renderGrid(column: number, paint: Paint, status: MatrixOptions['status']): string {
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
        ids.map((id) => (id ? cellLines(id, column, status) : [])),
        ids.map((id) => (id ? styleFor(id, status) : undefined)),
      ),
    );
    lines.push(rule(r === depth - 1 ? '┴' : '┼'));
  }
  if (status) lines.push(legend());
  return `${lines.join('\n')}\n`;
}

function renderList(width: number, paint: Paint, status: MatrixOptions['status']): string {
  const lines: string[] = [];
  for (const tactic of tactics) {
    lines.push(paint('bold', tactic.name));
    for (const id of tactic.techniques) {
      const [first = '', ...rest] = cellLines(id, Math.max(width - 4, 20), status);
      const style = styleFor(id, status);
      const show = (text: string) => (style ? paint(style, text) : text);
      lines.push(`  ${show(first)}`);
      for (const more of rest) lines.push(`    ${show(more)}`);
    }
    lines.push('');
  }
  if (status) lines.push(legend());
  return `${lines.join('\n')}\n`;
}

function legend(): string {
  return '! exposed   ~ mitigation missing   + assessed, nothing found   ? not assessed / question for you';
}
