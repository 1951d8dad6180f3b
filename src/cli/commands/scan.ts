import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAdmissionObject } from '../../checks/admission-rejected/index.js';
import type { AnyCheck } from '../../checks/define.js';
import type { Config } from '../../config/index.js';
import type { InputLimits } from '../../inputs/limits.js';
import { readManifests } from '../../inputs/manifests.js';
import { type Severity, severityRank } from '../../model/basics.js';
import type { Finding, Report } from '../../model/report.js';
import { type ReportFormat, reportFormat, reportFormats } from '../../report/index.js';
import { plural } from '../../report/terminal/findings.js';
import { detectTerminal, ExitCode, type Io, stdinChunks, UsageError, writePieces } from '../io.js';
import { configFor, type SelectionOptions, selectionOf } from '../options.js';
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

export interface ScanCommandOptions extends ClusterOptions, SelectionOptions {
  /** Each `--output`: a format for standard output, or FORMAT=FILE. */
  output: string[];
  outputFile?: string;
  failOn?: Severity;
  config?: string;
  controls?: string;
  showSuppressed?: boolean;
  all?: boolean;
  /** Audit logs whose activity is shown on the matrix (`--audit`, repeatable). */
  audit?: string[];
  /** `--no-inline-suppressions`: false, and the input's `kubematrix.io/ignore` annotations suppress nothing. */
  inlineSuppressions?: boolean;
  followSymlinks?: boolean;
  failOnInputErrors?: boolean;
  /** A JSON report of an earlier scan (`--baseline`). */
  baseline?: string;
  skipPath?: string[];
  /** The cluster's admission objects (`--policies`): the input is checked as if applied to it. */
  policies?: string[];
  /** Files of custom rules (`--rules`), besides the config file's `rules`. */
  rules?: string[];
}

export default async function scanCommand(io: Io, paths: string[], options: ScanCommandOptions): Promise<number> {
  const outputs = planOutputs(options.output, options.outputFile, io.cwd);
  checkInput(paths, options);
  const namespace = placementNamespace(options);
  if (paths.includes('-') && options.audit?.includes('-')) {
    throw new UsageError("standard input ('-') can hold the manifests or an --audit log, not both");
  }
  if (options.policies?.includes('-') && (paths.includes('-') || options.audit?.includes('-'))) {
    throw new UsageError(
      "standard input ('-') can hold --policies or the manifests or an --audit log, not two of them",
    );
  }
  const configured = await configFor(io, options.config);
  const config = options.inlineSuppressions === false ? { ...configured, suppressions: { inline: false } } : configured;
  const catalog = await catalogFor(io, config, options.rules);
  const controls = await controlsFor(io, options.controls, catalog.checks);
  const selection = checkSelection(options, catalog.checks);
  const policies = options.policies?.length ? await policiesFor(io, options.policies, config.limits) : undefined;
  const baseline = options.baseline === undefined ? undefined : await baselineReport(io, options.baseline);
  const files = await openAll(outputs.map((output) => output.file));
  try {
    const collection = await collectionFor(io, paths, options, config.limits);
    const [{ report: scanned }, renderers] = await Promise.all([
      scanInput(io, paths, collection, {
        config,
        controls,
        namespace,
        followSymlinks: !!options.followSymlinks,
        ...selection,
        checks: catalog.checks,
        // The cluster's policies are not part of what is applied, even when they sit among the manifests.
        skipPaths: [...(options.skipPath ?? []), ...(policies?.paths ?? [])],
        ...(policies && { policies: policies.read }),
        // Only SARIF places fixes from the scan's offsets: other formats spare their memory (~55 MB at 100k).
        fixPlaces: outputs.some((output) => output.format.name === 'sarif'),
        // SARIF carries no attack path: a run that writes only SARIF, compared with no baseline, builds none.
        ...(!baseline && outputs.every((output) => output.format.name === 'sarif') && { paths: false as const }),
      }),
      Promise.all(outputs.map((output) => output.format.load())),
    ]);
    const active = options.audit?.length ? await withActivity(io, scanned, options.audit, config) : scanned;
    const report = baseline ? baseline.compare(active) : active;
    const terminal = detectTerminal(io);
    const shared = { showSuppressed: !!options.showSuppressed, all: !!options.all, cwd: io.cwd, catalog };
    for (const [index, render] of renderers.entries()) {
      const file = files[index];
      if (file) {
        // Files get no colour, and each reporter's pieces are streamed to its file as they come.
        await pipeline(
          Readable.from(render(report, { ...terminal, color: false, ...shared })),
          file.createWriteStream(),
        );
      } else {
        await writePieces(io.stdout, render(report, { ...terminal, ...shared }));
      }
    }
    if (nothingRead(io, report)) return ExitCode.usage;
    if (options.failOnInputErrors && report.errors.length) {
      if (!options.quiet) {
        io.stderr.write(`kubematrix: ${plural(report.errors.length, 'input error')} (--fail-on-input-errors)\n`);
      }
      return ExitCode.usage;
    }
    return gate(io, report.findings, options);
  } finally {
    await Promise.all(files.map((file) => file?.close()));
  }
}

