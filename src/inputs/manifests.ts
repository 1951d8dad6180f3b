import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { Composer, type CST, type Document, LineCounter, Parser } from 'yaml';
import type { ScanError, ScanWarning, SourceLocation } from '../model/report.js';
import { globMatch } from '../util/text.js';
import { yamlErrorMessage } from './errors.js';
import { DEFAULT_LIMITS, type InputLimits, overLimit } from './limits.js';
import type { FieldPath } from './path.js';
import { readPlainLines } from './plain-lines.js';
import { PlainConverter, REFUSED } from './plain-yaml.js';
import { ConversionError, locate, OffsetTable, type Positions, SharedStrings, toPlain } from './yaml.js';

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
  /** Paths left unread on purpose: FIFOs, sockets, devices, symbolic links out of the scanned folders. */
  readonly warnings: ScanWarning[];
  /** Files read (or standard input). */
  readonly files: number;
  /** Documents that were not Kubernetes objects. */
  readonly ignored: number;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

const HELM_HINT =
  "looks like an unrendered Helm template ({{ … }}): render it first, e.g. 'helm template RELEASE CHART | kubematrix scan -'";

export interface ReadOptions {
  /** Where `-` reads from, whole or as it arrives; standard input by default. */
  stdin?: () => Promise<Buffer> | AsyncIterable<Uint8Array>;
  /** Relative paths are read from here (the process's working directory by default); they are reported as given. */
  cwd?: string;
  /** Bounds on what an input may cost; {@link DEFAULT_LIMITS} by default. */
  limits?: InputLimits;
  /** Follow symbolic links that lead out of the folders given (`--follow-symlinks`); by default they are skipped. */
  followSymlinks?: boolean;
  /** `--skip-path`: files, or folders, matching one of these patterns (`*` globs, relative to `cwd`) are not read. */
  skipPaths?: readonly string[];
}

/**
 * Reads files, directories (recursively) and `-` (stdin). One unreadable input never stops the others. Only regular
 * files are read (a FIFO would block the scan forever), each only when under the byte bound, never whole beyond it.
 */
export async function readManifests(inputs: readonly string[], options: ReadOptions = {}): Promise<ManifestInput> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const result = {
    objects: [] as ManifestObject[],
    errors: [] as ScanError[],
    warnings: [] as ScanWarning[],
    files: 0,
    ignored: 0,
  };
  const resolve = (file: string) => path.resolve(options.cwd ?? '.', file);
  const walker: Walker = { resolve, result, follow: !!options.followSymlinks, roots: [], seen: new Set() };
  const strings = new SharedStrings();
  for (const input of inputs) {
    for (const source of listSources(input, walker)) {
      if (options.skipPaths?.length && skipped(path.relative(resolve('.'), resolve(source)), options.skipPaths))
        continue;
      let bytes: Buffer | string;
      try {
        // Synchronous reads: thousands of small files parse faster without an event-loop turn per file.
        bytes =
          source === '-'
            ? await readStdin(options.stdin, limits.fileBytes)
            : readRegularFile(resolve(source), limits.fileBytes);
      } catch (error) {
        result.errors.push({ source, message: `cannot read: ${describe(error)}` });
        continue;
      }
      if (typeof bytes === 'string') {
        result.errors.push({ source, message: bytes });
        continue;
      }
      result.files++;
      const parsed = parseManifest(source, bytes, limits, strings);
      // A loop, not push(...): one `kubectl get -o yaml` dump can hold more objects than a call takes arguments.
      for (const object of parsed.objects) result.objects.push(object);
      for (const error of parsed.errors) result.errors.push(error);
      result.ignored += parsed.ignored;
      if (result.objects.length > limits.objects) {
        result.objects.length = limits.objects;
        const message = `brings the scan to ${overLimit('objects', limits.objects, 'objects')}; the first were scanned, no further file was read`;
        result.errors.push({ source, message });
        return result;
      }
    }
  }
  return result;
}

/** Whether a file, relative to the working directory, or a folder it is in, matches one of `patterns`. */
function skipped(relative: string, patterns: readonly string[]): boolean {
  const parts = relative.split(path.sep);
  return parts.some((_, end) => {
    const prefix = parts.slice(0, end + 1).join('/');
    return patterns.some((pattern) => globMatch(pattern.replace(/\/+$/, ''), prefix));
  });
}

