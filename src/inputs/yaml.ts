import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  parseDocument,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { SourceLocation } from '../model/report.js';
import type { RecordedDocument } from '../util/yaml-edit.js';
import { yamlErrorMessage } from './errors.js';
import { DEFAULT_LIMITS, overLimit } from './limits.js';
import type { FieldPath } from './path.js';

/** Aliases a document may expand: generous for real manifests, fatal for a "billion laughs" bomb. */
export const MAX_ALIASES = 200;
/** Kubernetes objects are shallow; anything deeper is hostile or broken. */
export const MAX_DEPTH = 64;

export class ConversionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Where the keys and items of converted documents stand, kept instead of the YAML syntax tree (many times larger)
 * and instead of a table per mapping: one flat array of offsets for all the documents of a file. Each mapping and
 * list is a record: `[entries, firstKey, start]` (`firstKey` is -1 for a list; `start` is where a block collection's
 * text starts, its first key or `-`, and -1 where an edit must not trust the record: a flow collection, one reached
 * through an alias, a mapping with merge keys), then per key or item `[start, end, child]`: where the key (or item)
 * starts, where its value ends, and where the value's own record is (-1 for a scalar).
 * Records are placed relative to their document's root record. A mapping's key names are `keys[firstKey…]`.
 */
export class OffsetTable {
  /** Filled up to `length`; the rest is room to grow until {@link trim}. */
  offsets = new Int32Array(0);
  length = 0;
  readonly keys: string[] = [];
  /** Key indexes of large mappings, by record position, made on first use. */
  indexes?: Map<number, Map<string, number>>;

  /** Appends a document's records; returns where they start. */
  append(records: readonly number[]): number {
    const base = this.length;
    if (base + records.length > this.offsets.length) {
      const grown = new Int32Array(Math.max(base + records.length, 2 * this.offsets.length));
      grown.set(this.offsets.subarray(0, base));
      this.offsets = grown;
    }
    this.offsets.set(records, base);
    this.length += records.length;
    return base;
  }

  /** Gives back the room left to grow, once every document of the file is converted. */
  trim(): void {
    if (this.offsets.length > this.length) this.offsets = this.offsets.slice(0, this.length);
  }
}

/** A converted document's place in its file's table. */
export interface DocumentPositions {
  readonly table: OffsetTable;
  readonly base: number;
}

/** Each converted document's positions, by its root value: see {@link toPlain} and {@link locate}. */
export type Positions = Map<unknown, DocumentPositions>;

/** The child of an entry that holds a scalar; a record's header length; an entry's length. */
export const SCALAR = -1;
export const HEADER = 3;
export const ENTRY = 3;

/**
 * Reserves a record of `entries` entries at the end of `offsets`, and their keys for a mapping; returns its position.
 * `start`: where the block collection starts, or -1 (see {@link OffsetTable}).
 */
export function reserveRecord(
  offsets: number[],
  keys: string[],
  entries: number,
  mapping: boolean,
  start: number,
): number {
  const at = offsets.length;
  offsets.push(entries, mapping ? keys.length : SCALAR, start);
  for (let i = 0; i < ENTRY * entries; i++) offsets.push(SCALAR);
  if (mapping) for (let i = 0; i < entries; i++) keys.push('');
  return at;
}

/**
 * Converts a parsed YAML document to plain JSON-like values as Kubernetes reads them (YAML 1.1 scalars, merge keys,
 * aliases), recording where every key and item stands so that findings can point at a line and column.
 * Refuses alias bombs, excessive nesting, more than `maxNodes` values (alias expansions counted), mapping keys that
 * are themselves collections, and duplicate keys, as kubectl does. Duplicates are found here, with a set per mapping,
 * because the `yaml` library's own check (`uniqueKeys`) compares every key with every other: quadratic.
 */
