import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type ScanResult, scanManifests } from '../src/engine/scan.js';
import { type AttackPath, AttackPaths, type ChokePoint, GraphNode } from '../src/model/paths.js';
import { type ResourceRef, TechniqueIdSchema } from '../src/model/report.js';
import { attackPaths } from '../src/paths/index.js';
import { repoRoot } from './paths.js';

/*
 * The attack-path proofs: each fixture folder under test/fixtures/paths holds manifests and an expected.json saying
 * what the graph must find there. Everything scenario-specific lives in expected.json (its `about` says how to read
 * it); this file only knows how to check it.
 */

const fixturesDir = path.join(repoRoot, 'test/fixtures/paths');
const FOLDERS = ['kubehound', 'shop'];

/** `namespace/Kind/name`, or `Kind/name` for cluster-scoped objects and subjects: as node ids write them. */
const Key = z.string().regex(/^([^/]+\/)?[A-Za-z]+\/[^/]+$/);
const Reach = z.strictObject({ from: z.string(), to: z.string(), techniques: z.array(TechniqueIdSchema).min(1) });
const Matcher = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('finding'), check: z.string(), resource: Key }),
  z.strictObject({ kind: z.literal('binding'), resource: Key }),
]);
type Matcher = z.infer<typeof Matcher>;
const Choice = z.strictObject({
  anyOf: z.array(Matcher).min(1),
  minRemoves: z.number().int().positive().optional(),
});
type Choice = z.infer<typeof Choice>;
const Case = z.strictObject({
  name: z.string(),
  /** The KubeHound edges the case reproduces, for the reader. */
  kubehound: z.array(z.string()).optional(),
  /** Scanned together, relative to the folder; `.` is the whole folder. */
  files: z.array(z.string()).min(1),
  entries: z.array(z.strictObject({ id: z.string(), entry: GraphNode.shape.entry.unwrap() })).default([]),
  /** `all cases`: every other case's of the same folder (a scan of the whole folder). */
  reaches: z.union([z.array(Reach), z.literal('all cases')]).default([]),
  unreachable: z.array(z.strictObject({ from: z.string(), to: z.array(z.string()).min(1) })).default([]),
  noPaths: z.array(z.string()).default([]),
  findings: z.array(z.strictObject({ check: z.string(), resource: Key })).default([]),
  chokePoints: z.strictObject({ first: Choice, includes: z.array(Choice).default([]) }).optional(),
});
type Case = z.infer<typeof Case>;
const Expected = z.strictObject({ about: z.string(), cases: z.array(Case).min(1) });

interface Fixture {
  readonly folder: string;
  readonly cases: readonly Case[];
}

const fixtures: Fixture[] = FOLDERS.map((folder) => {
  const file = path.join(fixturesDir, folder, 'expected.json');
  return { folder, cases: Expected.parse(JSON.parse(readFileSync(file, 'utf8'))).cases };
});

const scans = new Map<string, Promise<ScanResult>>();
function scan(folder: string, files: readonly string[]): Promise<ScanResult> {
  const inputs = files.map((file) => path.join(fixturesDir, folder, file));
  const key = inputs.join('\n');
  let result = scans.get(key);
  if (!result) {
    result = scanManifests(inputs);
    scans.set(key, result);
  }
  return result;
}

const graphs = new Map<ScanResult, AttackPaths>();
function graphOf(result: ScanResult): AttackPaths {
  let graph = graphs.get(result);
  if (!graph) {
    graph = attackPaths(result.inventory, result.report.findings);
    graphs.set(result, graph);
  }
  return graph;
}

function keyOf(resource: Pick<ResourceRef, 'kind' | 'namespace' | 'name'>): string {
  return resource.namespace
    ? `${resource.namespace}/${resource.kind}/${resource.name}`
    : `${resource.kind}/${resource.name}`;
}

function reachesOf(fixture: Fixture, testCase: Case): z.infer<typeof Reach>[] {
  if (testCase.reaches !== 'all cases') return testCase.reaches;
  return fixture.cases.flatMap((other) => (other.reaches === 'all cases' ? [] : other.reaches));
}

/** The entry points a path stands for: its `from` and the others grouped with it. */
function startsOf(found: AttackPath): string[] {
  return [found.from, ...(found.alsoFrom ?? [])];
}

/** A path as a failure message prints it: one line per step. */
function showPath(found: AttackPath): string {
  const steps = found.steps.map((step) => `    ${step.from} → ${step.to} [${step.techniques.join(', ')}] ${step.text}`);
  const also = found.alsoFrom ? ` (also from ${found.alsoFrom.join(', ')})` : '';
  return [`  ${found.from}${also} ⇒ ${found.to} (${found.severity})`, ...steps].join('\n');
}

