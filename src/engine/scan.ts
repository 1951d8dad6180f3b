import type { AnyCheck } from '../checks/define.js';
import { allChecks } from '../checks/index.js';
import { Config } from '../config/index.js';
import type { DeclaredControl } from '../coverage/controls.js';
import { observedMitigations } from '../coverage/defenses.js';
import { techniqueStatuses, unassessed } from '../coverage/index.js';
import { reportPaths, withPaths } from '../coverage/paths.js';
import type { Collection } from '../inputs/cluster/collection.js';
import { type ReadOptions, readManifests } from '../inputs/manifests.js';
import { buildInventory, type Inventory, type InventoryOptions, type SourceObject } from '../inventory/index.js';
import type { AttackPaths } from '../model/paths.js';
import type {
  ClusterSource,
  Finding,
  ManifestSource,
  Report,
  ReportSource,
  ScanError,
  ScanWarning,
} from '../model/report.js';
import { attackPaths } from '../paths/index.js';
import { version } from '../version.js';
import { analyze } from './analyze.js';
import { limitHeapGrowth, SCAN_GROWING_PERCENT } from './memory.js';

/** Objects from which a scan limits its heap's growth. */
const LARGE_SCAN_OBJECTS = 5_000;

/** Why every technique of a scan that read no Kubernetes object is `not-assessed`; the CLI exits 2 saying so. */
export const NOTHING_READ = 'no Kubernetes objects read';

export interface ScanOptions extends ReadOptions {
  /** Suppressions and per-check settings; empty by default. */
  config?: Config;
  /** The checks to run; all of them by default. */
  checks?: readonly AnyCheck[];
  /**
   * Where namespaced objects that name no namespace live, as `kubectl apply -n NS` puts them (`-n` on files):
   * `default` unless given. A cluster's objects all name theirs.
   */
  namespace?: string;
  /** `--check` and `--skip-check` patterns (see `AnalyzeOptions`). */
  only?: readonly string[];
  skip?: readonly string[];
  /**
   * The cluster's admission objects (`--policies`), read apart from the input: the input is checked as if it were
   * applied to a cluster that has them (check admission-rejected). Their read errors join the report's.
   */
  policies?: { readonly objects: readonly SourceObject[]; readonly errors: readonly ScanError[] };
  /** What the organization declares of mitigations no scan observes (the controls file); none by default. */
  controls?: readonly DeclaredControl[];
  now?: Date;
  /**
   * How the report's attack paths (`attackPaths`, each technique's `onPaths`) are built from the inventory and the
   * findings; `false`: none, for a command that builds its own or needs only the inventory. Default: every path of `attackPaths`, with the config's targets.
   */
  paths?: PathBuilder | false;
  /**
   * Whether each finding with a fix keeps its document's recorded offsets, from which SARIF places the fix without
   * parsing the file again (about 1 KB per such document). Default true; a run that writes no SARIF passes false.
   */
  fixPlaces?: boolean;
}

export type PathBuilder = (inventory: Inventory, findings: readonly Finding[]) => AttackPaths;

export interface ScanResult<Source extends ReportSource = ReportSource> {
  report: Report & { source: Source };
  inventory: Inventory;
}

/** Scans manifest files, directories and `-` (stdin) and returns the report, as `kubematrix scan` prints it. */
export async function scanManifests(
  inputs: readonly string[],
  options: ScanOptions = {},
): Promise<ScanResult<ManifestSource>> {
  const read = await readManifests(inputs, { ...options, limits: options.limits ?? options.config?.limits });
  const source: ManifestSource = {
    type: 'manifests',
    inputs: [...inputs],
    files: read.files,
    objects: read.objects.length,
    ignored: read.ignored,
    complete: false,
  };
  return assess(
    read.objects,
    { ...inventoryScope(source), ...placement(options) },
    source,
    read.errors,
    options,
    read.warnings,
  );
}

/**
 * Scans what was collected from a cluster, live or from a snapshot: the same collection gives the same report.
 * Objects have no file: findings carry their `k8s://` address instead.
 */
export function scanCollection(collection: Collection, options: ScanOptions = {}): ScanResult<ClusterSource> {
  const sources = collection.objects.map((object) => ({ object, context: collection.context }));
  const source: ClusterSource = {
    type: 'cluster',
    context: collection.context,
    server: collection.server,
    serverVersion: collection.serverVersion,
    collectedAt: collection.collectedAt,
    namespaces: collection.namespaces,
    objects: collection.objects.length,
    kinds: collection.kinds,
    unavailable: collection.unavailable,
    ...(collection.events ? { events: collection.events } : {}),
    complete: true,
  };
  return assess(sources, { ...inventoryScope(source), ...placement(options) }, source, collection.errors, options);
}

