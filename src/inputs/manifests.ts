import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Document, Node } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { ScanError, SourceLocation } from '../model/report.js';
import type { FieldPath } from './path.js';

/** A Kubernetes object as read, with the means to point at any of its fields in the source. */
export interface ManifestObject {
  readonly object: Readonly<Record<string, unknown>>;
  /** The path as the user gave it (`-` for standard input). */
  readonly file: string;
  /** Line and column of the field at `path`, or of its nearest existing parent when the field is missing. */
  locate(path: FieldPath): SourceLocation;
}

export interface ManifestInput {
  readonly objects: ManifestObject[];
  readonly errors: ScanError[];
  /** Files read (or standard input). */
  readonly files: number;
  /** Documents that were not Kubernetes objects. */
  readonly ignored: number;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);
/** Aliases a document may expand: generous for real manifests, fatal for a "billion laughs" bomb. */
const MAX_ALIASES = 200;
/** Kubernetes objects are shallow; anything deeper is hostile or broken, and would exhaust the stack. */
const MAX_DEPTH = 64;

const HELM_HINT =
  "looks like an unrendered Helm template ({{ … }}): render it first, e.g. 'helm template RELEASE CHART | kubematrix scan -'";

export interface ReadOptions {
  /** Where `-` reads from; standard input by default. */
  stdin?: () => Promise<Buffer>;
}

/** Reads files, directories (recursively) and `-` (stdin). One unreadable input never stops the others. */
export async function readManifests(inputs: readonly string[], options: ReadOptions = {}): Promise<ManifestInput> {
  const result = { objects: [] as ManifestObject[], errors: [] as ScanError[], files: 0, ignored: 0 };
  for (const input of inputs) {
    for await (const source of listSources(input, result.errors)) {
      let bytes: Buffer;
      try {
        bytes = source === '-' ? await (options.stdin ?? readStdin)() : await readFile(source);
      } catch (error) {
        result.errors.push({ source, message: `cannot read: ${describe(error)}` });
        continue;
      }
      result.files++;
      const parsed = parseManifest(source, bytes);
      result.objects.push(...parsed.objects);
      result.errors.push(...parsed.errors);
      result.ignored += parsed.ignored;
    }
  }
  return result;
}

async function* listSources(input: string, errors: ScanError[]): AsyncGenerator<string> {
  if (input === '-') {
    yield '-';
    return;
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(input);
  } catch (error) {
    errors.push({ source: input, message: `cannot read: ${describe(error)}` });
    return;
  }
  if (!info.isDirectory()) {
    yield input;
    return;
  }
  yield* walk(input, new Set(), errors);
}

async function* walk(directory: string, seen: Set<string>, errors: ScanError[]): AsyncGenerator<string> {
  // Symlinks may point back up the tree: each real directory is entered once.
  const real = await realpath(directory);
  if (seen.has(real)) return;
  seen.add(real);
  let names: string[];
  try {
    names = (await readdir(directory)).sort();
  } catch (error) {
    errors.push({ source: directory, message: `cannot read directory: ${describe(error)}` });
    return;
  }
  if (names.includes('Chart.yaml')) {
    errors.push({
      source: directory,
      message: `is a Helm chart: its templates must be rendered first, e.g. 'helm template ${directory} | kubematrix scan -'`,
    });
    return;
  }
  for (const name of names) {
    const child = path.join(directory, name);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(child);
    } catch (error) {
      errors.push({ source: child, message: `cannot read: ${describe(error)}` });
      continue;
    }
    if (info.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(name)) yield* walk(child, seen, errors);
    } else if (EXTENSIONS.has(path.extname(name).toLowerCase())) {
      yield child;
    }
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one file's bytes: every document, `List`s unwrapped; problems become located errors. */
export function parseManifest(file: string, bytes: Buffer): ManifestInput {
  const result = { objects: [] as ManifestObject[], errors: [] as ScanError[], files: 1, ignored: 0 };
  const fail = (message: string, line?: number, column?: number) => {
    result.errors.push({ source: file, message, ...(line ? { line, column: column ?? 1 } : {}) });
    return result;
  };
  if (bytes.includes(0)) return fail('is a binary file, not YAML or JSON');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('is not valid UTF-8: save it as UTF-8 (Kubernetes reads manifests only in UTF-8)');
  }
  if (/^kustomization\.ya?ml$/i.test(path.basename(file))) {
    return fail(
      `is a Kustomization: render it first, e.g. 'kubectl kustomize ${path.dirname(file)} | kubematrix scan -'`,
    );
  }

  const lineCounter = new LineCounter();
  // YAML 1.1 because that is how Kubernetes reads manifests: `privileged: yes` is true, not the string "yes".
  const documents = parseAllDocuments(text, { version: '1.1', lineCounter, uniqueKeys: true });
  const helmHint = text.includes('{{');
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const [error] = document.errors;
    if (error) {
      const position = error.linePos?.[0];
      // yaml's message repeats the position and adds a code frame: keep the reason only.
      const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      fail(
        helmHint
          ? HELM_HINT
          : /call stack/i.test(reason)
            ? 'nesting too deep to parse; not a Kubernetes object'
            : `invalid YAML: ${reason}`,
        position?.line,
        position?.col,
      );
      continue;
    }
    if (document.contents === null) continue; // an empty document, as between two `---`
    const at = lineCounter.linePos(document.contents.range?.[0] ?? 0);
    const shape = inspect(document.contents);
    if (shape.depth > MAX_DEPTH) {
      fail(`nesting deeper than ${MAX_DEPTH} levels; not a Kubernetes object`, at.line, at.col);
      continue;
    }
    if (shape.collectionKey) {
      // `name: {{ .Values.name }}` parses as a mapping used as a key: Helm syntax, never a Kubernetes field.
      fail(
        helmHint ? HELM_HINT : 'a mapping key is itself a mapping or list; not a Kubernetes object',
        at.line,
        at.col,
      );
      continue;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (caught) {
      fail(
        /alias/i.test(describe(caught))
          ? `too many alias expansions (over ${MAX_ALIASES}): refusing a possible YAML alias bomb`
          : `cannot read document: ${describe(caught)}`,
        at.line,
        at.col,
      );
      continue;
    }
    collect(value, [], document, lineCounter, file, result);
  }
  return result;
}