function showPathsFrom(graph: AttackPaths, from: string): string {
  const found = graph.paths.filter((candidate) => startsOf(candidate).includes(from));
  return found.length ? found.map(showPath).join('\n') : '  (none)';
}

function expectNode(graph: AttackPaths, id: string): void {
  const ids = graph.nodes.map((node) => node.id).filter((other) => other.split(':')[0] === id.split(':')[0]);
  expect(
    graph.nodes.some((node) => node.id === id),
    `no node ${id}; nodes of that kind: ${ids.join(', ')}`,
  ).toBe(true);
}

/** A binding's choke-point id, `Kind namespace/name` (model/paths.ts), from its key. */
function bindingId(key: string): string {
  const [first, second, third] = key.split('/');
  return third === undefined ? `${first} ${second}` : `${second} ${first}/${third}`;
}

/** Whether a choke point is the cut a matcher names: a finding by its check and resource, a binding by itself. */
function matches(point: ChokePoint, matcher: Matcher, result: ScanResult): boolean {
  if (point.kind !== matcher.kind) return false;
  if (matcher.kind === 'binding') {
    return point.resource ? keyOf(point.resource) === matcher.resource : point.id === bindingId(matcher.resource);
  }
  const finding = result.report.findings.find((candidate) => candidate.id === point.id);
  return finding?.checkId === matcher.check && keyOf(finding.resource) === matcher.resource;
}

function showChokePoints(points: readonly ChokePoint[]): string {
  return points
    .map((point, index) => `  ${index + 1}. ${point.kind} ${point.id} (${point.label}): ${point.removes}`)
    .join('\n');
}

function expectChoice(point: ChokePoint | undefined, choice: Choice, result: ScanResult, all: string): void {
  const wanted = choice.anyOf.map((matcher) => JSON.stringify(matcher)).join(' or ');
  expect(
    point && choice.anyOf.some((matcher) => matches(point, matcher, result)),
    `${wanted}; choke points:\n${all}`,
  ).toBe(true);
  if (point && choice.minRemoves) {
    expect(point.removes, `${point.id} removes too few paths:\n${all}`).toBeGreaterThanOrEqual(choice.minRemoves);
  }
}

describe('attack-path fixtures', () => {
  // A folder scanned only whole (`.`) is one scenario; one with per-file cases must give every file one.
  it.each(fixtures)(
    'every manifest of $folder is in a case, and every file a case names exists',
    ({ folder, cases }) => {
      const named = new Set(cases.flatMap((testCase) => testCase.files).filter((file) => file !== '.'));
      const files = readdirSync(path.join(fixturesDir, folder)).filter((file) => file.endsWith('.yaml'));
      expect(
        [...named].filter((file) => !files.includes(file)),
        'named but missing',
      ).toEqual([]);
      if (named.size > 0)
        expect(
          files.filter((file) => !named.has(file)),
          'in no case',
        ).toEqual([]);
    },
  );
});

// What each edge rests on must be seen by today's checks: these run now, whatever the state of the graph.
describe.each(fixtures)('attack-path preconditions: $folder', (fixture) => {
  it.each(fixture.cases.filter((testCase) => testCase.findings.length > 0))('$name', async (testCase) => {
    const result = await scan(fixture.folder, testCase.files);
    expect(result.report.errors).toEqual([]);
    const fired = result.report.findings.filter((finding) => !finding.suppressed);
    for (const { check, resource } of testCase.findings) {
      const seen = fired.filter((finding) => keyOf(finding.resource) === resource).map((finding) => finding.checkId);
      expect(seen, `${check} on ${resource}`).toContain(check);
    }
  });
});