interface Output {
  readonly format: ReportFormat;
  /** Absolute; none for standard output. */
  readonly file?: string;
}

/**
 * The format a file's extension names, for `--output-file` without `--output`; the longest suffix wins (a
 * Navigator layer is JSON too). `html` is written by the HTML reporter when it is there.
 */
const formatByExtension: readonly (readonly [string, string])[] = [
  ['.layer.json', 'navigator'],
  ['.sarif.json', 'sarif'],
  ['.sarif', 'sarif'],
  ['.json', 'json'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.txt', 'table'],
  ['.xml', 'junit'],
];

/**
 * What to write where: at most one format to standard output (a bare `--output FORMAT`, the table when nothing else
 * is asked for), each FORMAT=FILE to its file, and `--output-file` in the bare format or its extension's.
 */
export function planOutputs(output: readonly string[], outputFile: string | undefined, cwd: string): Output[] {
  const bare = output.filter((value) => !value.includes('='));
  if (bare.length > 1) {
    throw new UsageError(
      `only one --output can go to standard output (got ${bare.join(', ')}): write the others to files with --output FORMAT=FILE`,
    );
  }
  const outputs: Output[] = output
    .filter((value) => value.includes('='))
    .map((value) => {
      const at = value.indexOf('=');
      const file = value.slice(at + 1);
      if (!file) throw new UsageError(`--output ${value}: name the file after '='`);
      return { format: formatNamed(value.slice(0, at)), file: path.resolve(cwd, file) };
    });
  if (outputFile !== undefined) {
    const name = bare[0] ?? formatByExtension.find(([suffix]) => outputFile.toLowerCase().endsWith(suffix))?.[1];
    if (!name) {
      throw new UsageError(
        `cannot tell the format of '${outputFile}' from its extension (${formatByExtension.map(([suffix]) => suffix).join(', ')}): give --output FORMAT`,
      );
    }
    outputs.push({ format: formatNamed(name), file: path.resolve(cwd, outputFile) });
  } else if (bare.length || !outputs.length) {
    outputs.push({ format: formatNamed(bare[0] ?? 'table') });
  }
  const files = outputs.flatMap((entry) => entry.file ?? []);
  const twice = files.find((file, index) => files.indexOf(file) !== index);
  if (twice) throw new UsageError(`'${path.relative(cwd, twice)}' is the target of two outputs`);
  return outputs;
}

function formatNamed(name: string): ReportFormat {
  const format = reportFormat(name);
  if (!format) {
    throw new UsageError(`--output must be one of ${reportFormats.map((f) => f.name).join(', ')} (got '${name}')`);
  }
  return format;
}

/**
 * The CI gate: exit 1 when an unsuppressed finding is at or above `--fail-on`, saying how many on standard error.
 * Against a baseline only new findings count: the gate holds a change to what it adds.
 */
function gate(io: Io, findings: readonly Finding[], { failOn, quiet, baseline }: ScanCommandOptions): number {
  if (!failOn) return ExitCode.ok;
  const failing = findings.filter(
    (finding) =>
      !finding.suppressed && finding.baseline !== 'unchanged' && severityRank(finding.severity) <= severityRank(failOn),
  ).length;
  if (!failing) return ExitCode.ok;
  const what = baseline === undefined ? 'unsuppressed finding' : 'new unsuppressed finding';
  if (!quiet) io.stderr.write(`kubematrix: ${plural(failing, what)} at or above ${failOn} (--fail-on)\n`);
  return ExitCode.findings;
}

/** `--check` and `--skip-check` among the checks, custom rules included. */
function checkSelection(options: ScanCommandOptions, checks: readonly AnyCheck[]) {
  if (!options.check?.length && !options.skipCheck?.length) return {};
  const ids = checks.map((check) => check.id);
  return selectionOf(ids, options, 'check (see kubematrix explain, docs/checks.md)');
}

/**
 * `--policies`: read before the scan, as manifests are. Input that holds no admission object at all (a wrong folder)
 * is a usage error: checked against nothing, every object would pass. Paths are given back relative to the working
 * directory, for the scan to leave them out.
 */
async function policiesFor(io: Io, paths: readonly string[], limits: InputLimits) {
  const read = await readManifests(paths, { cwd: io.cwd, limits, stdin: stdinChunks(io) });
  if (!read.objects.some(({ object }) => isAdmissionObject(object))) {
    const errors = read.errors.length
      ? ` (${plural(read.errors.length, 'input error')}: ${read.errors[0]?.source}: ${read.errors[0]?.message})`
      : '';
    throw new UsageError(
      `--policies ${paths.join(' ')}: no admission object read (ValidatingAdmissionPolicy, Kyverno or Gatekeeper policy, Namespace, AdmissionConfiguration)${errors}`,
    );
  }
  const relative = paths
    .filter((given) => given !== '-')
    .map((given) => path.relative(io.cwd, path.resolve(io.cwd, given)))
    .filter(Boolean);
  return { read, paths: relative };
}

/** The `--baseline` report, read and checked before the scan, so that a wrong file fails at once. */
async function baselineReport(io: Io, file: string) {
  const { readReport, ReportFileError, withBaseline } = await import('../../engine/baseline.js');
  const before = await readReport(file, io.cwd).catch((error: unknown) => {
    throw error instanceof ReportFileError ? new UsageError(`--baseline ${error.message}`) : error;
  });
  return { compare: (report: Report) => withBaseline(report, before, file) };
}

/**
 * The report with what the audit logs showed happening: each technique alerts were raised for gets its `activity`,
 * and the logs' input errors join the report's.
 */
async function withActivity(io: Io, report: Report, logs: readonly string[], config: Config): Promise<Report> {
  const { auditAllowList, auditLog } = await import('../../engine/audit.js');
  const audit = await auditLog(logs, {
    cwd: io.cwd,
    stdin: stdinChunks(io),
    allow: auditAllowList(config.audit),
    maxDecompressedBytes: config.limits.decompressedBytes,
    maxNodes: config.limits.nodesPerDocument,
  });
  const active = new Map(audit.techniques.filter((technique) => technique.status === 'active').map((t) => [t.id, t]));
  return {
    ...report,
    techniques: report.techniques.map((technique) => {
      const seen = active.get(technique.id);
      if (!seen) return technique;
      const { alerts, severity, rules } = seen;
      return { ...technique, activity: { alerts, ...(severity ? { severity } : {}), rules } };
    }),
    errors: [...report.errors, ...audit.errors],
  };
}