export function toPlain(
  document: Document,
  positions: Positions,
  maxNodes: number = DEFAULT_LIMITS.nodesPerDocument,
  shared: { readonly strings?: SharedStrings; readonly table?: OffsetTable } = {},
): unknown {
  const { strings, table = new OffsetTable() } = shared;
  let aliases = 0;
  let nodes = 0;
  // Inside an alias's expansion: its records are the anchor's text, which an edit must not take for its own.
  let aliased = 0;
  // Filled as the values are converted, then appended to the file's table.
  const offsets: number[] = [];
  const { keys } = table;
  const record = (entries: number, node: YAMLMap | YAMLSeq) =>
    reserveRecord(offsets, keys, entries, isMap(node), node.flow || aliased ? SCALAR : start(node));
  /** Converts `node`, recording its place in the entry at `entry` (when it has one): its value's record. */
  const convert = (node: unknown, depth: number, entry: number): unknown => {
    if (++nodes > maxNodes) {
      throw new ConversionError(`a document of ${overLimit('nodesPerDocument', maxNodes, 'values')}`, start(node));
    }
    if (depth > MAX_DEPTH) {
      throw new ConversionError(`nesting deeper than ${MAX_DEPTH} levels; not a Kubernetes object`, start(node));
    }
    if (isScalar(node)) {
      const { value } = node;
      if (typeof value === 'string') return strings ? strings.shared(value) : value;
      // YAML 1.1 timestamps arrive as Dates; Kubernetes sees the text that was written.
      return value instanceof Date ? (node.source ?? value.toISOString()) : value;
    }
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) {
        throw new ConversionError(
          `too many alias expansions (over ${MAX_ALIASES}): refusing a possible YAML alias bomb`,
          start(node),
        );
      }
      aliased++;
      const value = convert(node.resolve(document), depth, entry);
      aliased--;
      return value;
    }
    if (isSeq(node)) {
      const items: unknown[] = sized(node.items.length);
      const at = record(node.items.length, node);
      if (entry >= 0) offsets[entry + 2] = at;
      for (let index = 0; index < node.items.length; index++) {
        const item = node.items[index];
        const place = at + HEADER + ENTRY * index;
        offsets[place] = start(item);
        offsets[place + 1] = end(item);
        items[index] = convert(item, depth + 1, place);
      }
      return items;
    }
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      const at = record(node.items.length, node);
      const firstKey = offsets[at + 1] as number;
      if (entry >= 0) offsets[entry + 2] = at;
      let entries = 0;
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isMap(key) || isSeq(key)) {
          throw new ConversionError('a mapping key is itself a mapping or list', start(key));
        }
        const place = at + HEADER + ENTRY * entries;
        const name = isScalar(key) ? key.value : isAlias(key) ? convert(key, depth + 1, SCALAR) : key;
        const value = convert(pair.value, depth + 1, typeof name === 'symbol' ? SCALAR : place);
        if (typeof name === 'symbol' || isAlias(key)) offsets[at + 2] = SCALAR;
        if (typeof name === 'symbol') {
          // `<<: *defaults` (YAML 1.1 merge): keys already present win, as in Kubernetes' YAML reader.
          for (const source of Array.isArray(value) ? value : [value]) {
            if (source && typeof source === 'object') {
              for (const [k, v] of Object.entries(source)) if (!Object.hasOwn(object, k)) object[k] = v;
            }
          }
          continue; // merge keys hold no place of their own
        }
        const field = String(name);
        // Kubernetes reads keys as JSON strings: `1` and `"1"` are the same key there.
        if (seen.has(field)) throw new ConversionError(yamlErrorMessage({ code: 'DUPLICATE_KEY' }), start(key));
        seen.add(field);
        // A plain assignment to `__proto__` would replace the object's prototype.
        if (field === '__proto__') Object.defineProperty(object, field, { value, enumerable: true, writable: true });
        else object[field] = value;
        keys[firstKey + entries] = field;
        offsets[place] = start(key);
        offsets[place + 1] = end(pair.value ?? key);
        entries++;
      }
      offsets[at] = entries;
      return object;
    }
    return node ?? null;
  };
  const root = convert(document.contents, 0, SCALAR);
  if (root !== null && typeof root === 'object') positions.set(root, { table, base: table.append(offsets) });
  return root;
}

