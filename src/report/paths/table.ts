import { getTechnique } from '../../matrix/index.js';
import { type Evidence, severityRank } from '../../model/basics.js';
import type { AttackPath, AttackPaths, ChokePoint, GraphNode, PathStep } from '../../model/paths.js';
import { label, plural, where } from '../terminal/findings.js';
import { type Paint, paint as painter } from '../terminal/paint.js';
import { indent, printableCopy, wrap } from '../terminal/text.js';

/** Paths shown per target without `--all`: the shortest few say what to fix; the rest are variations on them. */
export const PATHS_SHOWN_PER_TARGET = 5;
/** Choke points shown without `--all`: the head of the fix-first list removes most paths. */
export const CHOKE_POINTS_SHOWN = 10;
/** Places shown per step: its evidence can name many bindings or rules. */
const PLACES_SHOWN = 3;
/** Other entry points named under a grouped path. */
const ALSO_FROM_SHOWN = 3;

export interface PathsTableOptions {
  readonly width: number;
  readonly color: boolean;
  /** Every path and choke point, not only the first few. */
  readonly all: boolean;
}

const entryText: Readonly<Record<NonNullable<GraphNode['entry']>, string>> = {
  internet: 'internet-facing',
  'assume-breach': 'assume breach',
  subject: 'subject',
};

/**
 * A grouped path stands for each of its entry points: choke points count those entry point → target pairs, and every
 * report that says how many a fix removes says of how many.
 */
export function pairsOf(paths: readonly AttackPath[]): number {
  return paths.reduce((sum, path) => sum + 1 + (path.alsoFrom?.length ?? 0), 0);
}

/** Shorter first (fewer steps to stop), then the worse weakest link; ties keep the order they came in. */
export function rankPaths(paths: readonly AttackPath[]): AttackPath[] {
  return [...paths].sort(
    (a, b) => a.steps.length - b.steps.length || severityRank(a.severity) - severityRank(b.severity),
  );
}

/**
 * The attack paths for a terminal: a summary (entry points, targets reached, paths), the choke points (the fix-first
 * list), then the paths by target, ranked, each step as `technique — what — where`. Input text is escaped.
 */
export function renderPathsTable(input: AttackPaths, { width, color, all }: PathsTableOptions): string {
  const graph = printableCopy(input);
  const paint = painter(color);
  const text = Math.max(Math.min(width, 120) - 6, 40);
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const name = (id: string) => nodes.get(id)?.label ?? id;
  const ranked = rankPaths(graph.paths);

  const lines = [paint(['bold', 'underline'], 'Attack paths'), ...summary(graph, ranked, name, text), ''];
  if (!ranked.length) return `${lines.join('\n')}\n`;

  const fixes = all ? graph.chokePoints : graph.chokePoints.slice(0, CHOKE_POINTS_SHOWN);
  lines.push(paint('bold', 'Fix first: each fix removes the paths left by those above it (greedy set cover)'));
  const digits = String(fixes.length).length;
  for (const [index, fix] of fixes.entries()) lines.push(...chokePoint(fix, index, digits, graph, paint, text));
  if (fixes.length < graph.chokePoints.length) {
    const more = graph.chokePoints.length - fixes.length;
    lines.push(`  … ${more} more ${more === 1 ? 'fix' : 'fixes'}: --all lists every one`);
  }
  const cut = graph.chokePoints.reduce((sum, fix) => sum + fix.removes, 0);
  const pairs = pairsOf(ranked);
  if (cut < pairs) {
    lines.push(
      `  ${plural(pairs - cut, 'path')} ${pairs - cut === 1 ? 'rests' : 'rest'} on no single finding or binding to fix`,
    );
  }
  lines.push('');

  const rank = new Map(ranked.map((path, index) => [path, index + 1]));
  const byTarget = new Map<string, AttackPath[]>();
  for (const path of ranked) byTarget.set(path.to, [...(byTarget.get(path.to) ?? []), path]);
  for (const [target, paths] of byTarget) {
    lines.push(paint('bold', `To ${name(target)}: ${plural(paths.length, 'path')}, shortest and surest first`));
    const shown = all ? paths : paths.slice(0, PATHS_SHOWN_PER_TARGET);
    for (const path of shown) lines.push(...renderPath(path, rank.get(path) ?? 0, nodes, paint, text));
    if (shown.length < paths.length) {
      lines.push(`  … ${plural(paths.length - shown.length, 'more path')} to ${name(target)}: --all lists every one`);
    }
    lines.push('');
  }
  lines.push('Every node and edge of the graph: kubematrix paths … --output json');
  return `${lines.join('\n')}\n`;
}