/** What a walk over the inputs shares: where it reports, the folders given, the directories already entered. */
interface Walker {
  readonly resolve: Resolve;
  readonly result: { errors: ScanError[]; warnings: ScanWarning[] };
  readonly follow: boolean;
  /** Real paths of the directories given: symbolic links that resolve outside all of them are not followed. */
  readonly roots: string[];
  readonly seen: Set<string>;
}

function* listSources(input: string, walker: Walker): Generator<string> {
  if (input === '-') {
    yield '-';
    return;
  }
  let info: Stats;
  try {
    info = statSync(walker.resolve(input));
  } catch (error) {
    walker.result.errors.push({ source: input, message: `cannot read: ${describe(error)}` });
    return;
  }
  if (info.isDirectory()) {
    walker.roots.push(realpathSync(walker.resolve(input)));
    yield* walk(input, walker);
  } else if (info.isFile()) yield input;
  else skip(walker, input, `is ${specialFile(info)}, not a regular file; skipped`);
}

/** The path to open for a path as the user gave it. */
type Resolve = (file: string) => string;

function* walk(directory: string, walker: Walker): Generator<string> {
  const { resolve, result, seen } = walker;
  let entries: Dirent[];
  try {
    // Symlinks may point back up the tree: each real directory is entered once.
    const real = realpathSync(resolve(directory));
    if (seen.has(real)) return;
    seen.add(real);
    entries = readdirSync(resolve(directory), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    result.errors.push({ source: directory, message: `cannot read directory: ${describe(error)}` });
    return;
  }
  if (entries.some((entry) => entry.name === 'Chart.yaml')) {
    result.errors.push({
      source: directory,
      message: `is a Helm chart: its templates must be rendered first, e.g. 'helm template ${directory} | kubematrix scan -'`,
    });
    return;
  }
  for (const entry of entries) {
    const child = path.join(directory, entry.name);
    const manifest = EXTENSIONS.has(path.extname(entry.name).toLowerCase());
    let info: Dirent | Stats = entry;
    if (entry.isSymbolicLink()) {
      try {
        info = statSync(resolve(child));
        if (!walker.follow && !inside(realpathSync(resolve(child)), walker.roots)) {
          if (manifest || info.isDirectory()) {
            skip(
              walker,
              child,
              'is a symbolic link to outside the scanned folders; not followed (--follow-symlinks to allow)',
            );
          }
          continue;
        }
      } catch (error) {
        result.errors.push({ source: child, message: `cannot read: ${describe(error)}` });
        continue;
      }
    }
    if (info.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) yield* walk(child, walker);
    } else if (manifest) {
      if (info.isFile()) yield child;
      else skip(walker, child, `is ${specialFile(info)}, not a regular file; skipped`);
    }
  }
}

function inside(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

function skip(walker: Walker, file: string, message: string): void {
  walker.result.warnings.push({ code: 'skipped-input', message: `${file} ${message}`, locations: [] });
}

function specialFile(info: Dirent | Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isBlockDevice() || info.isCharacterDevice()) return 'a device';
  return 'not a file';
}

/**
 * A regular file's bytes, or why they were not read. Opened without blocking and checked on the open descriptor, so
 * that a FIFO put in the file's place after the walk cannot hang the read; never more than `maxBytes` read. `bound`
 * names the limit in the message; `head` reads the first `maxBytes` bytes, however long the file is.
 */
export function readRegularFile(
  file: string,
  maxBytes: number,
  bound: 'fileBytes' | 'decompressedBytes' | 'head' = 'fileBytes',
): Buffer | string {
  const head = bound === 'head';
  const tooLarge = () => `is ${overLimit(head ? 'fileBytes' : bound, maxBytes)}; not read`;
  const descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(descriptor);
    if (!info.isFile()) return `is ${specialFile(info)}, not a regular file; not read`;
    if (info.size > maxBytes && !head) return tooLarge();
    // One byte more than allowed: a file that grew since fstat is caught too.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (let read = 1; read > 0 && length < buffer.length; length += read) {
      read = readSync(descriptor, buffer, length, buffer.length - length, null);
    }
    if (length > maxBytes && !head) return tooLarge();
    return buffer.subarray(0, Math.min(length, maxBytes));
  } finally {
    closeSync(descriptor);
  }
}

