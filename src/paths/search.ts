import { POD_SPEC_PATHS } from '../inventory/index.js';
import { severities, severityRank } from '../model/basics.js';
import type { AttackPath, GraphNode, PathStep } from '../model/paths.js';
import { closest } from '../util/text.js';
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

/**
 * One entry point → target pair, as the choke-point cover counts it: the cuts that lie on every shortest path of the
 * pair, not only on the one shown. A fix on one of several equally short routes leaves the pair reachable as near.
 */
export interface Reach {
  readonly cuts: readonly string[];
}

export interface SearchResult {
  readonly paths: AttackPath[];
  readonly reaches: Reach[];
}

const NONE: readonly number[] = [];

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
  // Cuts as sorted numbers, so that the sets along the search merge and intersect cheaply.
  const cutNumber = new Map<string, number>();
  const cutKeys: string[] = [];
  const edgeCuts: (readonly number[])[] = [];
  edges.forEach((edge, i) => {
    from[i] = index.get(edge.from) ?? -1;
    to[i] = index.get(edge.to) ?? -1;
    rank[i] = severityRank(edge.severity);
    incoming[to[i] as number]?.push(i);
    edgeCuts.push(
      edge.cuts
        .map((cut) => {
          let number = cutNumber.get(cut);
          if (number === undefined) {
            number = cutKeys.push(cut) - 1;
            cutNumber.set(cut, number);
          }
          return number;
        })
        .sort((a, b) => a - b),
    );
  });
  const entries = selectEntries(nodes, options.from);
  const goals = selectGoals(nodes, index, options.to);
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;

  const dist = new Int32Array(nodes.length);
  const next = new Int32Array(nodes.length);
  const weakest = new Int8Array(nodes.length);
  const queue = new Int32Array(nodes.length);
  /** Per node, the cuts on every shortest path from it to the goal. */
  const must: (readonly number[])[] = nodes.map(() => NONE);
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
      must[member] = NONE;
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
        // Nodes leave the queue in order of distance: `must` of a node is complete before it is read here.
        if (dist[source] === -1) {
          dist[source] = depth;
          next[source] = edge;
          weakest[source] = link;
          must[source] = union(edgeCuts[edge] ?? NONE, must[node] ?? NONE);
          queue[tail++] = source;
        } else if (dist[source] === depth) {
          if (link < (weakest[source] as number)) {
            next[source] = edge;
            weakest[source] = link;
          }
          if ((must[source] ?? NONE).length > 0)
            must[source] = intersection(must[source] ?? NONE, union(edgeCuts[edge] ?? NONE, must[node] ?? NONE));
        }
      }
    }
    const groups = new Map<string, number[]>();
    for (const entry of entries) {
      if ((dist[entry] as number) <= 0) continue;
      const first = edges[next[entry] as number] as Edge;
      const kind = nodes[entry]?.entry ?? 'assume-breach';
      const key = `${kind}\u0000${first.to}\u0000${first.techniques.join(',')}`;
      const group = groups.get(key);
      if (group) group.push(entry);
      else groups.set(key, [entry]);
    }
    for (const members of groups.values()) {
      members.sort(
        (a, b) => (weakest[a] as number) - (weakest[b] as number) || compare(nodeId(nodes, a), nodeId(nodes, b)),
      );
      const [lead = 0, ...others] = members;
      for (const member of members) reaches.push({ cuts: (must[member] ?? NONE).map((cut) => cutKeys[cut] as string) });
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

/** Two sorted sets merged; either one itself when the other is empty (the search shares them). */
function union(a: readonly number[], b: readonly number[]): readonly number[] {
  if (!a.length) return b;
  if (!b.length) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i] ?? Number.POSITIVE_INFINITY;
    const y = b[j] ?? Number.POSITIVE_INFINITY;
    out.push(Math.min(x, y));
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out;
}

function intersection(a: readonly number[], b: readonly number[]): readonly number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) out.push(x);
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out.length === a.length ? a : out;
}

function step({ from, to, techniques, text, evidence, severity, findings }: Edge): PathStep {
  return { from, to, techniques, text, evidence, severity, findings };
}

function nodeId(nodes: readonly GraphNode[], index: number): string {
  return nodes[index]?.id ?? '';
}

function selectEntries(nodes: readonly GraphNode[], patterns: readonly string[] | undefined): number[] {
  const entries: number[] = [];
  const parsed = (patterns ?? []).map(parsePattern);
  const used = new Set<Pattern>();
  nodes.forEach((node, i) => {
    if (!node.entry) return;
    if (parsed.length) {
      const pattern = parsed.find((candidate) => candidate.matches(node));
      if (pattern === undefined) return;
      used.add(pattern);
    }
    entries.push(i);
  });
  const unused = parsed.find((pattern) => !used.has(pattern));
  if (unused !== undefined) {
    const names = nodes.filter((node) => node.entry).map(shortName);
    throw new PathFilterError(
      `--from '${unused.text}' names no entry point of the graph${choices(unused.text, names, 'entry points')}`,
    );
  }
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
  for (const pattern of patterns.map(parsePattern)) {
    const found = nodes.filter((node) => pattern.matches(node));
    if (!found.length) {
      const what = pattern.namespace === undefined ? 'node' : 'namespace';
      const names = [...new Set([...nodes.map(shortName), ...namespacesOf(nodes)])];
      throw new PathFilterError(
        `--to '${pattern.text}' names no ${what} of the graph${choices(pattern.text, names, 'nodes and namespaces')}`,
      );
    }
    if (pattern.namespace !== undefined) {
      // A namespace is one goal: whatever of it is reached first.
      const { namespace } = pattern;
      const id = namespaceTargetId(namespace);
      const members = [...found.map((node) => node.id), runPodsId(namespace), execId(namespace)];
      goals.set(id, { id, members: members.flatMap((member) => index.get(member) ?? []) });
      continue;
    }
    for (const node of found) goals.set(node.id, goalOf(node));
  }
  return [...goals.values()];
}