/**
 * Scans objects another scan already read, as that scan's source describes them: what `fix --what-if` re-assesses
 * once the fixes are applied in memory. Objects keep their file and cluster context, so that findings on unchanged
 * objects keep their ids. The input's own read errors are the earlier scan's: not repeated here.
 */
export function scanObjects<Source extends ReportSource>(
  objects: readonly SourceObject[],
  source: Source,
  options: ScanOptions = {},
): ScanResult<Source> {
  const counted = { ...source, objects: objects.length };
  return assess(objects, { ...inventoryScope(source), ...placement(options) }, counted, [], options);
}

/** A cluster's listing is complete but for the kinds it could not list; files never are. */
function inventoryScope(source: ReportSource): InventoryOptions {
  return source.type === 'cluster'
    ? { complete: true, unreadable: new Map(source.unavailable.map((kind) => [kind.kind, kind.reason])) }
    : { complete: false };
}

const placement = ({ namespace }: ScanOptions) => (namespace === undefined ? {} : { namespace });

function assess<Source extends ReportSource>(
  objects: readonly SourceObject[],
  inventoryOptions: InventoryOptions,
  source: Source,
  inputErrors: readonly ScanError[],
  options: ScanOptions,
  inputWarnings: readonly ScanWarning[] = [],
): ScanResult<Source> {
  // V8 would let a large scan's heap grow to twice and more what is alive (engine/memory.ts); below the threshold its
  // own growth costs a few megabytes, and a small scan loads no node:v8 to set it.
  const release = objects.length >= LARGE_SCAN_OBJECTS ? limitHeapGrowth(SCAN_GROWING_PERCENT) : undefined;
  try {
    const now = options.now ?? new Date();
    const config = options.config ?? Config.parse({});
    const { inventory, errors: inventoryErrors, warnings } = buildInventory(objects, inventoryOptions);
    const policies = options.policies && policyInventory(options.policies, objects, inventoryOptions);
    const analysis = analyze(inventory, {
      checks: options.checks ?? allChecks,
      config,
      now,
      only: options.only,
      skip: options.skip,
      fixPlaces: options.fixPlaces ?? true,
      ...(policies && { policies: policies.inventory }),
    });
    const techniques = objects.length
      ? techniqueStatuses(analysis.findings, analysis.checks, analysis.blind, {
          observed: observedMitigations(inventory),
          declared: options.controls ?? [],
        })
      : // Silence from no input proves nothing: not even the declared controls make a technique anything but unknown.
        unassessed(NOTHING_READ);
    const build =
      options.paths === false
        ? undefined
        : (options.paths ??
          ((inventory: Inventory, findings: readonly Finding[]) =>
            attackPaths(inventory, findings, { targets: config.paths.targets })));
    const paths = build?.(inventory, analysis.findings);
    const report: Report & { source: Source } = {
      tool: 'kubematrix' as const,
      version,
      scannedAt: now.toISOString(),
      source,
      findings: analysis.findings,
      techniques: paths ? withPaths(techniques, paths) : techniques,
      errors: [...inputErrors, ...inventoryErrors, ...(policies?.errors ?? []), ...analysis.errors],
      warnings: [...inputWarnings, ...warnings, ...(policies?.warnings ?? []), ...analysis.warnings],
      ...(paths && { attackPaths: reportPaths(paths) }),
    };
    return { report, inventory };
  } finally {
    release?.();
  }
}

/**
 * The cluster the input is admitted to: the `--policies` objects, and the input's Namespaces they do not define (a
 * pull request may create its namespace). Errors and warnings are those about the policies' own files: the input's
 * are reported once, by its own inventory.
 */
function policyInventory(
  policies: NonNullable<ScanOptions['policies']>,
  objects: readonly SourceObject[],
  { namespace }: InventoryOptions,
): { inventory: Inventory; errors: ScanError[]; warnings: ScanWarning[] } {
  const defined = new Set(
    policies.objects.filter(({ object }) => object.kind === 'Namespace').map(({ object }) => nameOf(object)),
  );
  const created = objects.filter(({ object }) => object.kind === 'Namespace' && !defined.has(nameOf(object)));
  const built = buildInventory([...policies.objects, ...created], { complete: false, ...(namespace && { namespace }) });
  const files = new Set(policies.objects.map((source) => source.file));
  return {
    inventory: built.inventory,
    errors: [...policies.errors, ...built.errors.filter((error) => files.has(error.source))],
    warnings: built.warnings.filter((warning) => warning.locations.some((location) => files.has(location.file))),
  };
}

const nameOf = (object: Readonly<Record<string, unknown>>) => (object.metadata as { name?: unknown } | undefined)?.name;
