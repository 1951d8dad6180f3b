import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, parseDocument } from 'yaml';
import type { SourceLocation } from '../model/report.js';
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
 * Source positions of a converted document, kept instead of the YAML syntax tree (which is many times larger):
 * for each object, `[key, start, end, key, start, end, …]`; for each array, `[start, end, start, end, …]`.
 */
export type Positions = Map<object, (string | number)[]>;

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
): unknown {
  let aliases = 0;
  let nodes = 0;
  const convert = (node: unknown, depth: number): unknown => {
    if (++nodes > maxNodes) {
      throw new ConversionError(`a document of ${overLimit('nodesPerDocument', maxNodes, 'values')}`, start(node));
    }
    if (depth > MAX_DEPTH) {
      throw new ConversionError(`nesting deeper than ${MAX_DEPTH} levels; not a Kubernetes object`, start(node));
    }
    if (isScalar(node)) {
      const { value } = node;
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
      return convert(node.resolve(document), depth);
    }
    if (isSeq(node)) {
      const items: unknown[] = sized(node.items.length);
      const table: number[] = sized(2 * node.items.length);
      for (let index = 0; index < node.items.length; index++) {
        const item = node.items[index];
        items[index] = convert(item, depth + 1);
        table[2 * index] = start(item);
        table[2 * index + 1] = end(item);
      }
      positions.set(items, table);
      return items;
    }
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      const table: (string | number)[] = sized(3 * node.items.length);
      let length = 0;
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isMap(key) || isSeq(key)) {
          throw new ConversionError('a mapping key is itself a mapping or list', start(key));
        }
        const name = isScalar(key) ? key.value : isAlias(key) ? convert(key, depth + 1) : key;
        const value = convert(pair.value, depth + 1);
        if (typeof name === 'symbol') {
          // `<<: *defaults` (YAML 1.1 merge): keys already present win, as in Kubernetes' YAML reader.
          for (const source of Array.isArray(value) ? value : [value]) {
            if (source && typeof source === 'object') {
              for (const [k, v] of Object.entries(source)) if (!Object.hasOwn(object, k)) object[k] = v;
            }
          }
          continue;
        }
        const field = String(name);
        // Kubernetes reads keys as JSON strings: `1` and `"1"` are the same key there.
        if (seen.has(field)) throw new ConversionError(yamlErrorMessage({ code: 'DUPLICATE_KEY' }), start(key));
        seen.add(field);
        // A plain assignment to `__proto__` would replace the object's prototype.
        if (field === '__proto__') Object.defineProperty(object, field, { value, enumerable: true, writable: true });
        else object[field] = value;
        table[length++] = field;
        table[length++] = start(key);
        table[length++] = end(pair.value ?? key);
      }
      table.length = length; // merge keys hold no place of their own
      positions.set(object, table);
      return object;
    }
    return node ?? null;
  };
  return convert(document.contents, 0);
}

/**
 * An array to fill by index up to `length`, allocated once: one grown by push keeps up to half again its length as
 * slack, for every list and position table of the input. Very long ones grow instead, as V8 would otherwise give a
 * preallocated one slow dictionary elements.
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

/** Mappings with more keys than this get an index; below it, reading the table is faster and allocates nothing. */
const INDEXED_KEYS = 32;
const keyIndexes = new WeakMap<(string | number)[], Map<string, number>>();

/**
 * Where a key stands in a mapping's position table. Large mappings get an index on first use: locating every key of
 * a mapping with 80,000 keys (one finding each) must not scan the table once per key.
 */
function keyAt(table: (string | number)[], key: string): number | undefined {
  if (table.length <= 3 * INDEXED_KEYS) {
    for (let i = 0; i < table.length; i += 3) if (table[i] === key) return i;
    return undefined;
  }
  let index = keyIndexes.get(table);
  if (!index) {
    index = new Map();
    for (let i = 0; i < table.length; i += 3) index.set(table[i] as string, i);
    keyIndexes.set(table, index);
  }
  return index.get(key);
}

/** Walks `path` through a converted value; a missing step stops at the nearest existing parent. */
export function locate(
  root: unknown,
  rootOffset: number,
  positions: Positions,
  lineCounter: LineCounter,
  file: string,
  path: FieldPath,
): SourceLocation {
  let value = root;
  let from = rootOffset;
  let to = rootOffset;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') break;
    const table = positions.get(value);
    if (!table) break;
    let at: number | undefined;
    if (Array.isArray(value)) {
      if (typeof segment === 'number' && segment < value.length) at = 2 * segment;
    } else {
      const key = keyAt(table, String(segment));
      if (key !== undefined) at = key + 1;
    }
    if (at === undefined) break;
    from = table[at] as number;
    to = table[at + 1] as number;
    value = (value as Record<string | number, unknown>)[segment];
  }
  const first = lineCounter.linePos(from);
  const last = lineCounter.linePos(to);
  return { file, line: first.line, column: first.col, endLine: last.line, endColumn: last.col };
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