/** The built-in targets, which a bare word names before a namespace does (docs/paths.md). */
const TARGET_NAMES: ReadonlySet<string> = new Set([
  'cluster-admin',
  'all-secrets',
  'node-root',
  'control-plane',
  'cloud',
]);
const NODE_PREFIXES = ['identity:', 'workload:', 'target:'] as const;
/** Kinds a pattern's first segment may name; any other first segment is a namespace. */
const KINDS: ReadonlySet<string> = new Set([
  ...Object.keys(POD_SPEC_PATHS).map((kind) => kind.toLowerCase()),
  'serviceaccount',
  'sa',
]);
const SERVICE_ACCOUNT = new Set(['serviceaccount', 'sa']);

/** A `--from`/`--to` pattern, with its one meaning decided from its shape alone, never from what the graph holds. */
interface Pattern {
  readonly text: string;
  /** Set when the pattern is a namespace: one goal for `--to`. */
  readonly namespace?: string;
  matches(node: GraphNode): boolean;
}

/**
 * What a pattern names (docs/paths.md): with a `:`, a node id with or without its `identity:`, `workload:` or
 * `target:` prefix (`sa:shop/web`, `user:alice`, `target:cluster-admin`, `node:worker-1`); a bare word, a built-in
 * target (`node-root`) or else a namespace (its workloads and service accounts); `KIND/NAME` (any namespace) when the
 * first segment is a workload kind in any case, else `NAMESPACE/NAME` (its workloads and service account of that
 * name); `KIND/NAMESPACE/NAME`, else `NAMESPACE/KIND/NAME`. `ServiceAccount` (or `sa`) counts as a kind.
 */
function parsePattern(text: string): Pattern {
  if (text.includes(':')) {
    return { text, matches: (node) => node.id === text || NODE_PREFIXES.some((prefix) => node.id === prefix + text) };
  }
  const parts = text.split('/');
  const [first = '', second = '', third = ''] = parts;
  if (parts.length === 1) {
    if (TARGET_NAMES.has(text)) return { text, matches: (node) => node.id === `target:${text}` };
    const inNamespace = (node: GraphNode) =>
      (node.kind === 'workload' || node.kind === 'identity') && node.resource?.namespace === text;
    return { text, namespace: text, matches: inNamespace };
  }
  if (parts.length === 2) {
    if (isKind(first)) return { text, matches: ofKind(first, undefined, second) };
    return {
      text,
      matches: (node) => isObject(node, first, undefined, second) || isServiceAccount(node, first, second),
    };
  }
  if (parts.length === 3) {
    if (isKind(first)) return { text, matches: ofKind(first, second, third) };
    // An id's form: a workload defined in several files has `@file` after its name.
    return { text, matches: (node) => node.id === `workload:${text}` || ofKind(second, first, third)(node) };
  }
  return { text, matches: (node) => node.id === text };
}

const isKind = (segment: string) => KINDS.has(segment.toLowerCase());

/** A workload or service account of this kind (any case) and name, in this namespace or any. */
const ofKind =
  (kind: string, namespace: string | undefined, name: string) =>
  (node: GraphNode): boolean =>
    SERVICE_ACCOUNT.has(kind.toLowerCase())
      ? isServiceAccount(node, namespace, name)
      : isObject(node, namespace, kind.toLowerCase(), name);

function isObject(node: GraphNode, namespace: string | undefined, kind: string | undefined, name: string): boolean {
  const { resource } = node;
  return (
    node.kind === 'workload' &&
    resource?.name === name &&
    (namespace === undefined || (resource.namespace ?? '') === namespace) &&
    (kind === undefined || resource.kind.toLowerCase() === kind)
  );
}

/** Service account nodes are named by id: the `default` account of a namespace has no object in the input. */
function isServiceAccount(node: GraphNode, namespace: string | undefined, name: string): boolean {
  if (namespace !== undefined) return node.id === `identity:sa:${namespace}/${name}`;
  return node.id.startsWith('identity:sa:') && node.id.endsWith(`/${name}`);
}

/** How a node is given on the command line: its id without the prefix a pattern may leave out. */
function shortName(node: GraphNode): string {
  const prefix = NODE_PREFIXES.find((candidate) => node.id.startsWith(candidate));
  return prefix ? node.id.slice(prefix.length) : node.id;
}

function namespacesOf(nodes: readonly GraphNode[]): string[] {
  return nodes.flatMap((node) =>
    node.kind === 'workload' && node.resource?.namespace ? [node.resource.namespace] : [],
  );
}

/**
 * The valid choices, bounded: how many there are and the few nearest to what was typed, by the whole or by the
 * name after the last `/` or `:` (a graph may hold ten thousand workloads), or the first few when none is near.
 */
function choices(typed: string, names: readonly string[], what: string): string {
  const unique = [...new Set(names)].sort(compare);
  const lastName = (text: string) => text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf(':')) + 1);
  const near = [...new Set([...closest(typed, unique), ...closest(lastName(typed), unique, { key: lastName })])].slice(
    0,
    5,
  );
  const shown = near.length ? near : unique.slice(0, 5);
  const more = unique.length > shown.length ? `, and ${unique.length - shown.length} more` : '';
  return `; it has ${unique.length} ${what}, ${near.length ? 'closest' : 'such as'}: ${shown.join(', ')}${more}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
