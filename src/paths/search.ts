import type { AttackPath, GraphNode, PathStep } from '../model/paths.js';
import { severities, severityRank } from '../model/report.js';
import { type Edge, execId, type Graph, namespaceTargetId, runPodsId } from './graph.js';

/** A `--from`/`--to` pattern that names nothing in the graph: a usage error, not an empty answer. */
export class PathFilterError extends Error {}

export interface SearchOptions {
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  readonly maxDepth?: number;
}

/** Where a path ends: a target (or a node `--to` named), reached at any of its members. */
interface Goal {
  readonly id: string;
  readonly members: readonly number[];
}

/** One entry point → target pair, as the choke-point cover counts it: the cuts of every step of its path. */
export interface Reach {
  readonly first: readonly string[];
  /** The cuts of the steps after the first, shared by every entry of a group. */
  readonly rest: readonly string[];
}

export interface SearchResult {
  readonly paths: AttackPath[];
  readonly reaches: Reach[];
}

const ENTRY_ORDER: Readonly<Record<NonNullable<GraphNode['entry']>, number>> = {
  internet: 0,
  subject: 1,
  'assume-breach': 2,
};

/**
 * Shortest paths from every entry point to every target: one breadth-first search per target, backwards from its
 * members over the incoming edges, so the cost is (targets × edges) whatever the number of entry points. Among paths
 * of the same length the search keeps the one whose weakest link is the most severe. Paths that differ only in their
 * entry point (same first technique into the same node, same rest) are grouped under one.
 */
export function shortestPaths(graph: Graph, options: SearchOptions = {}): SearchResult {
  const { nodes, edges } = graph;
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const incoming: number[][] = nodes.map(() => []);
  const from = new Int32Array(edges.length);
  const to = new Int32Array(edges.length);
  const rank = new Int8Array(edges.length);
  edges.forEach((edge, i) => {
    from[i] = index.get(edge.from) ?? -1;
    to[i] = index.get(edge.to) ?? -1;
    rank[i] = severityRank(edge.severity);
    incoming[to[i] as number]?.push(i);
  });
  const entries = selectEntries(nodes, options.from);
  const goals = selectGoals(nodes, index, options.to);
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;

  const dist = new Int32Array(nodes.length);
  const next = new Int32Array(nodes.length);
  const weakest = new Int8Array(nodes.length);
  const queue = new Int32Array(nodes.length);
  const paths: AttackPath[] = [];
  const reaches: Reach[] = [];
  for (const goal of goals) {
    dist.fill(-1);
    let head = 0;
    let tail = 0;
    for (const member of goal.members) {
      if (dist[member] === 0) continue;
      dist[member] = 0;
      weakest[member] = 0;
      queue[tail++] = member;
    }
    while (head < tail) {
      const node = queue[head++] as number;
      const depth = (dist[node] as number) + 1;
      if (depth > maxDepth) continue;
      for (const edge of incoming[node] as number[]) {
        const source = from[edge] as number;
        // The weakest link is the least severe step: the highest rank along the path.
        const link = Math.max(rank[edge] as number, weakest[node] as number);
        if (dist[source] === -1) {
          dist[source] = depth;
          next[source] = edge;
          weakest[source] = link;
          queue[tail++] = source;
        } else if (dist[source] === depth && link < (weakest[source] as number)) {
          next[source] = edge;
          weakest[source] = link;
        }
      }
    }
    const groups = new Map<string, { entries: number[]; rest: readonly string[] }>();
    for (const entry of entries) {
      if ((dist[entry] as number) <= 0) continue;
      const first = edges[next[entry] as number] as Edge;
      const kind = nodes[entry]?.entry ?? 'assume-breach';
      const key = `${kind}\u0000${first.to}\u0000${first.techniques.join(',')}`;
      const group = groups.get(key);
      if (group) group.entries.push(entry);
      else
        groups.set(key, {
          entries: [entry],
          rest: restCuts(edges, next, to, to[next[entry] as number] as number, dist),
        });
    }
    for (const { entries: members, rest } of groups.values()) {
      members.sort(
        (a, b) => (weakest[a] as number) - (weakest[b] as number) || compare(nodeId(nodes, a), nodeId(nodes, b)),
      );
      const [lead = 0, ...others] = members;
      for (const member of members) reaches.push({ first: (edges[next[member] as number] as Edge).cuts, rest });
      const steps: PathStep[] = [];
      for (let at = lead; (dist[at] as number) > 0; at = to[next[at] as number] as number) {
        steps.push(step(edges[next[at] as number] as Edge));
      }
      paths.push({
        from: nodeId(nodes, lead),
        to: goal.id,
        ...(others.length ? { alsoFrom: others.map((other) => nodeId(nodes, other)) } : {}),
        steps,
        severity: severities[weakest[lead] as number] ?? 'info',
      });
    }
  }
  const entryOrder = (id: string) => ENTRY_ORDER[nodes[index.get(id) ?? 0]?.entry ?? 'assume-breach'];
  paths.sort(
    (a, b) =>
      a.steps.length - b.steps.length ||
      severityRank(a.severity) - severityRank(b.severity) ||
      entryOrder(a.from) - entryOrder(b.from) ||
      compare(a.to, b.to) ||
      compare(a.from, b.from),
  );
  return { paths, reaches };
}

