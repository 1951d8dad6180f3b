import { describe, expect, it } from 'vitest';
import { clusterPaths, samplePaths } from '../../../test/support/attack-paths.js';
import { AttackPaths } from '../../model/paths.js';
import { renderJson } from '../json/report.js';
import { CHOKE_POINTS_SHOWN, PATHS_SHOWN_PER_TARGET, rankPaths, renderPathsTable } from './table.js';

const options = { width: 120, color: false, all: false };
const render = (paths: AttackPaths, all = false) => renderPathsTable(paths, { ...options, all });
/** The table with its wrapped lines joined again, to look for a sentence wherever the width broke it. */
const flat = (paths: AttackPaths) => render(paths).replace(/\s+/g, ' ');

/** `count` paths from their own entry points to cluster-admin, each with its own fix: more than any cap. */
function many(count: number): AttackPaths {
  const [step] = samplePaths.paths[2]?.steps ?? [];
  if (!step) throw new Error('sample changed');
  const entries = Array.from({ length: count }, (_, i) => ({
    id: `identity:user:u${i}`,
    kind: 'identity' as const,
    label: `User u${i}`,
    entry: 'subject' as const,
  }));
  return AttackPaths.parse({
    nodes: [...entries, { id: 'target:cluster-admin', kind: 'target', label: 'cluster-admin equivalent' }],
    edges: [],
    paths: entries.map((entry) => ({
      from: entry.id,
      to: 'target:cluster-admin',
      steps: [{ ...step, from: entry.id, to: 'target:cluster-admin' }],
      severity: 'high',
    })),
    chokePoints: entries.map((entry, i) => ({
      kind: 'binding',
      id: `ClusterRoleBinding b${i}`,
      label: `ClusterRoleBinding b${i} gives ${entry.label} cluster-admin`,
      removes: 1,
    })),
  });
}

