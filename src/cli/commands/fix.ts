import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Config } from '../../config/index.js';
import { checkOptions } from '../../engine/analyze.js';
import { collectScanGarbage } from '../../engine/memory.js';
import type { ScanOptions, ScanResult } from '../../engine/scan.js';
import { applyFixesToFiles } from '../../fix/edit.js';
import { type FixFile, FixSelectionError, fix, type ObservedUsage, selectGenerators } from '../../fix/index.js';
import { readUsage } from '../../fix/usage.js';
import { type WhatIf, whatIf, whatIfLines } from '../../fix/what-if.js';
import { FolderError, folderFiles, writeFolder } from '../../fix/write.js';
import { renderHtml } from '../../report/html/index.js';
import type { RuleCatalog } from '../../report/index.js';
import { renderJsonDocument } from '../../report/json/report.js';
import { formatInputError } from '../../report/terminal/errors.js';
import { plural } from '../../report/terminal/findings.js';
import { renderMatrixPair } from '../../report/terminal/matrix.js';
import { printableCopy } from '../../report/terminal/text.js';
import { printable } from '../../util/text.js';
import { detectTerminal, ExitCode, type Io, stdinChunks, UsageError, writePieces } from '../io.js';
import { configFor } from '../options.js';
import type { ClusterOptions } from './cluster.js';
import {
  catalogFor,
  checkInput,
  collectionFor,
  controlsFor,
  nothingRead,
  openAll,
  placementNamespace,
  scanInput,
} from './input.js';

export interface FixCommandOptions extends ClusterOptions {
  /** Each `--output`: a folder to write the files to, a format for standard output, or FORMAT=FILE. */
  output: string[];
  only?: string[];
  audit?: string[];
  mode: 'warn' | 'enforce';
  whatIf?: boolean;
  write?: boolean;
  force?: boolean;
  config?: string;
  controls?: string;
}

/** What `-o` takes besides a folder: the plan's formats. */
export const FIX_FORMATS = ['table', 'json', 'html'] as const;
type FixFormat = (typeof FIX_FORMATS)[number];

interface Outputs {
  /** Absolute. */
  readonly folder?: string;
  /** As given, for messages. */
  readonly folderName?: string;
  readonly formats: readonly { readonly format: FixFormat; readonly file?: string }[];
}

/**
 * `-o` values: a format name (`table`, `json`, `html`) prints it, `FORMAT=FILE` writes it to FILE, anything else is
 * the folder to write the fix files to (`./json` for a folder of that name). The table goes to standard output when
 * nothing else is asked for, and with `--what-if` when no other format goes there.
 */
export function planFixOutputs(values: readonly string[], cwd: string, whatIf = false): Outputs {
  let folder: string | undefined;
  let folderName: string | undefined;
  const formats: { format: FixFormat; file?: string }[] = [];
  for (const value of values) {
    const at = value.indexOf('=');
    const name = at < 0 ? value : value.slice(0, at);
    if ((FIX_FORMATS as readonly string[]).includes(name)) {
      const file = at < 0 ? undefined : value.slice(at + 1);
      if (file === '') throw new UsageError(`--output ${value}: name the file after '='`);
      formats.push({ format: name as FixFormat, ...(file ? { file: path.resolve(cwd, file) } : {}) });
    } else if (folder !== undefined) {
      throw new UsageError(`one folder for the fix files (got ${folderName} and ${value})`);
    } else {
      folder = path.resolve(cwd, value);
      folderName = value;
    }
  }
  const printed = formats.filter((entry) => !entry.file);
  if (printed.length > 1) {
    throw new UsageError(
      `only one --output can go to standard output (got ${printed.map((entry) => entry.format).join(', ')}): write the others with FORMAT=FILE`,
    );
  }
  // `--what-if` is asked to print: the table goes to standard output unless another format does.
  if ((!formats.length && folder === undefined) || (whatIf && !printed.length)) formats.push({ format: 'table' });
  return { ...(folder !== undefined ? { folder, folderName } : {}), formats };
}

