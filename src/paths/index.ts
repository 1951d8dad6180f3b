import type { Inventory } from '../inventory/index.js';
import type { AttackPaths } from '../model/paths.js';
import type { Finding } from '../model/report.js';

export interface PathOptions {
  /** Only paths starting at these: node ids, or `namespace`, `namespace/name`, `kind/name` patterns (docs/paths.md). */
  readonly from?: readonly string[];
  /** Only paths ending at these targets or nodes, same patterns. */
  readonly to?: readonly string[];
  /** Longest path kept, in steps. */
  readonly maxDepth?: number;
}

/** Builds the attack graph of the input and its shortest paths from every entry point to every target. */
export function attackPaths(
  inventory: Inventory,
  findings: readonly Finding[],
  options: PathOptions = {},
): AttackPaths {
  void inventory;
  void findings;
  void options;
  throw new Error('attack paths: being built (issue 12)');
}
