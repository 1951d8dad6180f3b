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
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
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

/** Line and column (1-based, in UTF-16 code units) of an offset, as reports give positions. */
export function positionOf({ lineStarts }: EditableYaml, offset: number): { line: number; column: number } {
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
    const indent = ' '.repeat(column(range[0]));
    const added: string[] = [];
    for (const { key } of group) {
      if (key === undefined) {
        const items = (after as unknown[]).slice(node.items.length);
        added.push(...items.map((item) => (inline ? inline(item) : render([item], indent.length, false))));
        continue;
      }
      const value = (after as Record<string, unknown>)[key];
      const pair = isMap(node) ? (node.items as Pair<Node, Node | null>[]).find((p) => keyOf(p) === key) : undefined;
      if (!pair) {
        added.push(inline ? `${inline(key)}: ${inline(value)}` : render({ [key]: value }, indent.length, false));
        continue;
      }
      // `key:` or `key: null`: rewritten where it stands.
      const keyRange = pair.key.range as [number, number, number];
      const valueRange = pair.value?.range;
      const end = valueRange && valueRange[1] > valueRange[0] ? valueRange[1] : text.indexOf(':', keyRange[1]) + 1;
      const start = inline ? text.indexOf(':', keyRange[1]) + 1 : keyRange[0];
      const written = inline ? ` ${inline(value)}` : render({ [key]: value }, indent.length, false);
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
    // After the collection's last line (its trailing comment included), before the line break that ends it.
    const lineEnd = text.indexOf('\n', (end ?? range[1]) - 1);
    const at = lineEnd < 0 ? text.length : lineEnd > 0 && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    const newline = text[at] === '\r' ? '\r\n' : '\n';
    const lines = added.map((line) => `${newline}${indent}${line.replaceAll('\n', newline)}`);
    replacements.push({ start: at, end: at, text: lines.join(''), depth });
  }
  return replacements;
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