export default async function fixCommand(io: Io, paths: string[], options: FixCommandOptions): Promise<number> {
  const outputs = planFixOutputs(options.output, io.cwd, !!options.whatIf);
  checkInput(paths, options, 'fix');
  if (paths.includes('-') && options.audit?.includes('-')) {
    throw new UsageError('standard input can be read once: give the manifests or the --audit log as a file');
  }
  if (options.write && !paths.length) {
    throw new UsageError('--write edits manifest files in place: kubematrix never writes to a cluster');
  }
  if (options.force && outputs.folder === undefined) throw new UsageError('--force is for the folder -o DIR writes');
  try {
    selectGenerators(options.only);
  } catch (error) {
    throw error instanceof FixSelectionError ? new UsageError(error.message) : error;
  }
  if (outputs.folder !== undefined && !options.force) checkFolder(outputs.folder);
  const namespace = placementNamespace(options);
  const config = await configFor(io, options.config);
  // The config's custom rules take part as in `scan`: in the findings the files close and in the reports' texts.
  const catalog = await catalogFor(io, config);
  const controls = await controlsFor(io, options.controls, catalog.checks);
  const handles = await openAll(outputs.formats.map((output) => output.file));
  try {
    const scanOptions: ScanOptions = {
      config,
      controls,
      checks: catalog.checks,
      ...(namespace !== undefined ? { namespace } : {}),
    };
    return await planFix(io, paths, options, outputs, handles, scanOptions, catalog);
  } finally {
    await Promise.all(handles.map((handle) => handle?.close()));
  }
}

/** Scans, proposes, applies in memory and writes: everything after the command line and the outputs are checked. */
async function planFix(
  io: Io,
  paths: string[],
  options: FixCommandOptions,
  outputs: Outputs,
  handles: readonly (FileHandle | undefined)[],
  scanOptions: ScanOptions,
  catalog: RuleCatalog,
): Promise<number> {
  const limits = (scanOptions.config ?? Config.parse({})).limits;
  const usage = options.audit?.length ? await observedUsage(io, options.audit, limits) : undefined;
  const collection = await collectionFor(io, paths, options, scanOptions.config?.limits);
  const scanned = await scanInput(io, paths, collection, scanOptions);
  if (nothingRead(io, scanned.report)) return ExitCode.usage;

  // Each stage leaves garbage the next would otherwise grow the heap over (the scan's parsed files, the admission
  // simulations of the policies, the second scan): collected between them (docs/fix.md, what it costs).
  collectScanGarbage();
  const files = fix(scanned, {
    only: options.only,
    mode: options.mode,
    allowedRegistries: allowedRegistries(scanOptions),
    ...(usage ? { usage } : {}),
  });
  if (options.write) editInputs(io, scanned);
  collectScanGarbage();
  const what = whatIf(scanned, files, scanOptions);
  collectScanGarbage();
  if (outputs.folder !== undefined) {
    try {
      writeFolder(outputs.folder, folderFiles(files, what), { force: !!options.force });
    } catch (error) {
      throw error instanceof FolderError ? new UsageError(error.message) : error;
    }
    if (!options.quiet) {
      io.stderr.write(`kubematrix: wrote ${files.length} fix files to ${outputs.folderName}\n`);
    }
  }
  for (const [index, { format, file }] of outputs.formats.entries()) {
    const pieces = render(format, files, what, io, catalog, !!options.whatIf, file === undefined);
    const handle = handles[index];
    // In pieces, as scan writes its reports: a large input's JSON is hundreds of megabytes.
    if (handle) await pipeline(Readable.from(pieces), handle.createWriteStream());
    else await writePieces(io.stdout, pieces);
  }
  // Exit 1: a current workload that today's admission admits would be rejected once the files are applied.
  return what.diff.rejected.some((entry) => !entry.alreadyRejected) ? ExitCode.findings : ExitCode.ok;
}

