import type { LineCounter } from 'yaml';
import { type PlainConverter, REFUSED } from './plain-yaml.js';
import { ENTRY, HEADER, MAX_DEPTH, reserveRecord } from './yaml.js';

/**
 * The fastest path of reading manifests: a whole file of the plainest YAML — what generators and `kubectl` write —
 * read line by line, straight to the values and records that {@link PlainConverter} gives from the `yaml` library's
 * syntax tree, without that tree: the library's Lexer and Parser cost about half of a scan. It takes only block
 * mappings and lists without blank lines or comments inside them, keys of plain characters, scalars on one line
 * (plain, or quoted without escapes) and one-line flow collections of such scalars; documents start with a bare
 * `---`. Anything else, anywhere in the file, and the whole file is left to the library (`null`): what this path
 * accepts, it reads exactly as the parser and the converter do (test/inputs/plain-yaml.test.ts compares them).
 */

/** A document read: its value, its root's offset, its records' place in the table and where the document starts. */
export interface LineDocument {
  readonly offset: number;
  readonly value: unknown;
  readonly rootOffset: number;
  readonly base: number;
}

// Characters a plain scalar or key may not start with (YAML indicators), and what ends a key or a flow scalar.
const INDICATORS = new Set('-?:,[]{}#&*!|>\'"%@`'.split('').map((c) => c.charCodeAt(0)));
const SPACE = 32;
const NEWLINE = 10;
const COLON = 58;
const HASH = 35;
const DASH = 45;
const COMMA = 44;
const DOUBLE = 34;
const SINGLE = 39;
const PIPE = 124;
/** What the library would read differently or report: tabs, carriage returns, other controls, BOMs, NEL, LS, PS. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/**
 * Reads every document of `text`, or refuses (`null`) and leaves nothing behind: no record, key or line start.
 * Line starts go to `lineCounter` as the parser gives them.
 */
export function readPlainLines(
  text: string,
  converter: PlainConverter,
  lineCounter: LineCounter,
): LineDocument[] | null {
  if (UNUSUAL.test(text)) return null;
  const { table } = converter;
  const keyCount = table.keys.length;
  const tableLength = table.length;
  try {
    const documents = new LineReader(text, converter).documents();
    const { lineStarts } = lineCounter;
    if (lineStarts.length === 0) lineCounter.addNewLine(0);
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
    return documents;
  } catch (caught) {
    if (caught !== REFUSED) throw caught;
    table.keys.length = keyCount;
    table.length = tableLength;
    return null;
  }
}

class LineReader {
  /** The current line: where it starts, where its content ends (its newline or the text's end), its indentation. */
  start = 0;
  end = 0;
  indent = 0;
  /** Past the last line. */
  done = false;
  /** Whether empty lines were passed to reach the current line. */
  blank = false;
  /** The last node read: where it starts and ends, and where what follows it on its lines ends (its tail). */
  nodeStart = 0;
  nodeEnd = 0;
  nodeTail = 0;
  offsets: number[] = [];
  nodes = 0;

  constructor(
    readonly text: string,
    readonly converter: PlainConverter,
  ) {
    this.line(0);
  }

  /** Moves to the first line that is not empty from `start` on; a line of spaces only is refused. */
  line(start: number): void {
    const { text } = this;
    this.blank = false;
    while (text.charCodeAt(start) === NEWLINE) {
      start++;
      this.blank = true;
    }
    if (start >= text.length) {
      this.done = true;
      this.start = this.end = this.indent = text.length;
      return;
    }
    this.start = start;
    const newline = text.indexOf('\n', start);
    this.end = newline === -1 ? text.length : newline;
    let at = start;
    while (text.charCodeAt(at) === SPACE) at++;
    this.indent = at - start;
    if (at === this.end) throw REFUSED;
  }

  next(): void {
    this.line(this.end + 1);
  }

  /** Where the current line's tail ends: after its newline, or at the text's end. */
  get tail(): number {
    return this.end < this.text.length ? this.end + 1 : this.end;
  }

  documents(): LineDocument[] {
    const { converter } = this;
    const documents: LineDocument[] = [];
    while (!this.done) {
      let offset = this.start;
      const marker = this.marker();
      if (marker) {
        this.next();
        if (this.done || this.blank) throw REFUSED;
      } else if (documents.length > 0) throw REFUSED;
      if (this.indent !== 0 || this.keyAt(this.start) === -1) throw REFUSED;
      if (!marker) offset = this.start;
      this.offsets = [];
      this.nodes = 0;
      this.count(0);
      const value = this.blockMap(0, this.start, 0, -1);
      const rootOffset = this.nodeStart;
      const base = converter.table.append(this.offsets);
      documents.push({ offset, value, rootOffset, base });
    }
    return documents;
  }

