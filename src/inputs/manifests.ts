import { type Dirent, readdirSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { ScanError, SourceLocation } from '../model/report.js';
import { globMatch } from '../util/text.js';
import { yamlErrorMessage } from './errors.js';
import type { FieldPath } from './path.js';
import { ConversionError, locate, type Positions, toPlain } from './yaml.js';

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

const HELM_HINT =
  "looks like an unrendered Helm template ({{ … }}): render it first, e.g. 'helm template RELEASE CHART | kubematrix scan -'";

export interface ReadOptions {
  /** Where `-` reads from; standard input by default. */
  stdin?: () => Promise<Buffer>;
  /** Relative paths are read from here (the process's working directory by default); they are reported as given. */
  cwd?: string;
  /** `--skip-path`: files, or folders, matching one of these patterns (`*` globs, relative to `cwd`) are not read. */
  skipPaths?: readonly string[];
}

/** Reads files, directories (recursively) and `-` (stdin). One unreadable input never stops the others. */
export async function readManifests(inputs: readonly string[], options: ReadOptions = {}): Promise<ManifestInput> {
  const result = { objects: [] as ManifestObject[], errors: [] as ScanError[], files: 0, ignored: 0 };
  const resolve = (file: string) => path.resolve(options.cwd ?? '.', file);
  for (const input of inputs) {
    for (const source of listSources(input, resolve, result.errors)) {
      if (options.skipPaths?.length && skipped(path.relative(resolve('.'), resolve(source)), options.skipPaths))
        continue;
      let bytes: Buffer;
      try {
        // Synchronous reads: thousands of small files parse faster without an event-loop turn per file.
        bytes = source === '-' ? await (options.stdin ?? readStdin)() : readFileSync(resolve(source));
      } catch (error) {
        result.errors.push({ source, message: `cannot read: ${describe(error)}` });
        continue;
      }
      result.files++;
      const parsed = parseManifest(source, bytes);
      // A loop, not push(...): one `kubectl get -o yaml` dump can hold more objects than a call takes arguments.
      for (const object of parsed.objects) result.objects.push(object);
      for (const error of parsed.errors) result.errors.push(error);
      result.ignored += parsed.ignored;
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

function* listSources(input: string, resolve: Resolve, errors: ScanError[]): Generator<string> {
  if (input === '-') {
    yield '-';
    return;
  }
  let info: Stats;
  try {
    info = statSync(resolve(input));
  } catch (error) {
    errors.push({ source: input, message: `cannot read: ${describe(error)}` });
    return;
  }
  if (info.isDirectory()) yield* walk(input, resolve, new Set(), errors);
  else yield input;
}

/** The path to open for a path as the user gave it. */
type Resolve = (file: string) => string;

function* walk(directory: string, resolve: Resolve, seen: Set<string>, errors: ScanError[]): Generator<string> {
  let entries: Dirent[];
  try {
    // Symlinks may point back up the tree: each real directory is entered once.
    const real = realpathSync(resolve(directory));
    if (seen.has(real)) return;
    seen.add(real);
    entries = readdirSync(resolve(directory), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    errors.push({ source: directory, message: `cannot read directory: ${describe(error)}` });
    return;
  }
  if (entries.some((entry) => entry.name === 'Chart.yaml')) {
    errors.push({
      source: directory,
      message: `is a Helm chart: its templates must be rendered first, e.g. 'helm template ${directory} | kubematrix scan -'`,
    });
    return;
  }
  for (const entry of entries) {
    const child = path.join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        isDirectory = statSync(resolve(child)).isDirectory();
      } catch (error) {
        errors.push({ source: child, message: `cannot read: ${describe(error)}` });
        continue;
      }
    }
    if (isDirectory) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) yield* walk(child, resolve, seen, errors);
    } else if (EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
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
    return fail(kustomizeHint(file));
  }

  const lineCounter = new LineCounter();
  // YAML 1.1 because that is how Kubernetes reads manifests: `privileged: yes` is true, not the string "yes".
  const documents = parseAllDocuments(text, { version: '1.1', lineCounter, uniqueKeys: true });
  const positions: Positions = new Map();
  const helmHint = text.includes('{{');
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const [error] = document.errors;
    if (error) {
      const position = error.linePos?.[0];
      fail(helmHint ? HELM_HINT : yamlErrorMessage(error), position?.line, position?.col);
      continue;
    }
    if (document.contents === null) continue; // an empty document, as between two `---`
    const rootOffset = document.contents.range?.[0] ?? 0;
    let value: unknown;
    try {
      value = toPlain(document, positions);
    } catch (caught) {
      if (!(caught instanceof ConversionError)) throw caught;
      const at = lineCounter.linePos(caught.offset);
      // `name: {{ .Values.name }}` parses as a mapping used as a key: Helm syntax, never a Kubernetes field.
      const message = helmHint && /mapping key/.test(caught.message) ? HELM_HINT : caught.message;
      fail(message, at.line, at.col);
      continue;
    }
    const where: Where = { file, lineCounter, positions, root: value, rootOffset };
    collect(value, [], where, result);
  }
  return result;
}

/** What a converted document needs to locate its fields later, without its syntax tree. */
interface Where {
  readonly file: string;
  readonly lineCounter: LineCounter;
  readonly positions: Positions;
  readonly root: unknown;
  readonly rootOffset: number;
}

function collect(
  value: unknown,
  base: FieldPath,
  where: Where,
  result: { objects: ManifestObject[]; errors: ScanError[]; ignored: number },
): void {
  const { file } = where;
  const locateHere = (fieldPath: FieldPath) =>
    locate(where.root, where.rootOffset, where.positions, where.lineCounter, file, [...base, ...fieldPath]);
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
    const { line, column } = locateHere([]);
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
  result.objects.push({ object: value, file, locate: locateHere });
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