function summary(
  graph: AttackPaths,
  ranked: readonly AttackPath[],
  name: (id: string) => string,
  width: number,
): string[] {
  const entries = graph.nodes.filter((node) => node.entry);
  const kinds = (['internet', 'assume-breach', 'subject'] as const)
    .map((entry) => [entry, entries.filter((node) => node.entry === entry).length] as const)
    .filter(([, count]) => count)
    .map(([entry, count]) => `${count} ${entryText[entry]}`);
  const targets = graph.nodes.filter((node) => node.kind === 'target');
  const reached = new Map<string, number>();
  for (const path of ranked) reached.set(path.to, (reached.get(path.to) ?? 0) + 1);
  const starts = new Set(ranked.flatMap((path) => [path.from, ...(path.alsoFrom ?? [])])).size;
  const pairs = pairsOf(ranked);
  const grouped = pairs > ranked.length ? ` (${pairs} counting each entry point of a grouped path)` : '';
  const missed = targets.filter((target) => !reached.has(target.id)).map((target) => target.label);
  const lines = [
    `Entry points: ${entries.length}${kinds.length ? ` (${kinds.join(', ')})` : ''}; targets: ${targets.length}.`,
    ranked.length
      ? `${plural(ranked.length, 'path')}${grouped} from ${plural(starts, 'entry point')} reach ${reached.size} of ${plural(targets.length, 'target')}: ${[
          ...reached,
        ]
          .map(([id, count]) => `${name(id)} (${count})`)
          .join(', ')}.`
      : 'No path reaches a target.',
    ...(ranked.length && missed.length ? [`Not reached: ${missed.join(', ')}.`] : []),
  ];
  return lines.flatMap((line) => wrap(line, width));
}

function chokePoint(
  fix: ChokePoint,
  index: number,
  digits: number,
  graph: AttackPaths,
  paint: Paint,
  width: number,
): string[] {
  const head = `  ${String(index + 1).padStart(digits)}. `;
  const removes = `removes ${fix.removes} of ${plural(pairsOf(graph.paths), 'path')}: `;
  const [first = '', ...rest] = wrap(`${removes}${fix.label}`, width - head.length);
  const pad = ' '.repeat(head.length);
  const place = fix.location ? where(fix.location) : fix.uri;
  const what = fix.kind === 'finding' ? `finding ${fix.id}` : 'binding';
  return [
    `${head}${paint('bold', first.slice(0, removes.length))}${first.slice(removes.length)}`,
    ...indent(rest, pad),
    `${pad}${paint('gray', place ? `${what}  ${place}` : what)}`,
  ];
}

function renderPath(
  path: AttackPath,
  rank: number,
  nodes: ReadonlyMap<string, GraphNode>,
  paint: Paint,
  width: number,
): string[] {
  const start = nodes.get(path.from);
  const chain = [path.from, ...path.steps.map((step) => step.to)].map((id) => nodes.get(id)?.label ?? id);
  const entry = start?.entry ? ` (${entryText[start.entry]})` : '';
  const [head = '', ...rest] = wrap(`${chain[0]}${entry} → ${chain.slice(1).join(' → ')}`, width - 6);
  const lines = [
    `  ${paint('bold', `#${rank}`.padEnd(4))} ${head}`,
    ...indent(rest, '       '),
    ...alsoFrom(path, nodes, width),
    `       ${plural(path.steps.length, 'step')}, weakest link ${label(path.severity, paint).trimEnd()}`,
  ];
  for (const [index, step] of path.steps.entries()) lines.push(...renderStep(step, index, width));
  return lines;
}

/** The other entry points of a grouped path: the same first step into the same node, the same rest. */
function alsoFrom(path: AttackPath, nodes: ReadonlyMap<string, GraphNode>, width: number): string[] {
  const others = path.alsoFrom ?? [];
  if (!others.length) return [];
  const shown = others.slice(0, ALSO_FROM_SHOWN).map((id) => nodes.get(id)?.label ?? id);
  const more = others.length > shown.length ? ` and ${others.length - shown.length} more` : '';
  const [head = '', ...rest] = wrap(`also from ${shown.join(', ')}${more}, the same way`, width - 6);
  return [`       ${head}`, ...indent(rest, '       ')];
}

/** `1. MS-TA9018 Privileged container — escapes to the node … — deploy/web.yaml:24:21`. */
function renderStep(step: PathStep, index: number, width: number): string[] {
  const techniques = step.techniques.map((id) => `${id} ${getTechnique(id)?.name ?? ''}`.trimEnd()).join(', ');
  const places = evidencePlaces(step.evidence);
  const shown = places.slice(0, PLACES_SHOWN);
  const more = places.length > shown.length ? ` (+${places.length - shown.length} more)` : '';
  const evidence = shown.length ? ` — ${shown.join(', ')}${more}` : '';
  const [head = '', ...rest] = wrap(`${techniques} — ${step.text}${evidence}`, width - 10);
  return [`       ${index + 1}. ${head}`, ...indent(rest, '          ')];
}

/** Where each piece of evidence is (file:line:column or `k8s://` address), else what it says; each once. */
function evidencePlaces(evidence: readonly Evidence[]): string[] {
  return [...new Set(evidence.map((piece) => (piece.location ? where(piece.location) : (piece.uri ?? piece.text))))];
}