  /** Whether the current line is `---` alone. */
  marker(): boolean {
    return this.end - this.start === 3 && this.text.startsWith('---', this.start);
  }

  count(depth: number): void {
    if (++this.nodes > this.converter.maxNodes || depth > MAX_DEPTH) throw REFUSED;
  }

  /** Where the `:` of a key starting at `at` on the current line is, or -1 when the line holds no key there. */
  keyAt(at: number): number {
    const { text, end } = this;
    if (INDICATORS.has(text.charCodeAt(at))) return -1;
    for (let i = at; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === COLON) {
        if (i === at) return -1;
        const after = i + 1 === end ? SPACE : text.charCodeAt(i + 1);
        return after === SPACE ? i : -1;
      }
      if (
        c === SPACE ||
        c === HASH ||
        c === COMMA ||
        c === DOUBLE ||
        c === SINGLE ||
        c === 91 ||
        c === 93 ||
        c === 123 ||
        c === 125
      )
        return -1;
    }
    return -1;
  }

  /** Whether a list item's `-` stands at `at`: followed by a space or the line's end. */
  isDash(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && (at + 1 === this.end || this.text.charCodeAt(at + 1) === SPACE);
  }

  /**
   * A block mapping whose keys stand at `column`, the first on the current line at offset `first`. `entry`: the
   * entry of the parent's record that gets this record (-1 for the root).
   */
  blockMap(column: number, first: number, depth: number, entry: number): Record<string, unknown> {
    const { text, converter, offsets } = this;
    const { keys } = converter.table;
    const entries = this.countAt(column, false);
    const at = reserveRecord(offsets, keys, entries, true, first);
    if (entry >= 0) offsets[entry + 2] = at;
    const firstKey = offsets[at + 1] as number;
    const object: Record<string, unknown> = {};
    let keyStart = first;
    let tail = 0;
    for (let index = 0; index < entries; index++) {
      const colon = this.keyAt(keyStart);
      // The library reports implicit keys over 1024 characters.
      if (colon === -1 || colon - keyStart > 1000) throw REFUSED;
      const field = converter.key(text.slice(keyStart, colon), true);
      if (Object.hasOwn(object, field)) throw REFUSED; // toPlain reports it
      const place = at + HEADER + ENTRY * index;
      let valueAt = colon + 1;
      while (valueAt < this.end && text.charCodeAt(valueAt) === SPACE) valueAt++;
      let value: unknown;
      if (valueAt < this.end) {
        this.count(depth + 1);
        value = this.inline(valueAt, column, depth + 1, place);
        this.next();
        if (!this.done && this.indent > column) throw REFUSED; // a continued scalar, or worse
      } else {
        this.next();
        if (this.done || this.blank) throw REFUSED; // an empty value, or a blank line first
        const nested = this.start + this.indent;
        this.count(depth + 1);
        if (this.isDash(nested)) {
          if (this.indent < column) throw REFUSED;
          value = this.blockSeq(this.indent, depth + 1, place);
        } else if (this.indent > column) {
          value = this.blockMap(this.indent, nested, depth + 1, place);
        } else throw REFUSED;
      }
      if (field === '__proto__') Object.defineProperty(object, field, { value, enumerable: true, writable: true });
      else object[field] = value;
      keys[firstKey + index] = field;
      offsets[place] = keyStart;
      offsets[place + 1] = this.nodeEnd;
      tail = this.nodeTail;
      if (index + 1 < entries) {
        if (this.done || this.indent !== column) throw REFUSED;
        keyStart = this.start + column;
      }
    }
    // What follows is shallower: a blank line, a document marker or a parent's next key or item.
    if (!this.done && this.indent >= column && !this.marker()) throw REFUSED;
    this.nodeStart = first;
    this.nodeEnd = tail;
    this.nodeTail = tail;
    return object;
  }

  /**
   * How many keys (or `- ` items: `items`) stand at `column` from the current line on, up to a shallower line or a
   * document marker, and for items a key at `column`: a `- ` at a mapping's `column` is in one of its values.
   */
  countAt(column: number, items: boolean): number {
    const { text } = this;
    let count = 1;
    let start = this.end + 1;
    while (start < text.length) {
      let at = start;
      while (text.charCodeAt(at) === SPACE) at++;
      const indent = at - start;
      const newline = text.indexOf('\n', at);
      if (at === newline) {
        start = at + 1;
        continue;
      }
      if (indent < column || (indent === 0 && marks(text, at))) break;
      if (indent === column) {
        const dash = text.charCodeAt(at) === DASH && (at + 1 === newline || text.charCodeAt(at + 1) === SPACE);
        if (dash === items) count++;
        else if (items) break;
      }
      if (newline === -1) break;
      start = newline + 1;
    }
    return count;
  }

  /** A block list whose `-` stand at `column`, the first on the current line. */
  blockSeq(column: number, depth: number, entry: number): unknown[] {
    const { text, offsets } = this;
    const length = this.countAt(column, true);
    const seqStart = this.start + column;
    const at = reserveRecord(offsets, this.converter.table.keys, length, false, seqStart);
    if (entry >= 0) offsets[entry + 2] = at;
    const items: unknown[] = new Array(length);
    let tail = 0;
    for (let index = 0; index < length; index++) {
      if (this.done || this.indent !== column || !this.isDash(this.start + column)) throw REFUSED;
      const place = at + HEADER + ENTRY * index;
      let content = this.start + column + 1;
      while (content < this.end && text.charCodeAt(content) === SPACE) content++;
      // An empty item, a list in a list, or a block scalar (whose indentation is counted from the list's).
      if (content === this.end || this.isDash(content) || text.charCodeAt(content) === PIPE) throw REFUSED;
      this.count(depth + 1);
      if (this.keyAt(content) !== -1) {
        items[index] = this.blockMap(content - this.start, content, depth + 1, place);
      } else {
        items[index] = this.inline(content, column, depth + 1, place);
        this.next();
        if (!this.done && this.indent > column) throw REFUSED;
      }
      offsets[place] = this.nodeStart;
      offsets[place + 1] = this.nodeEnd;
      tail = this.nodeTail;
    }
    if (!this.done && this.indent === column && this.isDash(this.start + column)) throw REFUSED;
    this.nodeStart = seqStart;
    this.nodeEnd = tail;
    this.nodeTail = tail;
    return items;
  }

  /**
   * A value that starts at `at`, of a key or item at `column`: a scalar or a flow collection that ends on the
   * current line (then nothing but a comment), or a key's literal block scalar, whose last line becomes the current
   * one.
   */
  inline(at: number, column: number, depth: number, entry: number): unknown {
    const { text } = this;
    const c = text.charCodeAt(at);
    if (c === PIPE) return this.literal(at, column);
    let value: unknown;
    let after: number;
    if (c === 91 || c === 123) {
      value = this.flow(at, depth, entry);
      after = this.nodeEnd;
    } else if (c === DOUBLE || c === SINGLE) {
      value = this.quoted(at);
      after = this.nodeEnd;
    } else {
      // Up to a comment (` #`) or the line's end, trailing spaces excluded.
      let end = at;
      while (end < this.end && !(text.charCodeAt(end) === HASH && text.charCodeAt(end - 1) === SPACE)) end++;
      while (text.charCodeAt(end - 1) === SPACE) end--;
      value = this.plain(at, end, false);
      after = end;
    }
    // Only spaces, then perhaps a comment after a space, to the line's end.
    let i = after;
    while (i < this.end && text.charCodeAt(i) === SPACE) i++;
    if (i < this.end && (text.charCodeAt(i) !== HASH || i === after)) throw REFUSED;
    this.nodeTail = this.tail;
    return value;
  }

  /**
   * `|` or `|-` alone on its line, then lines indented deeper than the key at `column`, as deep as the first or
   * deeper, none blank, each ending with a newline, then a shallower line that is not blank.
   */
  literal(at: number, column: number): string {
    const { text } = this;
    const header = this.end - at;
    if (header > 2 || (header === 2 && text.charCodeAt(at + 1) !== DASH) || this.end === text.length) throw REFUSED;
    this.next();
    const indent = this.indent;
    if (this.done || this.blank || indent <= column) throw REFUSED;
    let value = '';
    for (;;) {
      if (this.end === text.length) throw REFUSED; // clipping at the text's end
      value += `${text.slice(this.start + indent, this.end)}\n`;
      const next = this.end + 1;
      let i = next;
      while (text.charCodeAt(i) === SPACE) i++;
      if (i < text.length && text.charCodeAt(i) === NEWLINE) throw REFUSED; // a blank line: kept or not by chomping
      if (i - next < indent) break;
      this.next();
    }
    if (header === 2) value = value.slice(0, -1);
    this.nodeStart = at;
    this.nodeEnd = this.end + 1;
    this.nodeTail = this.nodeEnd;
    return this.converter.value(value, false) as string;
  }

  /** A plain scalar from `at` to `end` (its trailing spaces excluded), in a block or in a flow collection. */
  plain(at: number, end: number, flow: boolean): unknown {
    const { text } = this;
    const first = text.charCodeAt(at);
    if (at >= end) throw REFUSED;
    if (INDICATORS.has(first)) {
      // `-1`, `-a`: a dash is an indicator only before a space.
      if (first !== DASH || flow || at + 1 >= end || !/[0-9A-Za-z.]/.test(text[at + 1] as string)) throw REFUSED;
    }
    const source = text.slice(at, end);
    if (source.includes(': ') || text.charCodeAt(end - 1) === COLON || source.includes(' #')) throw REFUSED;
    this.nodeStart = at;
    this.nodeEnd = end;
    return this.converter.value(source, true);
  }

  /** A quoted scalar starting at `at`, closed on its line, without escapes. */
  quoted(at: number): unknown {
    const { text } = this;
    const quote = text.charCodeAt(at);
    const close = text.indexOf(quote === DOUBLE ? '"' : "'", at + 1);
    if (close === -1 || close >= this.end) throw REFUSED;
    const inner = text.slice(at + 1, close);
    if (quote === DOUBLE ? inner.includes('\\') : text.charCodeAt(close + 1) === SINGLE) throw REFUSED;
    this.nodeStart = at;
    this.nodeEnd = close + 1;
    return this.converter.value(inner, false);
  }

  /** A flow list or mapping of scalars on one line, starting at `at`. */
  flow(at: number, depth: number, entry: number): unknown {
    const { text, offsets } = this;
    const { keys } = this.converter.table;
    const mapping = text.charCodeAt(at) === 123;
    const closer = mapping ? 125 : 93;
    // Items are counted first: the record is reserved before its values, as the converter does.
    const close = text.indexOf(mapping ? '}' : ']', at);
    if (close === -1 || close > this.end) throw REFUSED;
    let length = 0;
    for (let i = at + 1; i < close; i++) {
      const c = text.charCodeAt(i);
      if (c === 91 || c === 123 || c === 93 || c === 125) throw REFUSED; // nested collections are left to the library
      if (c === COMMA) length++;
    }
    let i = at + 1;
    while (text.charCodeAt(i) === SPACE) i++;
    if (i < close) length++;
    const record = reserveRecord(offsets, keys, length, mapping, -1);
    if (entry >= 0) offsets[entry + 2] = record;
    const firstKey = offsets[record + 1] as number;
    const list: unknown[] = mapping ? [] : new Array(length);
    const object: Record<string, unknown> = {};
    for (let index = 0; index < length; index++) {
      if (index > 0) {
        if (text.charCodeAt(i) !== COMMA) throw REFUSED;
        i++;
        while (text.charCodeAt(i) === SPACE) i++;
      }
      const place = record + HEADER + ENTRY * index;
      let field = '';
      let keyStart = 0;
      if (mapping) {
        const colon = text.indexOf(':', i);
        if (colon === -1 || colon >= close || text.charCodeAt(colon + 1) !== SPACE) throw REFUSED;
        this.scalarIn(i, colon, close);
        if (this.nodeEnd !== colon) throw REFUSED;
        if (text.charCodeAt(i) === DOUBLE || text.charCodeAt(i) === SINGLE) throw REFUSED;
        field = this.converter.key(text.slice(i, colon), true);
        if (Object.hasOwn(object, field) || field === '__proto__') throw REFUSED;
        keyStart = i;
        i = colon + 1;
        while (text.charCodeAt(i) === SPACE) i++;
      }
      this.count(depth + 1);
      const value = this.scalarIn(i, -1, close);
      if (mapping) {
        object[field] = value;
        keys[firstKey + index] = field;
        offsets[place] = keyStart;
      } else {
        list[index] = value;
        offsets[place] = this.nodeStart;
      }
      offsets[place + 1] = this.nodeEnd;
      i = this.nodeEnd;
      while (text.charCodeAt(i) === SPACE) i++;
    }
    if (i !== close || text.charCodeAt(close) !== closer) throw REFUSED;
    this.nodeStart = at;
    this.nodeEnd = close + 1;
    return mapping ? object : list;
  }

  /** A scalar in a flow collection, starting at `at`, ending before a comma, `stop` (a key's colon) or `close`. */
  scalarIn(at: number, stop: number, close: number): unknown {
    const { text } = this;
    const c = text.charCodeAt(at);
    if (c === DOUBLE || c === SINGLE) return this.quoted(at);
    let end = at;
    while (end < close && end !== stop) {
      const d = text.charCodeAt(end);
      if (d === COMMA) break;
      if (d === COLON || d === HASH) throw REFUSED;
      end++;
    }
    while (end > at && text.charCodeAt(end - 1) === SPACE) end--;
    return this.plain(at, end, true);
  }
}

/** Whether a line's text at `at` starts with a document marker (`---` or `...`), which ends every collection. */
function marks(text: string, at: number): boolean {
  return text.startsWith('---', at) || text.startsWith('...', at);
}
