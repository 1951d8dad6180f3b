import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config/index.js';
import { loadControls } from '../../coverage/controls.js';
import { type ScanResult, scanCollection, scanManifests } from '../../engine/scan.js';
import type { Collection } from '../../inputs/cluster/collection.js';
import { reportFormat, reportFormats } from '../../report/index.js';
import { detectTerminal, ExitCode, type Io, UsageError } from '../io.js';
import { type ClusterOptions, collectFor, wantsCluster } from './cluster.js';

export interface ScanCommandOptions extends ClusterOptions {
  output: string;
  config?: string;
  controls?: string;
  showSuppressed?: boolean;
  all?: boolean;
}

export default async function scanCommand(io: Io, paths: string[], options: ScanCommandOptions): Promise<number> {
  const format = reportFormat(options.output);
  if (!format) {
    throw new UsageError(
      `--output must be one of ${reportFormats.map((f) => f.name).join(', ')} (got '${options.output}')`,
    );
  }
  const cluster = wantsCluster(options);
  if (cluster && paths.length) throw new UsageError('scan either a cluster or files, not both');
  if (!cluster && !paths.length) {
    throw new UsageError("give at least one file or directory to scan, '-' to read standard input, or --cluster");
  }
  const config = await loadConfig(options.config, io.cwd).catch((error: unknown) => {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  });
  const controls = await loadControls(options.controls, io.cwd).catch((error: unknown) => {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  });
  const collection = cluster ? await collectFor(io, options) : await snapshotIn(io, paths);
  const [{ report }, render] = await Promise.all([
    collection
      ? (scanCollection(collection, { config, controls }) as ScanResult)
      : scanManifests(paths, { config, controls, cwd: io.cwd, stdin: io.stdin }),
    format.load(),
  ]);
  const terminal = detectTerminal(io);
  for (const piece of render(report, { ...terminal, showSuppressed: !!options.showSuppressed, all: !!options.all })) {
    io.stdout.write(piece);
  }
  // Nothing readable at all is an input error; a few broken files among many are reported and the scan stands.
  return report.source.type === 'manifests' && report.source.files === 0 && report.errors.length
    ? ExitCode.usage
    : ExitCode.ok;
}

/** The snapshot a lone file argument holds (`kubematrix snapshot`'s output), if it is one. */
async function snapshotIn(io: Io, paths: readonly string[]): Promise<Collection | undefined> {
  const [only] = paths;
  if (paths.length !== 1 || only === undefined || only === '-') return undefined;
  const file = path.resolve(io.cwd, only);
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) return undefined;
    bytes = readFileSync(file);
  } catch {
    // The manifest reader reports unreadable inputs, as for any other path.
    return undefined;
  }
  const { decodeSnapshot, SnapshotError } = await import('../../inputs/cluster/snapshot.js');
  try {
    return decodeSnapshot(bytes);
  } catch (error) {
    if (error instanceof SnapshotError) throw new UsageError(`${only}: ${error.message}`);
    throw error;
  }
}