describe('attack paths', () => {
  describe.each(fixtures)('$folder', (fixture) => {
    describe.each(fixture.cases)('$name', (testCase) => {
      const load = async () => {
        const result = await scan(fixture.folder, testCase.files);
        return { result, graph: graphOf(result) };
      };

      it('keeps the contract: every path a chain of graph edges from its entry points to a target', async () => {
        const { graph } = await load();
        AttackPaths.parse(graph);
        const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
        const edges = new Map(graph.edges.map((edge) => [`${edge.from}\n${edge.to}`, edge]));
        for (const found of graph.paths) {
          const shown = showPath(found);
          const target = nodes.get(found.to);
          expect(target?.kind, `not a target:\n${shown}`).toBe('target');
          expect(found.steps[0]?.from, shown).toBe(found.from);
          // A target is reached at itself or at one of its members (root on any host for target:node-root).
          expect([found.to, ...(target?.members ?? [])], `does not end at the target:\n${shown}`).toContain(
            found.steps.at(-1)?.to,
          );
          found.steps.forEach((step, index) => {
            expect(edges.has(`${step.from}\n${step.to}`), `step ${index + 1} is no edge:\n${shown}`).toBe(true);
            if (index > 0)
              expect(step.from, `step ${index + 1} does not follow on:\n${shown}`).toBe(found.steps[index - 1]?.to);
          });
          // Grouped entry points: each of the lead's kind, its own first step the same technique into the same node.
          const first = found.steps[0];
          expect(new Set(startsOf(found)).size, `an entry point twice:\n${shown}`).toBe(startsOf(found).length);
          for (const start of startsOf(found)) {
            expect(nodes.get(start)?.entry, `${start} is not an entry point:\n${shown}`).toBeDefined();
            expect(nodes.get(start)?.entry, `${start} is not of the lead's kind:\n${shown}`).toBe(
              nodes.get(found.from)?.entry,
            );
            const own = edges.get(`${start}\n${first?.to}`);
            expect(own?.techniques, `${start} does not step into ${first?.to} the same way:\n${shown}`).toEqual(
              first?.techniques,
            );
          }
        }
        // One path per entry point and target.
        const pairs = graph.paths.flatMap((found) => startsOf(found).map((start) => `${start} ⇒ ${found.to}`));
        expect(
          pairs.filter((pair, index) => pairs.indexOf(pair) !== index),
          'pairs with two paths',
        ).toEqual([]);
      });

      // Declared only where the case has data, so that the run lists no skipped tests.
      if (testCase.entries.length > 0)
        it('marks the entry points', async () => {
          const { graph } = await load();
          for (const { id, entry } of testCase.entries) {
            expectNode(graph, id);
            expect(graph.nodes.find((node) => node.id === id)?.entry, id).toBe(entry);
          }
        });

      it.each(reachesOf(fixture, testCase))('$from reaches $to', async ({ from, to, techniques }) => {
        const { graph } = await load();
        const found = graph.paths.find((candidate) => startsOf(candidate).includes(from) && candidate.to === to);
        expect(found, `no path ${from} ⇒ ${to}; paths from ${from}:\n${showPathsFrom(graph, from)}`).toBeDefined();
        if (!found) return;
        const used = new Set(found.steps.flatMap((step) => step.techniques));
        const missing = techniques.filter((technique) => !used.has(technique));
        expect(missing, `the path lacks ${missing.join(', ')}:\n${showPath(found)}`).toEqual([]);
      });

      it.each(testCase.unreachable)('$from reaches none of $to', async ({ from, to }) => {
        const { graph } = await load();
        expectNode(graph, from);
        const found = graph.paths.filter(
          (candidate) => startsOf(candidate).includes(from) && to.includes(candidate.to),
        );
        expect(found.map(showPath), 'paths that should not exist').toEqual([]);
      });

      it.each(testCase.noPaths)('%s reaches nothing', async (from) => {
        const { graph } = await load();
        expectNode(graph, from);
        const found = graph.paths.filter((candidate) => startsOf(candidate).includes(from));
        expect(found.map(showPath), 'paths that should not exist').toEqual([]);
      });

      const { chokePoints } = testCase;
      if (chokePoints !== undefined)
        it('ranks the fixes that cut the most paths first', async () => {
          const { result, graph } = await load();
          if (!chokePoints) return;
          const points = graph.chokePoints;
          const all = showChokePoints(points);
          // Greedy set cover: each pick removes no more than the one before, and no entry point → target pair is
          // counted twice (a grouped path stands for each of its entry points).
          points.slice(1).forEach((point, index) => {
            expect(point.removes, all).toBeLessThanOrEqual(points[index]?.removes ?? 0);
          });
          const pairs = graph.paths.reduce((sum, found) => sum + startsOf(found).length, 0);
          expect(
            points.reduce((sum, point) => sum + point.removes, 0),
            all,
          ).toBeLessThanOrEqual(pairs);
          expectChoice(points[0], chokePoints.first, result, all);
          for (const choice of chokePoints.includes) {
            expectChoice(
              points.find((point) => choice.anyOf.some((matcher) => matches(point, matcher, result))),
              choice,
              result,
              all,
            );
          }
        });
    });
  });
});
