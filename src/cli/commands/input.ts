import { statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import type { AnyCheck } from '../../checks/define.js';
import { allChecks } from '../../checks/index.js';
import { type Config, ConfigError, loadRuleFile } from '../../config/index.js';
import { loadControls } from '../../coverage/controls.js';
import { allDetections } from '../../detections/index.js';
import { NOTHING_READ, type ScanOptions, type ScanResult, scanCollection, scanManifests } from '../../engine/scan.js';
import type { Collection } from '../../inputs/cluster/collection.js';
import { isSnapshotStart } from '../../inputs/cluster/snapshot-start.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../inputs/limits.js';
import { readRegularFile } from '../../inputs/manifests.js';
import type { Report } from '../../model/report.js';
import type { RuleCatalog } from '../../report/index.js';
import { plural } from '../../report/terminal/findings.js';
import { compileRules } from '../../rules/index.js';
import { type Io, stdinChunks, UsageError } from '../io.js';
import { type ClusterOptions, collectFor, wantsCluster } from './cluster.js';

/**
 * What the commands that read `scan`'s inputs share: manifests (files, directories, `-`), one snapshot file, or a
 * live cluster, checked the same way and scanned by the same engine.
 */

/** The controls file (`--controls`): what the organization declares; its warnings go to standard error. */
export async function controlsFor(io: Io, file: string | undefined, checks: readonly AnyCheck[]) {
  const { controls, warnings } = await loadControls(file, io.cwd, checks).catch((error: unknown) => {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  });
  for (const warning of warnings) io.stderr.write(`kubematrix: warning: ${warning}\n`);
  return controls;
}

/**
 * The rule catalog: the built-in checks and detections, and the custom rules of the config file and each `--rules`
 * file (docs/rules.md). A rule that is wrong in any way is a usage error naming its file and line.
 */
export async function catalogFor(io: Io, config: Config, ruleFiles: readonly string[] = []): Promise<RuleCatalog> {
  const taken = new Set([...allChecks, ...allDetections].map((rule) => rule.id));
  let custom: AnyCheck[];
  try {
    const files = await Promise.all(ruleFiles.map((file) => loadRuleFile(file, io.cwd)));
    const fromConfig = config.rulesFile && config.rules.length ? [config.rulesFile] : [];
    custom = compileRules([...fromConfig, ...files], taken);
  } catch (error) {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  }
  return { checks: [...allChecks, ...custom], detections: allDetections };
}

/** Either a cluster or files: checked before anything is read or written. */
export function checkInput(paths: readonly string[], options: ClusterOptions, verb = 'scan'): void {
  const cluster = wantsCluster(options);
  if (cluster && paths.length) throw new UsageError(`${verb} either a cluster or files, not both`);
  if (!cluster && !paths.length) {
    throw new UsageError(`give at least one file or directory to ${verb}, '-' to read standard input, or --cluster`);
  }
}

/** The cluster the options name, else the snapshot a lone file argument holds, else none: read the manifests. */
export async function collectionFor(
  io: Io,
  paths: readonly string[],
  options: ClusterOptions,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<Collection | undefined> {
  return wantsCluster(options) ? collectFor(io, options) : snapshotIn(io, paths, limits);
}

/**
 * `-n` as kubectl means it: on a cluster, the namespaces to read; on files, the one namespace objects that name none
 * are applied to (`kubectl apply -n NS -f …`). Undefined when not given for files.
 */
export function placementNamespace(options: ClusterOptions): string | undefined {
  if (wantsCluster(options) || options.namespace === undefined) return undefined;
  const namespace = options.namespace.trim();
  if (!namespace || namespace.includes(',')) {
    throw new UsageError(
      `with files, -n names the one namespace objects naming none are placed in, as kubectl apply -n does (got '${options.namespace}'); several namespaces are for --cluster`,
    );
  }
  return namespace;
}

/** Scans the input `collectionFor` found: the cluster or snapshot, else the manifests. */
export async function scanInput(
  io: Io,
  paths: readonly string[],
  collection: Collection | undefined,
  options: ScanOptions,
): Promise<ScanResult> {
  return collection
    ? scanCollection(collection, options)
    : scanManifests(paths, { ...options, cwd: io.cwd, stdin: stdinChunks(io) });
}

/**
 * A scan that read no Kubernetes object (an empty folder, comments only, every file broken) assessed nothing: a gate
 * must not pass on it, so it is unusable input, said on standard error. A few broken files beside good objects are
 * reported and the rest stands.
 */
export function nothingRead(io: Io, report: Report): boolean {
  if (report.source.objects > 0) return false;
  const read = report.source.type === 'manifests' ? `${plural(report.source.files, 'file')}, ` : '';
  io.stderr.write(`kubematrix: ${NOTHING_READ} (${read}${plural(report.errors.length, 'input error')})\n`);
  return true;
}

/**
 * Opens each file to write (none: standard output) before any scan, so that one that cannot be written fails at
 * once, not after a long cluster read.
 */
export async function openAll(files: readonly (string | undefined)[]): Promise<(FileHandle | undefined)[]> {
  const opened = await Promise.allSettled(files.map((file) => (file ? open(file, 'w') : undefined)));
  const handles = opened.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  const failed = opened.findIndex((result) => result.status === 'rejected');
  if (failed >= 0) {
    await Promise.all(handles.map((handle) => handle?.close()));
    const reason = (opened[failed] as PromiseRejectedResult).reason as NodeJS.ErrnoException;
    throw new UsageError(`cannot write ${files[failed]}: ${reason.code ?? reason.message}`);
  }
  return handles;
}

/** The snapshot a lone file argument holds (`kubematrix snapshot`'s output), if it is one. */
async function snapshotIn(io: Io, paths: readonly string[], limits: InputLimits): Promise<Collection | undefined> {
  const [only] = paths;
  if (paths.length !== 1 || only === undefined || only === '-') return undefined;
  let bytes: Buffer | string;
  try {
    const file = path.resolve(io.cwd, only);
    if (!statSync(file).isFile()) return undefined;
    // Its first bytes tell a snapshot from a manifest, which the manifest reader reads within its own bounds.
    if (!isSnapshotStart(readRegularFile(file, SNAPSHOT_HEAD, 'head') as Buffer)) return undefined;
    bytes = readRegularFile(file, limits.decompressedBytes, 'decompressedBytes');
  } catch {
    // The manifest reader reports unreadable inputs, as for any other path.
    return undefined;
  }
  const { decodeSnapshot, SnapshotError } = await import('../../inputs/cluster/snapshot.js');
  try {
    if (typeof bytes === 'string') throw new SnapshotError(bytes);
    return await decodeSnapshot(bytes, limits);
  } catch (error) {
    if (error instanceof SnapshotError) throw new UsageError(`${only}: ${error.message}`);
    throw error;
  }
}

const SNAPSHOT_HEAD = 100;
