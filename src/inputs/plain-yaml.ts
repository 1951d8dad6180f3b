import { CST, Document, isScalar, type ScalarTag } from 'yaml';
import { ENTRY, HEADER, MAX_DEPTH, type OffsetTable, reserveRecord, SCALAR, type SharedStrings } from './yaml.js';

/**
 * The fast path of reading manifests: a plain document (block and flow mappings and lists of scalars, no anchors,
 * aliases, tags, merge keys or anything the `yaml` library would report) goes from the parser's concrete syntax
 * tree straight to plain values and the offset table, without composing the library's Document first, which costs
 * as much again as parsing and many objects per value. It gives what {@link toPlain} gives for the composed
 * document (values, records, key names), and refuses, leaving the document to the composer, wherever composing
 * would report anything (an error, a warning, a duplicate key, a limit) or where the syntax is outside what it
 * mirrors. Each accepted construct follows the library's own composition step (resolve-props, resolve-block-map,
 * resolve-block-seq, resolve-flow-collection, resolve-end); scalars are resolved and typed by the library itself:
 * `CST.resolveAsScalar` and the YAML 1.1 schema's tags, tested in the schema's order.
 */

/** Thrown, once, to leave a document to the composer. */
export const REFUSED: unique symbol = Symbol('refused');
export type Refused = typeof REFUSED;

const schema = new Document(undefined, { version: '1.1', uniqueKeys: false });
const { options } = schema;
const TAGS = schema.schema.tags as ScalarTag[];
const STRING = TAGS.find((tag) => tag.tag === 'tag:yaml.org,2002:str') as ScalarTag;
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

type Token = CST.Token;

/** What a plain scalar may not start with (resolve-flow-scalar's plainValue). */
const BAD_PLAIN_START = new Set(['\t', ',', '%', '|', '>', '@', '`']);
type SourceToken = CST.SourceToken;

/** What resolving a token's properties (the tokens before a key, value or item) tells. See resolve-props. */
interface Props {
  found: SourceToken | null;
  comma: boolean;
  hasNewline: boolean;
  comment: boolean;
  end: number;
}

/**
 * One file's conversions: plain values of typed scalars are remembered by their text (a manifest repeats `name`,
 * `true`, `80` and its images), which the schema's tags would otherwise test one by one, each time.
 */
export class PlainConverter {
  readonly #values = new Map<string, unknown>();
  readonly #keys = new Map<string, string | Refused>();

  constructor(
    readonly table: OffsetTable,
    readonly strings: SharedStrings | undefined,
    readonly maxNodes: number,
  ) {}

  /**
   * A document's value, where its root starts and where its records were appended to the table (-1 for a scalar
   * root, which has none), or {@link REFUSED}, nothing appended, when the composer must read it.
   */
  convert(document: CST.Document): { value: unknown; rootOffset: number; base: number } | Refused {
    const { keys } = this.table;
    const keyCount = keys.length;
    const run = new Run(this, keys);
    try {
      const start = props(document.start, 'doc-start', true, document.offset, false);
      const { value } = document;
      let root: unknown = null;
      let rootOffset = 0;
      if (value) {
        if (start.found && (value.type === 'block-map' || value.type === 'block-seq') && !start.hasNewline)
          throw REFUSED;
        // A block scalar at the root is resolved differently (its indentation is checked as at the root).
        if (value.type === 'block-scalar') throw REFUSED;
        root = run.node(value, 0, SCALAR);
        rootOffset = run.start;
      }
      if (document.end) spacing(document.end, false);
      const base = root !== null && typeof root === 'object' ? this.table.append(run.offsets) : -1;
      return { value: root, rootOffset, base };
    } catch (caught) {
      if (caught !== REFUSED) throw caught;
      keys.length = keyCount;
      return REFUSED;
    }
  }

