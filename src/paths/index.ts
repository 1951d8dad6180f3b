import { PathTargets } from '../config/index.js';
import type { Inventory } from '../inventory/index.js';
import type { AttackPaths } from '../model/paths.js';
import type { Finding } from '../model/report.js';
import { chokePoints } from './choke.js';
import { buildGraph } from './graph.js';
import { shortestPaths } from './search.js';

export { PathFilterError } from './search.js';

export interface PathOptions {
  /**
   * Only paths starting at these entry points: node ids, `sa:ns/name`, `user:name`, `group:name`, `ns/Kind/name`,
   * `Kind/ns/name`, `Kind/name` (any namespace), `ns/name` or a namespace (docs/paths.md). A pattern naming no entry
   * point is a PathFilterError.
   */
  readonly from?: readonly string[];
  /**
   * Only paths ending at these targets (`node-root`, `target:node-root`) or nodes, same patterns; a namespace is reached
   * at any of its workloads.
   */
  readonly to?: readonly string[];
  /** Longest path kept, in steps. */
  readonly maxDepth?: number;
  /** Crown jewels besides the built-in targets: `paths.targets` of `.kubematrix.yaml`. */
  readonly targets?: PathTargets;
}

/** Builds the attack graph of the input and its shortest paths from every entry point to every target. */
export function attackPaths(
  inventory: Inventory,
  findings: readonly Finding[],
  options: PathOptions = {},
): AttackPaths {
  const graph = buildGraph(inventory, findings, options.targets ?? PathTargets.parse({}));
  const { paths, reaches } = shortestPaths(graph, options);
  return {
    nodes: [...graph.nodes],
    edges: graph.edges.map(({ cuts: _cuts, ...edge }) => edge),
    paths,
    chokePoints: chokePoints(reaches, graph.cuts),
  };
}
