import type { Report } from '../../model/report.js';
import { printable } from '../../util/text.js';

/**
 * Word-wraps `text` to `width` columns. A word longer than a line is split after a hyphen where it has one;
 * otherwise it is split (`long: 'split'`, right for prose) or shortened with a dot (`'abbreviate'`, for labels).
 */
export function wrap(text: string, width: number, long: 'split' | 'abbreviate' = 'split'): string[] {
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).flatMap((word) => (word.length > width ? word.split(/(?<=-)/) : [word]));
  for (let word of words.filter(Boolean)) {
    if (word.length > width && long === 'abbreviate') word = `${word.slice(0, width - 1)}.`;
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (!word) continue;
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function indent(lines: readonly string[], by: string): string[] {
  return lines.map((line) => by + line);
}

/** Defined with the other text helpers every room may use (fix files write input text into comments too). */
export { printable };

/** Our own multi-line text with input inside it: each line made printable, the line breaks kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * `value` with every string in it made printable: input-derived data on its way to a terminal. Copied only where
 * something changes, so that a clean report of a hundred thousand findings is not held twice to print a few.
 */
export function printableCopy<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (value === null || typeof value !== 'object') return value;
  // Walked without allocating: a report with policies' probes and evidence holds hundreds of thousands of strings.
  if (Array.isArray(value)) {
    let items: unknown[] | undefined;
    value.forEach((item, index) => {
      const copy = printableCopy(item);
      if (copy === item) return;
      items ??= [...value];
      items[index] = copy;
    });
    return (items ?? value) as T;
  }
  let copied: Record<string, unknown> | undefined;
  for (const [key, child] of Object.entries(value)) {
    const copy = printableCopy(child);
    if (copy === child) continue;
    copied ??= { ...(value as Record<string, unknown>) };
    copied[key] = copy;
  }
  return (copied ?? value) as T;
}

/**
 * The report with every string but its findings' made printable. A format that shows a bounded few findings makes
 * each of those printable as it shows it ({@link printableCopy}): the others, tens of thousands, are never walked.
 */
export function printableButFindings(report: Report): Report {
  return { ...printableCopy({ ...report, findings: [] }), findings: report.findings };
}

/** A template tag that makes every interpolated value printable and keeps the literal text as written. */
export function printed(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, literal, i) => out + printable(String(values[i - 1])) + literal);
}
