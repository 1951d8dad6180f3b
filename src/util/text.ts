/** Code-point order: the same on every machine whatever its locale, and far cheaper than localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An integer with thousands separators, `10,000`, as `toLocaleString('en')` writes it, without its cost: the first
 * locale-aware call of a process loads ICU's data, 20 to 90 ms (a third of a small scan's start-up, issue 24).
 */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `*` matches any run of characters, everything else itself. */
export function globMatch(pattern: string, text: string): boolean {
  const regex = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${regex.join('.*')}$`).test(text);
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Two rows, reused: names are judged against every system component for each pod written.
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const distance = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current[j] = distance;
      if (distance < least) least = distance;
    }
    if (least > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? limit + 1;
}

/**
 * The candidates nearest to what was typed, for a "did you mean": those containing it, then those a few edits away
 * (a quarter of its length, at least two), nearest first; at most `count`. `key` picks the part of each candidate
 * compared (its name without a path, say); the whole by default.
 */
export function closest(
  typed: string,
  candidates: Iterable<string>,
  { count = 5, key = (candidate: string) => candidate }: { count?: number; key?: (candidate: string) => string } = {},
): string[] {
  const needle = typed.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 4));
  const scored: [string, number][] = [];
  for (const candidate of new Set(candidates)) {
    const text = key(candidate).toLowerCase();
    const score = needle && text.includes(needle) ? 0 : editDistance(needle, text, limit);
    if (score <= limit) scored.push([candidate, score]);
  }
  scored.sort(([a, x], [b, y]) => x - y || compareText(a, b));
  return scored.slice(0, count).map(([candidate]) => candidate);
}

/** Whether an id is chosen by `only` patterns (every id when there are none) and not by a `skip` pattern. */
export function selectedBy(id: string, only: readonly string[] = [], skip: readonly string[] = []): boolean {
  const matches = (pattern: string) => globMatch(pattern, id);
  return (!only.length || only.some(matches)) && !skip.some(matches);
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
