/** Test support for attack paths: a manifest through the real parser, inventory and checks, then the graph. */
import { allChecks } from '../checks/index.js';
import { Config } from '../config/index.js';
import { analyze } from '../engine/analyze.js';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory, type InventoryOptions } from '../inventory/index.js';
import type { AttackPaths, GraphEdge } from '../model/paths.js';
import { attackPaths, type PathOptions } from './index.js';

/**
 * The attack paths of one or more YAML documents, as `kubematrix paths` computes them; `config` as
 * `.kubematrix.yaml`; `read` as the input was (`complete`: a live cluster's).
 */
export function pathsOf(
  yaml: string,
  options: PathOptions = {},
  config: unknown = {},
  read: InventoryOptions = {},
): AttackPaths {
  const parsed = parseManifest('test.yaml', Buffer.from(yaml));
  if (parsed.errors.length) throw new Error(`test manifest does not parse: ${JSON.stringify(parsed.errors)}`);
  const { inventory, errors } = buildInventory(parsed.objects, read);
  if (errors.length) throw new Error(`test manifest is not valid: ${JSON.stringify(errors)}`);
  const parsedConfig = Config.parse(config);
  const { findings } = analyze(inventory, { checks: allChecks, config: parsedConfig });
  return attackPaths(inventory, findings, { targets: parsedConfig.paths.targets, ...options });
}

/** The edge between two nodes, if the graph has one. */
export function edgeOf(paths: AttackPaths, from: string, to: string): GraphEdge | undefined {
  return paths.edges.find((edge) => edge.from === from && edge.to === to);
}

/** Whether some path (or a path grouped with it) leads from the entry point to the target. */
export function reaches(paths: AttackPaths, from: string, to: string): boolean {
  return paths.paths.some((path) => path.to === to && (path.from === from || path.alsoFrom?.includes(from)));
}