  /** A plain or quoted scalar's value as {@link toPlain} gives it, from its resolved text. */
  value(text: string, plain: boolean): unknown {
    if (!plain) return this.strings ? this.strings.shared(text) : text;
    if (this.#values.has(text)) return this.#values.get(text);
    const tag = typeOf(text, false);
    const resolved = resolve(tag, text);
    let value: unknown;
    if (typeof resolved === 'string') value = this.strings ? this.strings.shared(resolved) : resolved;
    // YAML 1.1 timestamps: Kubernetes sees the text that was written, as toPlain keeps it.
    else value = tag.tag === TIMESTAMP ? text : resolved;
    this.#values.set(text, value);
    return value;
  }

  /** A mapping key's name as toPlain gives it (`String` of its value); refused for a merge key (`<<`). */
  key(text: string, plain: boolean): string {
    if (!plain) return text;
    let name = this.#keys.get(text);
    if (name === undefined) {
      const resolved = resolve(typeOf(text, true), text);
      name = typeof resolved === 'symbol' ? REFUSED : String(resolved);
      this.#keys.set(text, name);
    }
    if (name === REFUSED) throw REFUSED;
    return name;
  }
}

/** As the composer picks a plain scalar's tag: the first default tag whose test matches, else a string. */
function typeOf(text: string, atKey: boolean): ScalarTag {
  return (
    TAGS.find((tag) => (tag.default === true || (atKey && tag.default === 'key')) && tag.test?.test(text)) ?? STRING
  );
}

function resolve(tag: ScalarTag, text: string): unknown {
  let failed = false;
  let resolved: unknown;
  try {
    resolved = tag.resolve(
      text,
      () => {
        failed = true;
      },
      options,
    );
  } catch {
    failed = true;
  }
  if (failed) throw REFUSED;
  return isScalar(resolved) ? resolved.value : resolved;
}

/** One document's conversion: its records, its node count, and the range of the node converted last. */
class Run {
  readonly offsets: number[] = [];
  nodes = 0;
  /** The last node's range, as the composer sets `node.range`. */
  start = 0;
  end = 0;
  tail = 0;

  constructor(
    readonly converter: PlainConverter,
    readonly keys: string[],
  ) {}

  /** Converts a value node, recording its record in the entry at `entry` (when it has one). */
  node(token: Token, depth: number, entry: number): unknown {
    this.count(depth);
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        return this.converter.value(this.scalar(token), token.type === 'scalar');
      case 'block-map':
        return this.blockMap(token, depth, entry);
      case 'block-seq':
        return this.blockSeq(token, depth, entry);
      case 'flow-collection':
        return this.flow(token, depth, entry);
      default:
        throw REFUSED;
    }
  }

  /** toPlain's bounds on values, absent ones included: past them, it reports the document. */
  count(depth: number): void {
    if (++this.nodes > this.converter.maxNodes || depth > MAX_DEPTH) throw REFUSED;
  }

  /** A scalar's resolved text (before typing); its range becomes the last one. */
  scalar(token: Token): string {
    if (token.type === 'scalar' && !token.source.includes('\n')) {
      // A plain scalar on one line is its own text (resolve-flow-scalar folds only lines), unless it starts with a
      // character the library reports there.
      const { offset, source, end } = token;
      if (BAD_PLAIN_START.has(source[0] as string)) throw REFUSED;
      this.start = offset;
      this.end = offset + source.length;
      this.tail = end ? this.end + spacing(end, true) : this.end;
      return source;
    }
    let failed = false;
    const resolved = CST.resolveAsScalar(token, true, () => {
      failed = true;
    });
    if (failed || !resolved) throw REFUSED;
    [this.start, this.end, this.tail] = resolved.range;
    return resolved.value;
  }

  /** An absent value (`key:` or `- `): null, placed as composeEmptyNode places it. */
  empty(offset: number, before: readonly SourceToken[], props: Props): null {
    const at = emptyScalarPosition(offset, before);
    this.start = at;
    this.end = at;
    this.tail = props.comment ? props.end : at;
    return null;
  }

  /** `start`: where a block collection starts; -1 for a flow one (see OffsetTable). */
  record(entries: number, mapping: boolean, entry: number, start: number): number {
    const at = reserveRecord(this.offsets, this.keys, entries, mapping, start);
    if (entry >= 0) this.offsets[entry + 2] = at;
    return at;
  }

  /** A mapping key: a single-line flow scalar at the mapping's indentation. */
  key(key: Token | null | undefined, indent: number | null): string {
    if (!key || (key.type !== 'scalar' && key.type !== 'single-quoted-scalar' && key.type !== 'double-quoted-scalar'))
      throw REFUSED;
    if ((indent !== null && key.indent !== indent) || containsNewline(key)) throw REFUSED;
    return this.converter.key(this.scalar(key), key.type === 'scalar');
  }

