import { describe, expect, it } from 'vitest';
import { AttackPaths } from '../../src/model/paths.js';
import { Report } from '../../src/model/report.js';
import { cli } from './run.js';

describe('kubematrix paths over the shop example', () => {
  const json = async (...args: string[]) => {
    const { status, stdout } = await cli(['paths', 'examples/shop', '-o', 'json', ...args]);
    expect(status).toBe(0);
    return AttackPaths.parse(JSON.parse(stdout));
  };

  it('finds the privileged backup CronJob on the node, and the operator holding cluster-admin', async () => {
    const graph = await json();
    // A grouped path stands for its other entry points too (alsoFrom).
    const reach = (from: string, to: string) =>
      graph.paths.some((path) => path.to === to && (path.from === from || path.alsoFrom?.includes(from)));
    expect(reach('workload:shop/CronJob/nightly-backup', 'target:node-root')).toBe(true);
    expect(reach('workload:shop/Deployment/shop-operator', 'target:cluster-admin')).toBe(true);
    const breakout = graph.paths.find(
      (path) => path.from === 'workload:shop/CronJob/nightly-backup' && path.to === 'target:node-root',
    );
    expect(breakout?.steps).toHaveLength(1);
    expect(breakout?.steps[0]?.techniques).toContain('MS-TA9018');
    expect(breakout?.steps[0]?.evidence.some((piece) => piece.location?.file === 'examples/shop/backup.yaml')).toBe(
      true,
    );
    // Every step rests on edges of the graph, and the choke points cut no more paths than there are.
    const edges = new Set(graph.edges.map((edge) => `${edge.from}\u0000${edge.to}`));
    for (const path of graph.paths)
      for (const step of path.steps) expect(edges.has(`${step.from}\u0000${step.to}`)).toBe(true);
    expect(graph.chokePoints.length).toBeGreaterThan(0);
    const pairs = graph.paths.reduce((sum, path) => sum + 1 + (path.alsoFrom?.length ?? 0), 0);
    expect(graph.chokePoints.reduce((sum, fix) => sum + fix.removes, 0)).toBeLessThanOrEqual(pairs);
  });

  it('keeps only the paths --to, --from and --max-depth allow', async () => {
    const toAdmin = await json('--to', 'target:cluster-admin');
    expect(toAdmin.paths.length).toBeGreaterThan(0);
    expect(toAdmin.paths.every((path) => path.to === 'target:cluster-admin')).toBe(true);
    const short = await json('--max-depth', '1');
    expect(short.paths.every((path) => path.steps.length <= 1)).toBe(true);
    const fromBackup = await json('--from', 'workload:shop/CronJob/nightly-backup');
    expect(fromBackup.paths.every((path) => path.from === 'workload:shop/CronJob/nightly-backup')).toBe(true);
  });

  it('prints the fixes first and each step with its technique and place, and gates CI with --fail-on', async () => {
    const { status, stdout, stderr } = await cli(['paths', 'examples/shop', '--fail-on', 'any']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/attack paths? reach(es)? a target \(--fail-on\)/);
    expect(stdout.indexOf('Fix first')).toBeLessThan(stdout.indexOf('To '));
    // The escape step is made three ways (privileged, runtime socket, writable hostPath): techniques, text and places
    // of all of them, wrapped at the terminal's width.
    expect(stdout.replace(/\s+/g, ' ')).toMatch(
      /\d\. MS-TA9018 Privileged container(, MS-TA\d+ [^—]+)? — [^—]+ — examples\/shop\/backup\.yaml:\d+:\d+/,
    );
  });

  it('puts the paths in the scan report and marks the techniques on them', async () => {
    const { stdout } = await cli(['scan', 'examples/shop', '-o', 'json']);
    const report = Report.parse(JSON.parse(stdout));
    expect(report.attackPaths?.paths.length).toBeGreaterThan(0);
    expect(report.techniques.find((technique) => technique.id === 'MS-TA9018')?.onPaths).toBeGreaterThan(0);
  });
});