describe('renderPathsTable', () => {
  it('sums up entry points, targets reached and paths, then lists the fixes first, then the paths by target', () => {
    const out = render(samplePaths);
    expect(flat(samplePaths)).toContain('Entry points: 4 (1 internet-facing, 2 assume breach, 1 subject); targets: 4.');
    expect(flat(samplePaths)).toContain(
      "7 paths from 4 entry points reach 3 of 4 targets: a node's root (2), cluster-admin equivalent (3), every secret (2).",
    );
    expect(flat(samplePaths)).toContain('Not reached: the control plane.');
    const fixes = out.indexOf('Fix first');
    const firstPath = out.indexOf("To a node's root");
    expect(fixes).toBeGreaterThan(0);
    expect(firstPath).toBeGreaterThan(fixes);
    // The fix-first list in the order given, with what each removes and where to make it.
    expect(out).toMatch(
      /1\. removes 5 of 7 paths: ClusterRoleBinding shop-operator gives ServiceAccount shop\/shop-operator cluster-admin\n\s+binding {2}deploy\/operator\.yaml:12:1\n/,
    );
    expect(out).toMatch(
      /2\. removes 1 of 7 paths: privileged-container: .*\n\s+finding f0a1privileged {2}deploy\/web\.yaml:24:21/,
    );
  });

  it('prints each step as technique — what — where, the chain of nodes above them', () => {
    const out = flat(samplePaths);
    expect(out).toContain(
      '#7 Deployment shop/web (internet-facing) → any node → ServiceAccount shop/shop-operator → cluster-admin equivalent',
    );
    expect(out).toContain(
      '1. MS-TA9018 Privileged container — escapes to the node through a privileged container — deploy/web.yaml:24:21',
    );
    expect(out).toContain(
      '1. MS-TA9008 New container — creates a pod in namespace shop that runs as ServiceAccount shop/shop-operator — deploy/rbac.yaml:9:1, deploy/rbac.yaml:5:5',
    );
    expect(out).toContain('3 steps, weakest link HIGH');
  });

  it('names the objects of a cluster by their k8s:// address', () => {
    const out = flat(clusterPaths());
    expect(out).toContain('— escapes to the node through a privileged container — k8s://prod/shop/Deployment/web');
    expect(out).toContain('binding k8s://prod//ClusterRoleBinding/shop-operator');
    expect(out).not.toContain('deploy/');
  });

  it('ranks paths by length, then by their weakest link', () => {
    const ranked = rankPaths([...samplePaths.paths].reverse());
    expect(ranked.map((path) => [path.steps.length, path.severity])).toEqual([
      [2, 'critical'],
      [2, 'critical'],
      [2, 'high'],
      [2, 'high'],
      [2, 'low'],
      [2, 'low'],
      [3, 'high'],
    ]);
  });

  it('shows the first few paths per target and choke points, and every one with --all', () => {
    const big = many(30);
    const capped = render(big);
    expect(capped.match(/^ {2}#\d+/gm)).toHaveLength(PATHS_SHOWN_PER_TARGET);
    expect(capped).toContain(
      `… ${30 - PATHS_SHOWN_PER_TARGET} more paths to cluster-admin equivalent: --all lists every one`,
    );
    expect(capped.match(/removes 1 of 30 paths/g)).toHaveLength(CHOKE_POINTS_SHOWN);
    expect(capped).toContain(`… ${30 - CHOKE_POINTS_SHOWN} more fixes: --all lists every one`);
    const all = render(big, true);
    expect(all.match(/^ {2}#\d+/gm)).toHaveLength(30);
    expect(all.match(/removes 1 of 30 paths/g)).toHaveLength(30);
    expect(all).not.toContain('--all lists');
  });

  it('says when no path reaches a target, and lists nothing else', () => {
    const out = render({ ...samplePaths, paths: [], chokePoints: [] });
    expect(out).toContain('No path reaches a target.');
    expect(out).not.toContain('Fix first');
    expect(out).not.toContain('Not reached');
  });

  it('says how many paths no single fix cuts', () => {
    const out = render({ ...samplePaths, chokePoints: samplePaths.chokePoints.slice(0, 1) });
    expect(out).toContain('2 paths rest on no single finding or binding to fix');
  });

  it('names the other entry points of a grouped path, and counts each in the summary and the fixes', () => {
    const users = ['u1', 'u2', 'u3', 'u4'].map((name) => ({
      id: `identity:user:${name}`,
      kind: 'identity' as const,
      label: `User ${name}`,
      entry: 'subject' as const,
    }));
    const [first, ...others] = many(1).paths;
    if (!first || others.length) throw new Error('sample changed');
    const grouped = AttackPaths.parse({
      ...many(1),
      nodes: [...many(1).nodes, ...users],
      paths: [{ ...first, alsoFrom: users.map((user) => user.id) }],
      chokePoints: [{ ...many(1).chokePoints[0], removes: 3 }],
    });
    const out = renderPathsTable(grouped, { ...options, all: true }).replace(/\s+/g, ' ');
    expect(out).toContain('1 path (5 counting each entry point of a grouped path) from 5 entry points reach');
    expect(out).toContain('also from User u1, User u2, User u3 and 1 more, the same way');
    expect(out).toContain('1. removes 3 of 5 paths:');
    expect(out).toContain('2 paths rest on no single finding or binding to fix');
  });

  it('escapes control characters of input text: no terminal sequence gets through', () => {
    const hostile = 'web\u001b]8;;https://evil.example\u0007\u202eevil';
    const nodes = samplePaths.nodes.map((node) =>
      node.id === 'workload:shop/Deployment/web' ? { ...node, label: `Deployment shop/${hostile}` } : node,
    );
    const chokePoints = samplePaths.chokePoints.map((fix) => ({ ...fix, label: `${fix.label} ${hostile}` }));
    const out = render({ ...samplePaths, nodes, chokePoints });
    expect(out).toContain('Deployment shop/web\\x1b]8;;https://evil.example\\x07\\u202eevil');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });
});

describe('paths JSON', () => {
  it('is the attack-path model exactly, one line per node, edge, path and choke point', () => {
    const text = [...renderJson(samplePaths)].join('');
    expect(AttackPaths.parse(JSON.parse(text))).toEqual(samplePaths);
    expect(JSON.parse(text)).toEqual(samplePaths);
    const lines = text.split('\n');
    expect(lines.length - 1).toBe(
      samplePaths.nodes.length +
        samplePaths.edges.length +
        samplePaths.paths.length +
        samplePaths.chokePoints.length +
        // `{`, a line per key opening its array and one closing it, `}`, and the empty line after the last newline
        10,
    );
  });
});
