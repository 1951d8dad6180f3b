import type { AttackPaths } from '../model/paths.js';
import type { ReportAttackPaths, TechniqueStatus } from '../model/report.js';

/**
 * What a scan's report keeps of its attack paths: the paths, the nodes they pass through and the choke points. The
 * rest of the graph (every pod of a large cluster, each with its edges) is `kubematrix paths -o json`'s.
 */
export function reportPaths({ edges, nodes, ...paths }: AttackPaths): ReportAttackPaths {
  // A path's `to` is its target, which its last step may reach at one of the target's members (a node for node root).
  const on = new Set(
    paths.paths.flatMap((path) => [path.from, path.to, ...(path.alsoFrom ?? []), ...path.steps.map((step) => step.to)]),
  );
  return { ...paths, nodes: nodes.filter((node) => on.has(node.id)) };
}

/** Each technique with `onPaths`: how many of the paths have a step that uses it (0 for the others). */
export function withPaths(techniques: readonly TechniqueStatus[], { paths }: Pick<AttackPaths, 'paths'>) {
  const counts = new Map<string, number>();
  for (const path of paths) {
    for (const id of new Set(path.steps.flatMap((step) => step.techniques))) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return techniques.map((technique): TechniqueStatus => ({ ...technique, onPaths: counts.get(technique.id) ?? 0 }));
}
