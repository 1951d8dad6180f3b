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

/**
 * Characters a terminal acts on, or that hide, instead of showing: controls (C0, DEL and C1: ESC starts ANSI/OSC
 * sequences, CR and BS overwrite what was printed, U+009B is a one-byte CSI), Unicode line and paragraph separators,
 * and every format character (category Cf): bidi marks, embeddings, overrides and isolates, which reorder what a
 * reviewer reads (Trojan Source), and the invisible ones (zero-width spaces and joiners, word joiner, BOM, soft
 * hyphen, tag characters), which make `ad\u200bmin` look like `admin`. Unassigned tag code points too.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029\u{E0000}-\u{E007F}]/gu;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Input text made safe to print on a terminal: each character above becomes a visible escape (`\x1b`, `\r`,
 * `\u009b`, `\u202e`, `\u{e0041}`). The result holds no such character, so applying it twice changes nothing.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.codePointAt(0) as number;
    if (NAMED[char]) return NAMED[char];
    if (code < 0x80) return `\\x${hex(code, 2)}`;
    return code > 0xffff ? `\\u{${hex(code, 5)}}` : `\\u${hex(code, 4)}`;
  });
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

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
  if (Array.isArray(value)) {
    const items = value.map(printableCopy);
    return (items.every((item, index) => item === value[index]) ? value : items) as T;
  }
  const entries = Object.entries(value);
  const children = entries.map(([, child]) => printableCopy(child));
  if (children.every((child, index) => child === entries[index]?.[1])) return value;
  return Object.fromEntries(entries.map(([key], index) => [key, children[index]])) as T;
}

/** A template tag that makes every interpolated value printable and keeps the literal text as written. */
export function printed(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, literal, i) => out + printable(String(values[i - 1])) + literal);
}