/**
 * One copy of each string value of an input, for {@link toPlain}: manifests repeat the same values (`apps/v1`, an
 * image, a label) in every object, and each would otherwise be a string of its own. A long value is copied out of
 * the file's text, of which the `yaml` library slices it: a slice would keep all of the text in memory.
 */
export class SharedStrings {
  readonly #known = new Map<string, string>();

  shared(value: string): string {
    const known = this.#known.get(value);
    if (known !== undefined) return known;
    // V8 slices strings of 13 characters or more; the concatenation is flattened into a string of its own.
    const own = value.length >= 13 ? ` ${value}`.slice(1) : value;
    this.#known.set(own, own);
    return own;
  }
}

/**
 * An array to fill by index up to `length`, allocated once: one grown by push keeps up to half again its length as
 * slack, for every list of the input. Very long ones grow instead, as V8 would otherwise give a preallocated one
 * slow dictionary elements.
 */
function sized<T>(length: number): T[] {
  return length <= 10_000 ? new Array(length) : [];
}

function start(node: unknown): number {
  return (node as Node | null)?.range?.[0] ?? 0;
}

function end(node: unknown): number {
  return (node as Node | null)?.range?.[1] ?? start(node);
}

/** Mappings with more keys than this get an index; below it, reading the keys is faster and allocates nothing. */
const INDEXED_KEYS = 32;

/**
 * Which entry of the mapping recorded at `at` holds `key`. Large mappings get an index on first use: locating every
 * key of a mapping with 80,000 keys (one finding each) must not read all its keys once per key.
 */
function keyAt(table: OffsetTable, at: number, key: string): number | undefined {
  const entries = table.offsets[at] as number;
  const first = table.offsets[at + 1] as number;
  if (entries <= INDEXED_KEYS) {
    for (let i = 0; i < entries; i++) if (table.keys[first + i] === key) return i;
    return undefined;
  }
  table.indexes ??= new Map();
  let index = table.indexes.get(at);
  if (!index) {
    index = new Map();
    for (let i = 0; i < entries; i++) index.set(table.keys[first + i] as string, i);
    table.indexes.set(at, index);
  }
  return index.get(key);
}

/** Walks `path` through a converted document from its root; a missing step stops at the nearest existing parent. */
export function locate(
  root: unknown,
  rootOffset: number,
  positions: Positions,
  lineCounter: LineCounter,
  file: string,
  path: FieldPath,
): SourceLocation {
  let from = rootOffset;
  let to = rootOffset;
  const document = positions.get(root);
  if (document) {
    const { table, base } = document;
    const { offsets } = table;
    let child = 0;
    for (const segment of path) {
      if (child === SCALAR) break;
      const at = base + child;
      let entry: number | undefined;
      if (offsets[at + 1] === SCALAR) {
        if (typeof segment === 'number' && segment >= 0 && segment < (offsets[at] as number)) entry = segment;
      } else {
        entry = keyAt(table, at, String(segment));
      }
      if (entry === undefined) break;
      const place = at + HEADER + ENTRY * entry;
      from = offsets[place] as number;
      to = offsets[place + 1] as number;
      child = offsets[place + 2] as number;
    }
  }
  const first = lineCounter.linePos(from);
  const last = lineCounter.linePos(to);
  const location = { file, line: first.line, column: first.col, endLine: last.line, endColumn: last.col };
  lastLocated = location;
  lastDocument = document;
  return location;
}

/** What {@link locate} located last, and in which document: see {@link recordedDocument}. */
let lastLocated: SourceLocation | undefined;
let lastDocument: DocumentPositions | undefined;

/**
 * The records of the document a location was just found in by {@link locate} (through any number of wrappers,
 * which may copy it), copied out of its file's table: a finding with a fix keeps them, so that SARIF plans its
 * replacements without parsing the file again. Undefined when the location is not the last one located.
 */