  blockMap(map: CST.BlockMap, depth: number, entry: number): Record<string, unknown> {
    const { offsets, keys } = this;
    const object: Record<string, unknown> = {};
    let pairs = 0;
    for (const item of map.items) if (item.sep) pairs++;
    const at = this.record(pairs, true, entry, map.offset);
    const firstKey = offsets[at + 1] as number;
    const seen = new Set<string>();
    let offset = map.offset;
    let commentEnd = -1;
    let entries = 0;
    for (const { start, key, sep, value } of map.items) {
      const keyProps = props(start, 'explicit-key-ind', true, offset, false);
      if (keyProps.found) throw REFUSED;
      if (!sep) {
        // A comment of the mapping's own (the composer skips such an item): nothing else may be there.
        if (key) throw REFUSED;
        commentEnd = keyProps.end;
        continue;
      }
      const field = this.key(key, map.indent);
      const keyStart = this.start;
      const valueProps = props(sep, 'map-value-ind', false, this.tail, false);
      offset = valueProps.end;
      if (!valueProps.found) throw REFUSED;
      if (value?.type === 'block-map' && !valueProps.hasNewline) throw REFUSED;
      if (keyProps.end < valueProps.found.offset - 1024) throw REFUSED;
      if (seen.has(field)) throw REFUSED; // toPlain reports it
      seen.add(field);
      const place = at + HEADER + ENTRY * entries;
      if (!value) this.count(depth + 1);
      const converted = value ? this.node(value, depth + 1, place) : this.empty(offset, sep, valueProps);
      // A plain assignment to `__proto__` would replace the object's prototype.
      if (field === '__proto__')
        Object.defineProperty(object, field, { value: converted, enumerable: true, writable: true });
      else object[field] = converted;
      keys[firstKey + entries] = field;
      offsets[place] = keyStart;
      offsets[place + 1] = this.end;
      offset = this.tail;
      entries++;
    }
    if (commentEnd !== -1 && commentEnd < offset) throw REFUSED;
    this.start = map.offset;
    this.end = offset;
    this.tail = commentEnd === -1 ? offset : commentEnd;
    return object;
  }

  blockSeq(seq: CST.BlockSequence, depth: number, entry: number): unknown[] {
    const { offsets } = this;
    let length = 0;
    for (const item of seq.items) if (item.start.some((token) => token.type === 'seq-item-ind')) length++;
    const items: unknown[] = sized(length);
    const at = this.record(length, false, entry, seq.offset);
    let offset = seq.offset;
    let commentEnd = -1;
    let index = 0;
    for (const { start, value } of seq.items) {
      const itemProps = props(start, 'seq-item-ind', true, offset, false);
      if (!itemProps.found) {
        if (value) throw REFUSED;
        commentEnd = itemProps.end;
        continue;
      }
      const place = at + HEADER + ENTRY * index;
      if (value) items[index] = this.node(value, depth + 1, place);
      else {
        this.count(depth + 1);
        items[index] = this.empty(itemProps.end, start, itemProps);
      }
      offsets[place] = this.start;
      offsets[place + 1] = this.end;
      offset = this.tail;
      index++;
    }
    this.start = seq.offset;
    this.end = offset;
    this.tail = commentEnd === -1 ? offset : commentEnd;
    return items;
  }

