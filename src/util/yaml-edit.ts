import {
  Composer,
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  Parser,
  parseAllDocuments,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/**
 * Editing YAML text the way a person would: only the lines a change needs are written, every other byte (comments,
 * indentation, quoting, key order, other documents) stays as it was. The `yaml` library parses and locates; the text
 * is spliced here, since re-printing a whole document would restyle what the change never touched.
 */

/**
 * An RFC 6902 JSON Patch `add`: sets the member at `path` (an RFC 6901 JSON Pointer into the object), or appends to
 * an array with a last segment `-`. Fixes only ever add: they fill in what the object leaves to a permissive default,
 * and never overwrite a value someone wrote.
 */
export interface AddOperation {
  readonly op: 'add';
  readonly path: string;
  readonly value: unknown;
}

/** A field path (`['spec', 'containers', 0]`) as a JSON Pointer (`/spec/containers/0`). */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The fields of a JSON Pointer: `/spec/containers/0` → `["spec", "containers", "0"]`. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`'${pointer}' is not a JSON Pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * The object with the operations applied, in order, as JSON Patch does; the object itself is left as it is. Each
 * finding's operations are written against the object as scanned, so several findings' may each add the same
 * missing mapping: an add onto a mapping that is there merges into it, where JSON Patch would replace it.
 */
export function applyOperations<T>(object: T, operations: readonly AddOperation[]): T {
  // Copied along each path only: the rest of the object is shared, never changed.
  return operations.reduce<unknown>(
    (at, operation) => addAt(at, segmentsOf(operation), operation.path, operation.value),
    object,
  ) as T;
}

/**
 * An operation's fields, split once: findings share their operations (one per check and field), and SARIF plans
 * each of thousands of findings' alone.
 */
const segments = new WeakMap<AddOperation, readonly string[]>();
function segmentsOf(operation: AddOperation): readonly string[] {
  let known = segments.get(operation);
  if (!known) {
    known = fromPointer(operation.path);
    segments.set(operation, known);
  }
  return known;
}

function addAt(at: unknown, segments: readonly string[], pointer: string, value: unknown): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) throw new Error('an add at the root replaces the whole object: not a fix');
  if (!isRecordOrArray(at)) throw new Error(`${pointer}: not an object or array on the way`);
  if (Array.isArray(at)) {
    const copy = [...at];
    const index = head === '-' ? copy.length : Number(head);
    if (!Number.isInteger(index) || index < 0 || index > copy.length) throw new Error(`${pointer}: no such index`);
    if (rest.length) copy[index] = addAt(copy[index], rest, pointer, value);
    else copy.splice(index, 0, structuredClone(value));
    return copy;
  }
  const copy: Record<string, unknown> = { ...at };
  copy[head] = rest.length ? addAt(copy[head], rest, pointer, value) : merged(copy[head], structuredClone(value));
  return copy;
}

function merged(there: unknown, value: unknown): unknown {
  if (!isMapping(there) || !isMapping(value)) return value;
  const copy: Record<string, unknown> = { ...there };
  for (const [key, inner] of Object.entries(value)) copy[key] = merged(copy[key], inner);
  return copy;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return isRecordOrArray(value) && !Array.isArray(value);
}

function isRecordOrArray(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** The operations to make on one object of a YAML file. */
export interface ObjectEdit {
  /** A line (1-based) inside the object: it picks the document, and the entry of a `List`'s `items`. */
  readonly line: number;
  /** What the object there must be, so that an edit never lands on another one. */
  readonly kind: string;
  readonly name: string;
  readonly operations: readonly AddOperation[];
}

/** Text from `start` to `end` (offsets in the original, UTF-16 code units) becomes `text`. */
export interface TextReplacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A YAML text parsed once for any number of {@link planEdits} (each plans on the text as it is). */
export interface EditableYaml {
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
  /** Offset of each line's first character. */
  readonly lineStarts: readonly number[];
}

const PARSE_OPTIONS = { version: '1.1', uniqueKeys: false } as const;

/**
 * The text, parsed; with `lines`, only the documents that hold those lines (1-based), which is all that edits on
 * them read: the others cost nothing.
 */
export function editableYaml(text: string, lines?: readonly number[]): EditableYaml {
  const lineStarts = lineStartsOf(text);
  const documents =
    lines && !DIRECTIVE.test(text)
      ? documentsHolding(
          text,
          lines.map((line) => lineStarts[line - 1] ?? text.length),
        )
      : parseAllDocuments(text, PARSE_OPTIONS);
  return { text, documents, lineStarts };
}

/**
 * A line that starts (`---`) or ends (`...`) a document: the lexer takes one at column 0 for a marker wherever it
 * stands, even inside a block or quoted scalar, so the text between two of them is one document, parsed alone as
 * it is in the stream. Directives (`%YAML`, `%TAG`) would carry over from a document's prelude: a text with a line
 * that could be one is parsed whole.
 */
const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
const DIRECTIVE = /^%/m;

/** The documents the offsets fall in, each parsed alone at its place in the text (node ranges are the text's). */
function documentsHolding(text: string, offsets: readonly number[]): Document.Parsed[] {
  const starts = [0];
  for (const { 0: marker, index } of text.matchAll(MARKER)) {
    // `---` opens a document on its own line; `...` closes one, and the next starts on the line after it.
    const start = marker === '---' ? index : text.indexOf('\n', index) + 1 || text.length;
    if (start > (starts.at(-1) as number)) starts.push(start);
  }
  const wanted = [...new Set(offsets.map((offset) => upperBound(starts, offset) - 1))].sort((a, b) => a - b);
  return wanted.flatMap((index) => {
    const start = starts[index] as number;
    const parser = new Parser();
    // Token offsets, and so every node's range, count from where the document stands in the text.
    parser.offset = start;
    const tokens = parser.parse(text.slice(start, starts[index + 1] ?? text.length));
    return [...new Composer(PARSE_OPTIONS).compose(tokens)] as Document.Parsed[];
  });
}

/** Offset of each line's first character. */
export function lineStartsOf(text: string): number[] {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return lineStarts;
}

/** Line and column (1-based, in UTF-16 code units) of an offset, as reports give positions. */
export function positionOf(
  { lineStarts }: { readonly lineStarts: readonly number[] },
  offset: number,
): { line: number; column: number } {
  const line = upperBound(lineStarts, offset);
  return { line, column: offset - (lineStarts[line - 1] ?? 0) + 1 };
}

/**
 * The replacements that make the edits, none overlapping, in text order; an edit that cannot be made (its object is
 * not there, the path runs through an alias or a scalar) is an error naming it, and other objects' are still made.
 */
export function planEdits(
  source: string | EditableYaml,
  edits: readonly ObjectEdit[],
): { replacements: TextReplacement[]; errors: { edit: ObjectEdit; message: string }[] } {
  const yaml = typeof source === 'string' ? editableYaml(source) : source;
  const { text, documents, lineStarts } = yaml;
  const replacements: Planned[] = [];
  const errors: { edit: ObjectEdit; message: string }[] = [];
  // Edits of one object (several findings on it) are planned together: two may add the same securityContext.
  const byObject = new Map<YAMLMap, ObjectEdit[]>();
  for (const edit of edits) {
    try {
      const start = lineStarts[edit.line - 1];
      if (start === undefined) throw new Error(`the file has no line ${edit.line}`);
      const root = objectAt(documents, [start, (lineStarts[edit.line] ?? text.length + 1) - 1]);
      const kind = root && stringAt(root, 'kind');
      const name = root && isMap(root.get('metadata', true)) ? stringAt(root.get('metadata') as YAMLMap, 'name') : '';
      if (!root || kind !== edit.kind || name !== edit.name) {
        throw new Error(`line ${edit.line} is not in ${edit.kind} '${edit.name}' any more`);
      }
      byObject.set(root, [...(byObject.get(root) ?? []), edit]);
    } catch (error) {
      errors.push({ edit, message: (error as Error).message });
    }
  }
  for (const [root, group] of byObject) {
    try {
      replacements.push(
        ...planObject(
          yaml,
          root,
          group.flatMap((edit) => edit.operations),
        ),
      );
    } catch (error) {
      for (const edit of group) errors.push({ edit, message: (error as Error).message });
    }
  }
  // Insertions at one offset, the end of a line: the deepest collection's lines come first, then its parents'.
  replacements.sort((a, b) => a.start - b.start || a.end - b.end || b.depth - a.depth);
  return {
    replacements: replacements.map(({ start, end, text: inserted }) => ({ start, end, text: inserted })),
    errors,
  };
}

/**
 * A document's collections as the scan recorded them (src/inputs/yaml.ts), enough to place an insertion without
 * parsing the text again: a record per mapping and list, from the root's (`root`) down.
 */
export interface RecordedDocument {
  readonly root: number;
  /**
   * The collection recorded at `at`: whether it is a mapping, its entries, and where its text starts (its first key
   * or `-`): -1 where the text is not to be edited from the record (a flow collection, an alias, merge keys).
   */
  collection(at: number): { readonly mapping: boolean; readonly entries: number; readonly start: number };
  /** Which entry of the mapping at `at` has the key. */
  entryOf(at: number, key: string): number | undefined;
  /** Where entry `index` starts (its key, or item), where its value ends, and the value's record (none: a scalar). */
  entry(at: number, index: number): { readonly start: number; readonly end: number; readonly child?: number };
}

/** Where a finding keeps the recorded document of its object: a symbol, never serialized, and not enumerable. */
const RECORDED = Symbol('recorded document');

/** Keeps, on a finding with a fix, the document its object is in, for {@link planRecorded}. */
export function keepRecorded(finding: object, recorded: RecordedDocument): void {
  Object.defineProperty(finding, RECORDED, { value: recorded });
}

/** The recorded document a finding keeps (a copy of the finding, as by a spread, keeps none). */
export function recordedOf(finding: object): RecordedDocument | undefined {
  return (finding as { [RECORDED]?: RecordedDocument })[RECORDED];
}

/**
 * A field name an operation's path may look up in a recorded mapping: one that a mapping key written as it is (or
 * quoted) is, as a string, and no other key's text, once typed, turns into (YAML 1.1's `on`, `yes`, `null`, numbers).
 */
const RECORDED_KEY = /^(?!(?:y|n|yes|no|on|off|true|false|null)$)[a-z][A-Za-z0-9]*$/;
/** A `kind` and `metadata.name` as plain scalars, written on their key's line, to check the object against. */
const PLAIN_VALUE = /^[ \t]*:[ \t]+([A-Za-z0-9][A-Za-z0-9.-]*)[ \t]*$/;

/**
 * {@link planEdits} for one edit on an object of a recorded document (the text is the one the scan read): the same
 * replacements, from the records instead of a parse. Undefined wherever it cannot prove they are the same, which
 * the parse then plans: a `List`, a flow collection, an alias, a `null` or other scalar on the path, a value set
 * already, an object that is not (any more) the one the edit names, quoted `kind` or name.
 */
export function planRecorded(
  yaml: { readonly text: string; readonly lineStarts: readonly number[] },
  recorded: RecordedDocument,
  edit: ObjectEdit,
): TextReplacement[] | undefined {
  const { text } = yaml;
  const { root } = recorded;
  const writtenValue = (at: number, key: string): string | undefined => {
    const index = recorded.entryOf(at, key);
    const entry = index === undefined ? undefined : recorded.entry(at, index);
    if (!entry || entry.child !== undefined || !keyWrittenAt(text, entry.start, key)) return undefined;
    const quoted = text[entry.start] === key[0] ? 0 : 2;
    return PLAIN_VALUE.exec(text.slice(entry.start + key.length + quoted, entry.end))?.[1];
  };
  if (!recorded.collection(root).mapping) return undefined;
  const metadata = recorded.entryOf(root, 'metadata');
  const metadataAt = metadata === undefined ? undefined : recorded.entry(root, metadata).child;
  if (metadataAt === undefined || !recorded.collection(metadataAt).mapping) return undefined;
  const kind = writtenValue(root, 'kind');
  if (kind?.endsWith('List')) return undefined;
  if (kind !== edit.kind || writtenValue(metadataAt, 'name') !== edit.name) return undefined;
  try {
    // Spots, grouped by collection, in the order planObject meets them; the object as far as the paths read it.
    const spots = new Map<string, RecordedSpot>();
    const skeleton: Record<string, unknown> = {};
    for (const operation of edit.operations) {
      const spot = recordedSpot(recorded, yaml.text, segmentsOf(operation), skeleton);
      if (!spot) return undefined;
      spots.set(`${spot.path.join('\u0000')}\u0001${spot.key ?? '-'}`, spot);
    }
    const final = applyOperations(skeleton, edit.operations);
    const byRecord = new Map<number, RecordedSpot[]>();
    for (const spot of spots.values()) byRecord.set(spot.at, [...(byRecord.get(spot.at) ?? []), spot]);
    const replacements: Planned[] = [];
    for (const [at, group] of byRecord) {
      const [{ path }] = group as [RecordedSpot];
      const { entries, start } = recorded.collection(at);
      const indent = positionOf(yaml, start).column - 1;
      const after = valueAt(final, path);
      const added = group.flatMap((spot) => blockEntries(spot, after, entries, indent));
      const { end } = recorded.entry(at, entries - 1);
      if (added.length) replacements.push(blockInsertion(text, end, indent, added, path.length));
    }
    replacements.sort((a, b) => a.start - b.start || a.end - b.end || b.depth - a.depth);
    return replacements.map(({ start, end, text: inserted }) => ({ start, end, text: inserted }));
  } catch {
    return undefined;
  }
}

/** Whether the key (a {@link RECORDED_KEY}) is written at `start`, plain or quoted. */
function keyWrittenAt(text: string, start: number, key: string): boolean {
  const quote = text[start];
  if (quote !== '"' && quote !== "'") return text.startsWith(key, start);
  return text.startsWith(key, start + 1) && text[start + 1 + key.length] === quote;
}

/** A {@link Spot} in a recorded document: the collection recorded at `at`. */
interface RecordedSpot {
  readonly at: number;
  readonly path: readonly string[];
  readonly key?: string;
}

/**
 * spotOf on the records: where the path leaves what the text has, which must be a block collection with entries,
 * reached through block collections; undefined for anything else. Fills `skeleton` with the collections on the way,
 * so that the operations applied to it give what they give applied to the whole object, on their paths.
 */
function recordedSpot(
  recorded: RecordedDocument,
  text: string,
  segments: readonly string[],
  skeleton: Record<string, unknown>,
): RecordedSpot | undefined {
  let at = recorded.root;
  let value: Record<string, unknown> | unknown[] = skeleton;
  for (const [index, segment] of segments.entries()) {
    const path = segments.slice(0, index);
    const last = index === segments.length - 1;
    const { mapping, entries, start } = recorded.collection(at);
    if (start < 0 || entries === 0) return undefined;
    let entry: number | undefined;
    if (!mapping) {
      if (!Array.isArray(value)) return undefined;
      if (segment === '-' || Number(segment) === entries) return last ? { at, path } : undefined;
      entry = Number(segment);
      if (!Number.isInteger(entry) || entry < 0 || entry >= entries) return undefined;
    } else {
      if (!RECORDED_KEY.test(segment)) return undefined;
      entry = recorded.entryOf(at, segment);
      if (entry === undefined) return { at, path, key: segment };
      // The text as scanned: its key where the record says.
      if (!keyWrittenAt(text, recorded.entry(at, entry).start, segment)) return undefined;
    }
    const child = recorded.entry(at, entry).child;
    if (last || child === undefined) return undefined;
    const next = recorded.collection(child);
    const field = mapping ? segment : entry;
    const parent = value as Record<number | string, unknown>;
    const inner = (parent[field] ?? (next.mapping ? {} : new Array(next.entries))) as
      | Record<string, unknown>
      | unknown[];
    parent[field] = inner;
    value = inner;
    at = child;
  }
  return undefined;
}

/** The text with the replacements made (they come from {@link planEdits}: sorted, not overlapping). */
export function applyReplacements(text: string, replacements: readonly TextReplacement[]): string {
  let out = '';
  let at = 0;
  for (const { start, end, text: inserted } of replacements) {
    out += text.slice(at, start) + inserted;
    at = end;
  }
  return out + text.slice(at);
}

/** The mapping of the object on a line (its start and end offsets): its document's root, or a `List`'s item. */
function objectAt(documents: readonly Document.Parsed[], [start, end]: [number, number]): YAMLMap | undefined {
  const on = (range: readonly number[] | null | undefined) =>
    !!range && (range[0] as number) <= end && start < (range[2] as number);
  const document = documents.find(({ range }) => on(range));
  if (document?.errors.length) throw new Error('its document does not parse as YAML');
  let node: unknown = document?.contents;
  // `kubectl get -o yaml` lists: the item whose text holds the offset.
  while (isMap(node) && isSeq(node.get('items', true)) && stringAt(node, 'kind')?.endsWith('List')) {
    const items = (node.get('items', true) as unknown as YAMLSeq).items as Node[];
    node = items.find((item) => on(item.range));
  }
  return isMap(node) ? node : undefined;
}

function stringAt(map: YAMLMap, key: string): string | undefined {
  const value = map.get(key, true);
  return isScalar(value) ? String(value.value) : undefined;
}

/**
 * An operation lands in the deepest collection the text already has on its path: a new key (or a `null` one) of a
 * mapping, or items appended to a sequence. Several operations on one spot (two fields of a securityContext the
 * text lacks) are written once, with the value all of them give it.
 */
interface Spot {
  readonly node: YAMLMap | YAMLSeq;
  readonly path: readonly string[];
  /** The key the text lacks (or has as null); undefined for items appended to a sequence. */
  readonly key?: string;
}

/** A replacement, with how deep in the object the collection it writes into is. */
interface Planned extends TextReplacement {
  readonly depth: number;
}

function planObject(yaml: EditableYaml, root: YAMLMap, operations: readonly AddOperation[]): Planned[] {
  const final = applyOperations(plainOf(root), operations);
  const spots = new Map<string, Spot>();
  for (const operation of operations) {
    const spot = spotOf(root, segmentsOf(operation));
    spots.set(`${spot.path.join('\u0000')}\u0001${spot.key ?? '-'}`, spot);
  }
  const byNode = new Map<YAMLMap | YAMLSeq, Spot[]>();
  for (const spot of spots.values()) byNode.set(spot.node, [...(byNode.get(spot.node) ?? []), spot]);
  const { text } = yaml;
  const column = (offset: number) => positionOf(yaml, offset).column - 1;
  const replacements: Planned[] = [];
  for (const [node, group] of byNode) {
    const [{ path }] = group as [Spot];
    const depth = path.length;
    const after = valueAt(final, path);
    const range = node.range as [number, number, number];
    // In a flow collection (JSON included) entries go inline, in its style; in a block one, on lines of their own.
    const inline = node.flow ? flowWriter(node) : undefined;
    const indent = column(range[0]);
    const added: string[] = [];
    for (const spot of group) {
      const { key } = spot;
      const pair = key !== undefined && isMap(node) ? pairOf(node, key) : undefined;
      if (!pair || key === undefined) {
        if (!inline) added.push(...blockEntries(spot, after, node.items.length, indent));
        else if (key === undefined) added.push(...(after as unknown[]).slice(node.items.length).map(inline));
        else added.push(`${inline(key)}: ${inline((after as Record<string, unknown>)[key])}`);
        continue;
      }
      // `key:` or `key: null`: rewritten where it stands.
      const value = (after as Record<string, unknown>)[key];
      const keyRange = pair.key.range as [number, number, number];
      const valueRange = pair.value?.range;
      const end = valueRange && valueRange[1] > valueRange[0] ? valueRange[1] : text.indexOf(':', keyRange[1]) + 1;
      const start = inline ? text.indexOf(':', keyRange[1]) + 1 : keyRange[0];
      const written = inline ? ` ${inline(value)}` : render({ [key]: value }, indent, false);
      replacements.push({ start, end, text: written, depth });
    }
    if (!added.length) continue;
    const last = node.items.at(-1) as Node | Pair<Node, Node | null> | undefined;
    const end = last && (isPair(last) ? (last.value ?? last.key) : last).range?.[1];
    if (inline) {
      // After the last entry, or inside the brackets of an empty collection.
      const at = end ?? range[0] + 1;
      replacements.push({ start: at, end: at, text: `${end === undefined ? '' : ', '}${added.join(', ')}`, depth });
      continue;
    }
    replacements.push(blockInsertion(yaml.text, end ?? range[1], indent, added, depth));
  }
  return replacements;
}

function pairOf(node: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  return (node.items as Pair<Node, Node | null>[]).find((p) => keyOf(p) === key);
}

/**
 * What a spot of a block collection (at `column`) gets on lines of its own: its key with the value it ends with
 * (`after`, the collection once edited), or the items appended after the `existing` ones.
 */
function blockEntries({ key }: { readonly key?: string }, after: unknown, existing: number, column: number): string[] {
  return key === undefined
    ? (after as unknown[]).slice(existing).map((item) => render([item], column, false))
    : [render({ [key]: (after as Record<string, unknown>)[key] }, column, false)];
}

/**
 * Lines added to a block collection: after its last line (its trailing comment included), before the line break
 * that ends it, with the file's line breaks. `end` is where its last entry's value ends.
 */
function blockInsertion(text: string, end: number, column: number, added: readonly string[], depth: number): Planned {
  const indent = ' '.repeat(column);
  const lineEnd = text.indexOf('\n', end - 1);
  const at = lineEnd < 0 ? text.length : lineEnd > 0 && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  const newline = text[at] === '\r' ? '\r\n' : '\n';
  const lines = added.map((line) => `${newline}${indent}${line.replaceAll('\n', newline)}`);
  return { start: at, end: at, text: lines.join(''), depth };
}

/** The object as a plain value, converted once per parsed object however many findings on it are planned. */
const plainValues = new WeakMap<YAMLMap, unknown>();
function plainOf(root: YAMLMap): unknown {
  if (!plainValues.has(root)) plainValues.set(root, root.toJSON());
  return plainValues.get(root);
}

/** Where an operation's path leaves what the text has; aliases are not followed, as an edit there changes others. */
function spotOf(root: YAMLMap, segments: readonly string[]): Spot {
  let node: YAMLMap | YAMLSeq = root;
  for (const [index, segment] of segments.entries()) {
    const path = segments.slice(0, index);
    const last = index === segments.length - 1;
    if (isSeq(node)) {
      if (segment === '-' || Number(segment) === node.items.length) {
        if (!last) throw new Error(`${segments.join('/')}: appends below a new item`);
        return { node, path };
      }
      const next = node.items[Number(segment)];
      if (!isCollection(next)) throw new Error(`${segments.join('/')}: no collection at index ${segment}`);
      node = next;
      continue;
    }
    const value = node.get(segment, true) as Node | null | undefined;
    if (isAlias(value)) throw new Error(`${segments.join('/')}: ${segment} is a YAML alias; edit the anchor by hand`);
    if (value === undefined || value === null || (isScalar(value) && value.value === null)) {
      return { node, path, key: segment };
    }
    if (last) throw new Error(`${segments.join('/')}: already set; a fix never overwrites a value`);
    if (!isCollection(value)) throw new Error(`${segments.join('/')}: ${segment} is a scalar`);
    node = value;
  }
  throw new Error('an empty path');
}

function keyOf(pair: Pair<Node, Node | null>): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((at, segment) => (at as Record<string, unknown>)[segment], value);
}

/**
 * Values rendered, by column, style and JSON: fixes write the same few values (`runAsNonRoot: true`) into thousands
 * of objects at a handful of indentations. Emptied when full, so it stays small whatever the input.
 */
const rendered = new Map<string, string>();
const RENDERED_KEPT = 1_000;

/** The YAML of a value, its lines after the first indented to `column`; no final line break. */
function render(value: unknown, column: number, flow: boolean): string {
  if (!isJsonValue(value)) return renderOnce(value, column, flow);
  const key = `${column} ${flow} ${JSON.stringify(value)}`;
  let text = rendered.get(key);
  if (text === undefined) {
    if (rendered.size >= RENDERED_KEPT) rendered.clear();
    text = renderOnce(value, column, flow);
    rendered.set(key, text);
  }
  return text;
}

/** Whether JSON writes the value exactly (so that its JSON can key it): no `undefined`, NaN, -0, Date or class. */
function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  // Indexed, not `every`, which skips the holes of a sparse array.
  if (Array.isArray(value)) return Array.from(value, isJsonValue).every(Boolean);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isJsonValue);
}

function renderOnce(value: unknown, column: number, flow: boolean): string {
  const yaml = new Document(value, { version: '1.1' }).toString({
    collectionStyle: flow ? 'flow' : 'block',
    flowCollectionPadding: false,
    lineWidth: 0,
  });
  return yaml.trimEnd().replaceAll('\n', `\n${' '.repeat(column)}`);
}

/**
 * How values are written into a flow collection: as JSON where it is written in JSON (its keys, or its strings,
 * double-quoted), so that a JSON manifest stays JSON; else in YAML's flow style.
 */
function flowWriter(node: YAMLMap | YAMLSeq): (value: unknown) => string {
  const first = node.items[0] as Node | Pair<Node, Node | null> | undefined;
  const sample = first && (isPair(first) ? first.key : first);
  const json = isScalar(sample) && sample.type === 'QUOTE_DOUBLE';
  return json ? (value) => JSON.stringify(value) : (value) => render(value, 0, true);
}

/** Index of the first entry greater than `value` in a sorted array. */
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