/** Standard input, up to the byte bound: what arrives beyond it is not kept. */
async function readStdin(stdin: ReadOptions['stdin'], maxBytes: number): Promise<Buffer | string> {
  const source = stdin?.() ?? process.stdin;
  const tooLarge = `is ${overLimit('fileBytes', maxBytes)}; not read`;
  if (source instanceof Promise) {
    const whole = await source;
    return whole.length > maxBytes ? tooLarge : whole;
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > maxBytes) return tooLarge;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The ways of reading a file, each trying the next where it refuses: `lines`, the whole file line by line
 * ({@link readPlainLines}); `tree`, each document from the parser's syntax tree ({@link PlainConverter}); `composer`,
 * every document composed, the reference both fast paths are tested against.
 */
export type Reading = 'lines' | 'tree' | 'composer';

/** Parses one file's bytes: every document, `List`s unwrapped; problems become located errors. */
export function parseManifest(
  file: string,
  bytes: Buffer,
  limits: InputLimits = DEFAULT_LIMITS,
  strings: SharedStrings = new SharedStrings(),
  /** How far the fast paths are tried: see {@link Reading}. */
  reading: Reading = 'lines',
): ManifestInput {
  const result = { objects: [] as ManifestObject[], errors: [] as ScanError[], warnings: [], files: 1, ignored: 0 };
  const fail = (message: string, line?: number, column?: number) => {
    result.errors.push({ source: file, message, ...(line ? { line, column: column ?? 1 } : {}) });
    return result;
  };
  if (bytes.length > limits.fileBytes) return fail(`is ${overLimit('fileBytes', limits.fileBytes)}; not read`);
  if (bytes.includes(0)) return fail('is a binary file, not YAML or JSON');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('is not valid UTF-8: save it as UTF-8 (Kubernetes reads manifests only in UTF-8)');
  }
  if (/^kustomization\.ya?ml$/i.test(path.basename(file))) {
    return fail(kustomizeHint(file));
  }

  const lineCounter = new LineCounter();
  const positions: Positions = new Map();
  const table = new OffsetTable();
  const helmHint = text.includes('{{');
  const converter = reading !== 'composer' ? new PlainConverter(table, strings, limits.nodesPerDocument) : undefined;
  let count = 0;
  // One document at a time, each syntax tree dropped once converted, and none composed past the bound.
  for (const read of documentsOf(text, lineCounter, converter, reading === 'lines')) {
    if (++count > limits.documentsPerFile) {
      const at = lineCounter.linePos(read.offset);
      fail(
        `holds ${overLimit('documentsPerFile', limits.documentsPerFile, 'documents')}; the rest of the file was not read`,
        at.line,
        at.col,
      );
      break;
    }
    let value: unknown;
    let rootOffset: number;
    if (read.document) {
      const { document } = read;
      const [error] = document.errors;
      if (error) {
        const position = lineCounter.linePos(error.pos[0]);
        fail(helmHint ? HELM_HINT : yamlErrorMessage(error), position.line, position.col);
        continue;
      }
      if (document.contents === null) continue; // an empty document, as between two `---`
      rootOffset = document.contents.range?.[0] ?? 0;
      try {
        value = toPlain(document, positions, limits.nodesPerDocument, { strings, table });
      } catch (caught) {
        if (!(caught instanceof ConversionError)) throw caught;
        const at = lineCounter.linePos(caught.offset);
        // `name: {{ .Values.name }}` parses as a mapping used as a key: Helm syntax, never a Kubernetes field.
        const message = helmHint && /mapping key/.test(caught.message) ? HELM_HINT : caught.message;
        fail(message, at.line, at.col);
        continue;
      }
    } else {
      ({ value, rootOffset } = read);
      if (read.base >= 0) positions.set(value, { table, base: read.base });
    }
    const where: Where = { file, lineCounter, positions, root: value, rootOffset };
    collect(value, [], where, result);
  }
  table.trim();
  return result;
}

/** A document of a stream: converted by the fast path, or composed, for {@link toPlain}. */
type Read =
  | { readonly offset: number; readonly document: Document.Parsed }
  | { readonly offset: number; readonly document?: undefined; value: unknown; rootOffset: number; base: number };

/**
 * The documents of a YAML stream, converted or composed as they are reached. YAML 1.1 because that is how
 * Kubernetes reads manifests: `privileged: yes` is true, not the string "yes". Duplicate keys are found by `toPlain`,
 * in linear time.
 *
 * A file of the plainest YAML is read whole, line by line ({@link readPlainLines}), without the parser. Otherwise,
 * plain documents take the fast path ({@link PlainConverter}), each given out once the tokens after it (up to the
 * next document) are known to add nothing to it: the composer attaches to a document the errors of what follows it.
 * At the first document the fast path refuses, or anything else between documents (a directive, an error, a
 * `...` with more on its line), the file is read again from its start by the composer, and the documents already
 * given out are skipped: from there on, every document is composed, as every document was before the fast path.
 */