/** The registries the config allows (the image-registry check's options), which the registry policy enforces. */
function allowedRegistries({ config, checks = [] }: ScanOptions): readonly string[] {
  const check = checks.find((candidate) => candidate.id === 'image-registry');
  const parsed = check && config && checkOptions(check, config);
  const allowed = parsed?.success ? (parsed.data as { allowed?: unknown }).allowed : undefined;
  return Array.isArray(allowed) ? allowed.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** A folder that exists and holds files is refused before any scan, as writing it would be after one. */
function checkFolder(folder: string): void {
  try {
    writeFolder(folder, [], { force: false });
  } catch (error) {
    throw error instanceof FolderError ? new UsageError(error.message) : error;
  }
}

function render(
  format: FixFormat,
  files: readonly FixFile[],
  what: WhatIf,
  io: Io,
  catalog: RuleCatalog,
  matrix: boolean,
  terminal: boolean,
): Iterable<string> {
  // The reports before and after, the diff and its findings: each a document, their lists an item a line.
  if (format === 'json')
    return renderJsonDocument({ before: what.before, after: what.after, diff: what.diff, files }, 3);
  if (format === 'html') return renderHtml(what.before, { showSuppressed: false, catalog }, what.after);
  const shown = terminal ? detectTerminal(io) : { width: 120, color: false };
  // Text for people: control characters from the input escaped, the matrices' own colours kept.
  return [planText(printableCopy(files), printableCopy(what), matrix ? shown : undefined)];
}

/** The plan: each file with what it closes, then the what-if; with `--what-if`, the two matrices first. */
function planText(
  files: readonly FixFile[],
  what: WhatIf,
  matrix: { width: number; color: boolean } | undefined,
): string {
  const lines: string[] = [];
  if (matrix) {
    lines.push(renderMatrixPair([what.before, what.after], ['Before', 'After the fix files'], matrix));
  }
  lines.push(files.length ? `Fix files (${files.length}):` : 'No fix to propose for this input.');
  for (const file of files) {
    const closes = [
      ...(file.closes.techniques.length ? [file.closes.techniques.join(' ')] : []),
      ...(file.closes.findings.length ? [`${file.closes.findings.length} finding(s)`] : []),
    ];
    lines.push(`  ${file.path}${closes.length ? `  closes ${closes.join(', ')}` : ''}`);
    for (const broken of file.breaks) lines.push(`    breaks: ${broken}`);
  }
  lines.push('', 'What if every file were applied:', ...whatIfLines(what).map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `--audit LOG…`: what each subject used in the logs' window, for the RBAC fixes. Unreadable records are reported and
 * skipped; logs in which no allowed request counts prove no usage at all, so they are refused rather than read as
 * "nothing used" (which would propose removing every grant).
 */
async function observedUsage(io: Io, logs: readonly string[], limits: Config['limits']): Promise<ObservedUsage> {
  const { usage, events, errors } = await readUsage(logs, {
    cwd: io.cwd,
    stdin: stdinChunks(io),
    maxDecompressedBytes: limits.decompressedBytes,
    maxNodes: limits.nodesPerDocument,
  });
  for (const error of errors) io.stderr.write(`kubematrix: ${formatInputError(error)}\n`);
  if (!events) {
    throw new UsageError(`--audit: no allowed request with a resource read from ${logs.map(printable).join(', ')}`);
  }
  return usage;
}

/**
 * `--write`: the findings' own fixes (docs/checks.md, "fixable") made in the input files, comments and layout kept.
 * A file that changed since it was scanned is left alone with an error; the others are still fixed.
 */
function editInputs(io: Io, { report, inventory }: ScanResult): void {
  const { changed, errors } = applyFixesToFiles(report.findings, { inventory, cwd: io.cwd });
  for (const { file, findings } of changed) {
    io.stderr.write(`kubematrix: fixed ${plural(findings.length, 'finding')} in ${printable(file)}\n`);
  }
  for (const { file, message } of errors) io.stderr.write(`kubematrix: ${printable(file)}: ${printable(message)}\n`);
}
