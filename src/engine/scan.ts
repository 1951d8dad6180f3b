import type { AnyCheck } from '../checks/define.js';
import { allChecks } from '../checks/index.js';
import { Config } from '../config/index.js';
import { techniqueStatuses } from '../coverage/index.js';
import { type ReadOptions, readManifests } from '../inputs/manifests.js';
import { buildInventory, type Inventory } from '../inventory/index.js';
import type { Report } from '../model/report.js';
import { version } from '../version.js';
import { analyze } from './analyze.js';

export interface ScanOptions extends ReadOptions {
  /** Suppressions and per-check settings; empty by default. */
  config?: Config;
  /** The checks to run; all of them by default. */
  checks?: readonly AnyCheck[];
  now?: Date;
}

export interface ScanResult {
  report: Report;
  inventory: Inventory;
}

/** Scans manifest files, directories and `-` (stdin) and returns the report, as `kubematrix scan` prints it. */
export async function scanManifests(inputs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const now = options.now ?? new Date();
  const read = await readManifests(inputs, options);
  const {
    inventory,
    errors: inventoryErrors,
    warnings: inventoryWarnings,
  } = buildInventory(read.objects, {
    complete: false,
  });
  const analysis = analyze(inventory, {
    checks: options.checks ?? allChecks,
    config: options.config ?? Config.parse({}),
    now,
  });
  const report: Report = {
    tool: 'kubematrix',
    version,
    scannedAt: now.toISOString(),
    source: {
      type: 'manifests',
      inputs: [...inputs],
      files: read.files,
      objects: read.objects.length,
      ignored: read.ignored,
      complete: false,
    },
    findings: analysis.findings,
    techniques: techniqueStatuses(analysis.findings, analysis.checks),
    errors: [...read.errors, ...inventoryErrors, ...analysis.errors],
    warnings: inventoryWarnings,
  };
  return { report, inventory };
}