function* documentsOf(
  text: string,
  lineCounter: LineCounter,
  converter: PlainConverter | undefined,
  byLines: boolean,
): Generator<Read> {
  const { lineStarts } = lineCounter;
  // Read again, the text's lines are counted once.
  const newLine = (offset: number) => {
    if (!(offset <= (lineStarts[lineStarts.length - 1] as number))) lineCounter.addNewLine(offset);
  };
  if (converter && byLines) {
    const documents = readPlainLines(text, converter, lineCounter);
    if (documents) {
      yield* documents;
      return;
    }
  }
  let pending: Read | undefined;
  let given = 0;
  let plain = !!converter;
  for (const token of converter ? new Parser(newLine).parse(text) : []) {
    if (token.type === 'document') {
      if (pending) {
        yield pending;
        given++;
      }
      const converted = converter ? converter.convert(token) : REFUSED;
      pending = converted === REFUSED ? undefined : { offset: token.offset, ...converted };
      plain = !!pending;
    } else if (token.type === 'doc-end') {
      plain = !!pending && plainEnd(token.end);
    } else {
      plain =
        token.type === 'comment' ||
        token.type === 'newline' ||
        token.type === 'space' ||
        token.type === 'byte-order-mark';
    }
    if (!plain) break;
  }
  if (plain) {
    if (pending) yield pending;
    return;
  }
  const composer = new Composer({ version: '1.1', uniqueKeys: false });
  let skipped = 0;
  for (const document of composer.compose(new Parser(newLine).parse(text))) {
    if (skipped++ < given) continue;
    yield { offset: document.range[0], document };
  }
}

/** resolve-end as the composer applies it to `...` (strictly): only spaces, newlines, comments after a space. */
function plainEnd(tokens: readonly CST.SourceToken[] | undefined): boolean {
  let hasSpace = false;
  for (const token of tokens ?? []) {
    if (token.type === 'space' || token.type === 'newline') hasSpace = true;
    else if (token.type !== 'comment' || !hasSpace) return false;
  }
  return true;
}

/** What a converted document needs to locate its fields later, without its syntax tree. */
interface Where {
  readonly file: string;
  readonly lineCounter: LineCounter;
  readonly positions: Positions;
  readonly root: unknown;
  readonly rootOffset: number;
}

/** An object of a document, at `base` in it (inside a List's `items`), locating its fields there. */
class DocumentObject implements ManifestObject {
  readonly file: string;
  readonly #where: Where;
  readonly #base: FieldPath;

  constructor(
    readonly object: Readonly<Record<string, unknown>>,
    where: Where,
    base: FieldPath,
  ) {
    this.file = where.file;
    this.#where = where;
    this.#base = base;
  }

  locate(fieldPath: FieldPath): SourceLocation {
    const { root, rootOffset, positions, lineCounter, file } = this.#where;
    return locate(root, rootOffset, positions, lineCounter, file, [...this.#base, ...fieldPath]);
  }
}

function collect(
  value: unknown,
  base: FieldPath,
  where: Where,
  result: { objects: ManifestObject[]; errors: ScanError[]; ignored: number },
): void {
  const { file } = where;
  if (value === null || value === undefined) return; // an empty document: nothing in it, nothing ignored
  if (!isRecord(value)) {
    result.ignored++;
    return;
  }
  const { apiVersion, kind } = value;
  if (apiVersion === undefined && kind === undefined && value.metadata === undefined) {
    result.ignored++;
    return;
  }
  const error = (message: string) => {
    const { line, column } = new DocumentObject(value, where, base).locate([]);
    result.errors.push({ source: file, line, column, message });
  };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
    const missing = [
      typeof apiVersion === 'string' && apiVersion ? '' : 'apiVersion',
      typeof kind === 'string' && kind ? '' : 'kind',
    ]
      .filter(Boolean)
      .join(' and ');
    error(`object has no valid ${missing}; skipped`);
    return;
  }
  if (kind === 'Kustomization') {
    error(kustomizeHint(file));
    return;
  }
  // `kubectl get -o yaml` wraps objects in `kind: List` (or `PodList`, …) with an `items` array.
  if (kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, index) => {
      collect(item, [...base, 'items', index], where, result);
    });
    return;
  }
  result.objects.push(new DocumentObject(value, where, base));
}

function kustomizeHint(file: string): string {
  return `is a Kustomization: render it first, e.g. 'kubectl kustomize ${path.dirname(file)} | kubematrix scan -'`;
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