export function recordedDocument(location: SourceLocation): RecordedDocument | undefined {
  const last = lastLocated;
  if (!lastDocument || !last) return undefined;
  const same =
    location === last ||
    (location.file === last.file &&
      location.line === last.line &&
      location.column === last.column &&
      location.endLine === last.endLine &&
      location.endColumn === last.endColumn);
  return same ? documentRecords(lastDocument) : undefined;
}

/** Each file's documents' records, copied once however many findings on it have a fix. */
const copied = new WeakMap<OffsetTable, Map<number, RecordedDocument>>();

function documentRecords({ table, base }: DocumentPositions): RecordedDocument {
  let byBase = copied.get(table);
  if (!byBase) {
    byBase = new Map();
    copied.set(table, byBase);
  }
  let records = byBase.get(base);
  if (!records) {
    records = copyDocument(table, base);
    byBase.set(base, records);
  }
  return records;
}

/** A document's records (those reachable from its root), with the key names they use, rebased to 0. */
function copyDocument(table: OffsetTable, base: number): RecordedDocument {
  const { offsets, keys } = table;
  let end = base;
  let firstKey = Number.POSITIVE_INFINITY;
  let lastKey = 0;
  const pending = [base];
  const mappings: number[] = [];
  for (let at = pending.pop(); at !== undefined; at = pending.pop()) {
    const entries = offsets[at] as number;
    end = Math.max(end, at + HEADER + ENTRY * entries);
    const first = offsets[at + 1] as number;
    if (first !== SCALAR) {
      mappings.push(at - base);
      firstKey = Math.min(firstKey, first);
      lastKey = Math.max(lastKey, first + entries);
    }
    for (let i = 0; i < entries; i++) {
      const child = offsets[at + HEADER + ENTRY * i + 2] as number;
      if (child !== SCALAR) pending.push(base + child);
    }
  }
  const own = new OffsetTable();
  const keyBase = Number.isFinite(firstKey) ? firstKey : 0;
  own.keys.push(...keys.slice(keyBase, lastKey));
  const records = offsets.slice(base, end);
  // Key indexes count from this copy's first key.
  for (const at of mappings) records[at + 1] = (records[at + 1] as number) - keyBase;
  own.offsets = records;
  own.length = records.length;
  return new DocumentRecords(own);
}

/** A copied document's records, read as {@link RecordedDocument}. */
class DocumentRecords implements RecordedDocument {
  readonly root = 0;
  constructor(readonly table: OffsetTable) {}

  collection(at: number): { mapping: boolean; entries: number; start: number } {
    const { offsets } = this.table;
    return { mapping: offsets[at + 1] !== SCALAR, entries: offsets[at] as number, start: offsets[at + 2] as number };
  }

  entryOf(at: number, key: string): number | undefined {
    return keyAt(this.table, at, key);
  }

  entry(at: number, index: number): { start: number; end: number; child: number | undefined } {
    const { offsets } = this.table;
    const place = at + HEADER + ENTRY * index;
    const child = offsets[place + 2] as number;
    return {
      start: offsets[place] as number,
      end: offsets[place + 1] as number,
      child: child === SCALAR ? undefined : child,
    };
  }
}

/**
 * Parses YAML carried inside a field (a ConfigMap's configuration file) as manifests are read: YAML 1.1, unique keys,
 * no alias bombs or excessive nesting. The error says what is wrong from its code, never quoting the text.
 */
export function parseEmbedded(text: string): { value: unknown } | { error: string } {
  const document = parseDocument(text, { version: '1.1', uniqueKeys: false });
  const [error] = document.errors;
  if (error) return { error: yamlErrorMessage(error) };
  try {
    return { value: toPlain(document, new Map()) };
  } catch (caught) {
    if (!(caught instanceof ConversionError)) throw caught;
    return { error: caught.message };
  }
}