  /** Flow lists and mappings (JSON's too) of scalars and of flow collections: items after commas, no comments. */
  flow(collection: CST.FlowCollection, depth: number, entry: number): unknown {
    const { offsets, keys } = this;
    const mapping = collection.start.source === '{';
    const { items } = collection;
    // White space, or a comma, before the closing bracket is an item of its own, without a value.
    const last = items[items.length - 1];
    const length = last && !last.key && !last.sep && !last.value ? items.length - 1 : items.length;
    const at = this.record(length, mapping, entry, SCALAR);
    const firstKey = offsets[at + 1] as number;
    const list: unknown[] = mapping ? [] : sized(length);
    const object: Record<string, unknown> = {};
    const seen = new Set<string>();
    let offset = collection.offset + collection.start.source.length;
    for (let index = 0; index < length; index++) {
      const { start, key, sep, value } = items[index] as CST.CollectionItem;
      const itemProps = props(start, 'explicit-key-ind', false, offset, true);
      if (itemProps.found || itemProps.comment || itemProps.comma !== index > 0) throw REFUSED;
      if (!value || !(isFlowScalar(value) || value.type === 'flow-collection')) throw REFUSED;
      const place = at + HEADER + ENTRY * index;
      if (!mapping) {
        if (key || sep) throw REFUSED;
        list[index] = this.node(value, depth + 1, place);
        offsets[place] = this.start;
      } else {
        if (!sep) throw REFUSED;
        const field = this.key(key, null);
        const keyStart = this.start;
        const valueProps = props(sep, 'map-value-ind', false, this.tail, true);
        if (!valueProps.found || valueProps.comment || valueProps.comma) throw REFUSED;
        if (seen.has(field) || field === '__proto__') throw REFUSED;
        seen.add(field);
        object[field] = this.node(value, depth + 1, place);
        keys[firstKey + index] = field;
        offsets[place] = keyStart;
      }
      offsets[place + 1] = this.end;
      offset = this.tail;
    }
    if (length < items.length) {
      const trailing = props((last as CST.CollectionItem).start, 'explicit-key-ind', false, offset, true);
      if (trailing.found || trailing.comment || (trailing.comma && length === 0)) throw REFUSED;
      offset = trailing.end;
    }
    const [close, ...rest] = collection.end;
    if (close?.source !== (mapping ? '}' : ']')) throw REFUSED;
    const closed = close.offset + close.source.length;
    this.start = collection.offset;
    this.end = closed;
    this.tail = rest.length ? spacing(rest, true) + closed : closed;
    return mapping ? object : list;
  }
}

function isFlowScalar(token: Token): boolean {
  return token.type === 'scalar' || token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar';
}

/**
 * resolve-props for the tokens a plain document may hold before a node: spaces (without tabs, which the composer
 * checks as indentation), newlines, comments after white space, one indicator, and in flow collections one comma.
 */
function props(
  tokens: readonly SourceToken[],
  indicator: SourceToken['type'],
  startOnNewline: boolean,
  offset: number,
  flow: boolean,
): Props {
  let hasSpace = startOnNewline;
  const result: Props = { found: null, comma: false, hasNewline: false, comment: false, end: offset };
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        if (token.source.includes('\t')) throw REFUSED;
        hasSpace = true;
        break;
      case 'comment':
        if (!hasSpace) throw REFUSED;
        result.comment = true;
        break;
      case 'newline':
        result.hasNewline = true;
        hasSpace = true;
        break;
      case indicator:
        if (result.found) throw REFUSED;
        result.found = token;
        hasSpace = false;
        break;
      case 'comma':
        if (!flow || result.comma) throw REFUSED;
        result.comma = true;
        hasSpace = false;
        break;
      default:
        throw REFUSED;
    }
  }
  const last = tokens[tokens.length - 1];
  if (last) result.end = last.offset + last.source.length;
  return result;
}

/** resolve-end: what may follow a node on its line. Returns the length it spans. */
function spacing(tokens: readonly SourceToken[], strict: boolean): number {
  let hasSpace = false;
  let length = 0;
  for (const token of tokens) {
    if (token.type === 'space' || token.type === 'newline') hasSpace = true;
    else if (token.type !== 'comment' || (strict && !hasSpace)) throw REFUSED;
    length += token.source.length;
  }
  return length;
}

/** util-contains-newline, for a flow scalar. */
function containsNewline(key: Token): boolean {
  if ('source' in key && key.source.includes('\n')) return true;
  return 'end' in key && !!key.end?.some((token) => token.type === 'newline');
}

/** util-empty-scalar-position: an absent value stands after the white space that precedes it. */
function emptyScalarPosition(offset: number, before: readonly SourceToken[]): number {
  let position = offset;
  for (let i = before.length - 1; i >= 0; --i) {
    let token = before[i] as SourceToken;
    if (token.type === 'space' || token.type === 'comment' || token.type === 'newline') {
      position -= token.source.length;
      continue;
    }
    token = before[++i] as SourceToken;
    while (token?.type === 'space') {
      position += token.source.length;
      token = before[++i] as SourceToken;
    }
    break;
  }
  return position;
}

function sized<T>(length: number): T[] {
  return length <= 10_000 ? new Array(length) : [];
}