function collect(
  value: unknown,
  base: FieldPath,
  document: Document,
  lineCounter: LineCounter,
  file: string,
  result: { objects: ManifestObject[]; errors: ScanError[]; ignored: number },
): void {
  const at = () => locateIn(document, lineCounter, file, base);
  if (!isRecord(value)) {
    result.ignored++;
    return;
  }
  const { apiVersion, kind } = value;
  if (apiVersion === undefined && kind === undefined && value.metadata === undefined) {
    result.ignored++;
    return;
  }
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
    const missing = [
      typeof apiVersion === 'string' && apiVersion ? '' : 'apiVersion',
      typeof kind === 'string' && kind ? '' : 'kind',
    ]
      .filter(Boolean)
      .join(' and ');
    const { line, column } = at();
    result.errors.push({ source: file, line, column, message: `object has no valid ${missing}; skipped` });
    return;
  }
  if (kind === 'Kustomization') {
    const { line, column } = at();
    result.errors.push({
      source: file,
      line,
      column,
      message: `is a Kustomization: render it first, e.g. 'kubectl kustomize ${path.dirname(file)} | kubematrix scan -'`,
    });
    return;
  }
  // `kubectl get -o yaml` wraps objects in `kind: List` (or `PodList`, …) with an `items` array.
  if (kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, index) => {
      collect(item, [...base, 'items', index], document, lineCounter, file, result);
    });
    return;
  }
  result.objects.push({
    object: value,
    file,
    locate: (fieldPath) => locateIn(document, lineCounter, file, [...base, ...fieldPath]),
  });
}

function locateIn(document: Document, lineCounter: LineCounter, file: string, fieldPath: FieldPath): SourceLocation {
  let node: unknown = document.contents;
  let range: readonly number[] | undefined = (document.contents as Node | null)?.range ?? undefined;
  for (const segment of fieldPath) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      range = [key.range?.[0] ?? 0, value?.range?.[1] ?? key.range?.[1] ?? 0];
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      range = [item.range?.[0] ?? 0, item.range?.[1] ?? 0];
      node = item;
    } else {
      break;
    }
  }
  const start = lineCounter.linePos(range?.[0] ?? 0);
  const end = lineCounter.linePos(range?.[1] ?? range?.[0] ?? 0);
  return { file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}

/** One walk over the parsed nodes for what must be refused before converting them. */
function inspect(node: unknown, depth = 0): { depth: number; collectionKey: boolean } {
  const shape = { depth, collectionKey: false };
  if (depth > MAX_DEPTH) return shape;
  const visit = (child: unknown) => {
    const inner = inspect(child, depth + 1);
    shape.depth = Math.max(shape.depth, inner.depth);
    shape.collectionKey ||= inner.collectionKey;
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isMap(pair.key) || isSeq(pair.key)) shape.collectionKey = true;
      visit(pair.value);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) visit(item);
  }
  return shape;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    const message = 'message' in error ? String(error.message) : '';
    return error.code === 'ENOENT'
      ? 'no such file or directory'
      : error.code === 'EACCES'
        ? 'permission denied'
        : message;
  }
  return error instanceof Error ? error.message : String(error);
}