/** The cuts of the path from `node` to the goal, following the search's choices. */
function restCuts(
  edges: readonly Edge[],
  next: Int32Array,
  to: Int32Array,
  node: number,
  dist: Int32Array,
): readonly string[] {
  const cuts = new Set<string>();
  for (let at = node; (dist[at] as number) > 0; at = to[next[at] as number] as number) {
    for (const cut of (edges[next[at] as number] as Edge).cuts) cuts.add(cut);
  }
  return [...cuts];
}

function step({ from, to, techniques, text, evidence, severity, findings }: Edge): PathStep {
  return { from, to, techniques, text, evidence, severity, findings };
}

function nodeId(nodes: readonly GraphNode[], index: number): string {
  return nodes[index]?.id ?? '';
}

function selectEntries(nodes: readonly GraphNode[], patterns: readonly string[] | undefined): number[] {
  const entries: number[] = [];
  const used = new Set<string>();
  nodes.forEach((node, i) => {
    if (!node.entry) return;
    if (patterns?.length) {
      const pattern = patterns.find((candidate) => matches(candidate, node));
      if (pattern === undefined) return;
      used.add(pattern);
    }
    entries.push(i);
  });
  const unused = patterns?.find((pattern) => !used.has(pattern));
  if (unused !== undefined) throw new PathFilterError(`--from '${unused}' names no entry point of the graph`);
  return entries;
}

function selectGoals(
  nodes: readonly GraphNode[],
  index: ReadonlyMap<string, number>,
  patterns: readonly string[] | undefined,
): Goal[] {
  const goalOf = (node: GraphNode): Goal => ({
    id: node.id,
    members: [...new Set([node.id, ...(node.members ?? [])])].flatMap((id) => index.get(id) ?? []),
  });
  if (!patterns?.length) return nodes.filter((node) => node.kind === 'target').map(goalOf);
  const goals = new Map<string, Goal>();
  for (const pattern of patterns) {
    const found = nodes.filter((node) => matches(pattern, node));
    if (!found.length && isNamespace(pattern)) {
      throw new PathFilterError(`--to '${pattern}' names no namespace of the graph`);
    }
    if (!found.length) throw new PathFilterError(`--to '${pattern}' names no node of the graph`);
    if (isNamespace(pattern)) {
      // A namespace is one goal: whatever of it is reached first.
      const id = namespaceTargetId(pattern);
      const members = [...found.map((node) => node.id), runPodsId(pattern), execId(pattern)];
      goals.set(id, { id, members: members.flatMap((member) => index.get(member) ?? []) });
      continue;
    }
    for (const node of found) goals.set(node.id, goalOf(node));
  }
  return [...goals.values()];
}

const isNamespace = (pattern: string) => !pattern.includes('/') && !pattern.includes(':');

/**
 * Whether a `--from`/`--to` pattern names the node: its id, or the id without its `identity:` or `workload:` prefix
 * (`sa:shop/web`, `user:alice`, `shop/Deployment/web`), `Kind/name` of a workload in any namespace (the kind in any
 * case), or a namespace: its workloads and service accounts.
 */
export function matches(pattern: string, node: GraphNode): boolean {
  if (node.id === pattern || node.id === `identity:${pattern}` || node.id === `workload:${pattern}`) return true;
  const { resource } = node;
  if (!resource) return false;
  if (isNamespace(pattern)) {
    return (node.kind === 'workload' || node.kind === 'identity') && resource.namespace === pattern;
  }
  const parts = pattern.split('/');
  if (node.kind !== 'workload' || parts.length !== 2 || pattern.includes(':')) return false;
  return resource.kind.toLowerCase() === parts[0]?.toLowerCase() && resource.name === parts[1];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
