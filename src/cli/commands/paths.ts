import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { collectScanGarbage } from '../../engine/memory.js';
import { type Severity, severityRank } from '../../model/basics.js';
import type { AttackPaths } from '../../model/paths.js';
import { attackPaths, PathFilterError, type PathOptions } from '../../paths/index.js';
import { renderJson } from '../../report/json/report.js';
import { renderPathsTable } from '../../report/paths/table.js';
import { formatInputError } from '../../report/terminal/errors.js';
import { plural } from '../../report/terminal/findings.js';
import { detectTerminal, ExitCode, type Io, UsageError, writePieces } from '../io.js';
import { configFor } from '../options.js';
import type { ClusterOptions } from './cluster.js';
import { catalogFor, checkInput, collectionFor, nothingRead, openAll, placementNamespace, scanInput } from './input.js';

export interface PathsCommandOptions extends ClusterOptions {
  output?: 'table' | 'json';
  outputFile?: string;
  from?: string[];
  to?: string[];
  maxDepth?: string;
  failOn?: 'any' | Severity;
  config?: string;
  all?: boolean;
}

/**
 * `kubematrix paths [PATHS…]`: the input read as `scan` reads it, its findings, then the attack paths from its entry
 * points to its targets and the choke points, as a table or the JSON of src/model/paths.ts.
 */
export default async function pathsCommand(io: Io, paths: string[], options: PathsCommandOptions): Promise<number> {
  const format = formatOf(options);
  const filters = pathOptions(options);
  checkInput(paths, options, 'read');
  const namespace = placementNamespace(options);
  const config = await configFor(io, options.config);
  const file = options.outputFile === undefined ? undefined : path.resolve(io.cwd, options.outputFile);
  const [handle] = await openAll([file]);
  try {
    const graph = await (async () => {
      const collection = await collectionFor(io, paths, options, config.limits);
      // The paths are built below, with the filters: the scan's own would be thrown away.
      // The config's custom rules are checks like the others: their settings and suppressions name them.
      const { checks } = await catalogFor(io, config);
      const { report, inventory } = await scanInput(io, paths, collection, { config, checks, paths: false, namespace });
      for (const error of report.errors) io.stderr.write(`kubematrix: ${formatInputError(error)}\n`);
      if (nothingRead(io, report)) return undefined;
      // A large input's peak memory is the scan's result and the graph built from it: the scan's garbage (the files
      // parsed) goes first (docs/report.md, "What grows with the input").
      collectScanGarbage();
      return graphOf(inventory, report.findings, { ...filters, targets: config.paths.targets });
    })();
    if (!graph) return ExitCode.usage;
    // The scan's report and inventory are out of reach here: collected, they do not stay in the heap beside the
    // output's garbage.
    collectScanGarbage();
    const terminal = detectTerminal(io);
    const all = !!options.all;
    const render = (color: boolean): Iterable<string> =>
      format === 'json' ? renderJson(graph) : [renderPathsTable(graph, { ...terminal, color, all })];
    if (handle) await pipeline(Readable.from(render(false)), handle.createWriteStream());
    else await writePieces(io.stdout, render(terminal.color));
    return gate(io, graph, options);
  } finally {
    await handle?.close();
  }
}

/** `--output`, else what `--output-file`'s extension names (`.json`; `.txt` is the table), else the table. */
function formatOf({ output, outputFile }: PathsCommandOptions): 'table' | 'json' {
  if (output) return output;
  if (outputFile === undefined) return 'table';
  const name = outputFile.toLowerCase();
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.txt')) return 'table';
  throw new UsageError(
    `cannot tell the format of '${outputFile}' from its extension (.json, .txt): give --output FORMAT`,
  );
}

function pathOptions({ from = [], to = [], maxDepth }: PathsCommandOptions): PathOptions {
  for (const [option, specs] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (specs.some((spec) => !spec.trim())) throw new UsageError(`${option} needs a node, namespace or name`);
  }
  if (maxDepth !== undefined && !/^[1-9]\d*$/.test(maxDepth)) {
    throw new UsageError(`--max-depth must be a whole number of steps, 1 or more (got '${maxDepth}')`);
  }
  return {
    ...(from.length && { from }),
    ...(to.length && { to }),
    ...(maxDepth !== undefined && { maxDepth: Number(maxDepth) }),
  };
}

/**
 * The CI gate: exit 1 when a path reaches a target and its weakest link is at or above `--fail-on` (`any`: every
 * path), saying how many on standard error.
 */
function gate(io: Io, graph: AttackPaths, { failOn, quiet }: PathsCommandOptions): number {
  if (!failOn) return ExitCode.ok;
  const failing = graph.paths.filter(
    (found) => failOn === 'any' || severityRank(found.severity) <= severityRank(failOn),
  ).length;
  if (!failing) return ExitCode.ok;
  if (!quiet) {
    const which = failOn === 'any' ? '' : ` with every step at or above ${failOn}`;
    io.stderr.write(
      `kubematrix: ${plural(failing, 'attack path')}${which} reach${failing === 1 ? 'es' : ''} a target (--fail-on)\n`,
    );
  }
  return ExitCode.findings;
}

/** The paths; a `--from`/`--to` naming nothing in this input is the user's to fix, as a usage error. */
function graphOf(...args: Parameters<typeof attackPaths>): AttackPaths {
  try {
    return attackPaths(...args);
  } catch (error) {
    if (error instanceof PathFilterError) throw new UsageError(error.message);
    throw error;
  }
}
