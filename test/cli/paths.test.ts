import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Inventory } from '../../src/inventory/index.js';
import { AttackPaths } from '../../src/model/paths.js';
import type { Finding } from '../../src/model/report.js';
import type { PathOptions } from '../../src/paths/index.js';
import { samplePaths } from '../support/attack-paths.js';
import { cli } from './run.js';

/**
 * The command's own work, around a stand-in for `attackPaths` (src/paths) that records what it was given and answers
 * with the sample, kept to the targets `--to` names: the command over real graphs is in paths-e2e.test.ts.
 */
const calls = vi.hoisted(() => [] as { inventory: Inventory; findings: readonly Finding[]; options: PathOptions }[]);
vi.mock('../../src/paths/index.js', async () => {
  const { samplePaths } = await import('../support/attack-paths.js');
  return {
    attackPaths: (inventory: Inventory, findings: readonly Finding[], options: PathOptions = {}) => {
      calls.push({ inventory, findings, options });
      const to = options.to;
      return to ? { ...samplePaths, paths: samplePaths.paths.filter((p) => to.includes(p.to)) } : samplePaths;
    },
  };
});

beforeEach(() => {
  calls.length = 0;
});

describe('kubematrix paths', () => {
  it('scans the input as scan does and prints the paths of its inventory and findings as a table', async () => {
    const { status, stdout, stderr } = await cli(['paths', 'examples/shop']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toMatch(/^Attack paths\nEntry points: 4 /);
    expect(stdout).toContain('1. removes 5 of 7 paths: ClusterRoleBinding shop-operator');
    const [call] = calls;
    expect(calls).toHaveLength(1);
    // The scan's inventory and findings, the shop's privileged CronJob among them.
    expect(call?.inventory.resources.some((resource) => resource.ref.name === 'nightly-backup')).toBe(true);
    expect(call?.findings.some((finding) => finding.checkId === 'privileged-container')).toBe(true);
    // No filters; the crown jewels of the (absent) config: none besides the built-in targets.
    expect(call?.options).toEqual({ targets: { secrets: [], namespaces: [] } });
  });

  it('passes --from, --to (each repeatable) and --max-depth on', async () => {
    const { status } = await cli([
      'paths',
      'examples/shop',
      '--from',
      'shop',
      '--from',
      'user/alice',
      '--to',
      'target:cluster-admin',
      '--max-depth',
      '4',
    ]);
    expect(status).toBe(0);
    expect(calls[0]?.options).toEqual({
      from: ['shop', 'user/alice'],
      to: ['target:cluster-admin'],
      maxDepth: 4,
      targets: { secrets: [], namespaces: [] },
    });
  });

  it('prints the JSON of the path model exactly with -o json', async () => {
    const { status, stdout } = await cli(['paths', 'examples/shop', '-o', 'json']);
    expect(status).toBe(0);
    expect(AttackPaths.parse(JSON.parse(stdout))).toEqual(samplePaths);
  });

  it('writes --output-file in the format its extension names, or in -o', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-paths-'));
    const shop = path.resolve('examples/shop');
    const json = await cli(['paths', shop, '--output-file', 'paths.json'], { cwd: dir });
    expect(json).toMatchObject({ status: 0, stdout: '' });
    expect(JSON.parse(readFileSync(path.join(dir, 'paths.json'), 'utf8'))).toEqual(samplePaths);
    await cli(['paths', shop, '--output-file', 'paths.txt'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'paths.txt'), 'utf8')).toMatch(/^Attack paths\n/);
    await cli(['paths', shop, '-o', 'json', '--output-file', 'paths.out'], { cwd: dir });
    expect(JSON.parse(readFileSync(path.join(dir, 'paths.out'), 'utf8'))).toEqual(samplePaths);

    const unknown = await cli(['paths', shop, '--output-file', 'paths.html'], { cwd: dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("cannot tell the format of 'paths.html' from its extension (.json, .txt)");
    expect(existsSync(path.join(dir, 'paths.html'))).toBe(false);
    expect(calls).toHaveLength(3);
  });

  it('exits 1 with --fail-on when a path at or above the severity reaches a target, saying how many', async () => {
    const high = await cli(['paths', 'examples/shop', '--fail-on', 'high']);
    expect(high.status).toBe(1);
    expect(high.stderr).toBe(
      'kubematrix: 5 attack paths with every step at or above high reach a target (--fail-on)\n',
    );
    const any = await cli(['paths', 'examples/shop', '--fail-on', 'any', '-o', 'json']);
    expect(any.status).toBe(1);
    expect(any.stderr).toBe('kubematrix: 7 attack paths reach a target (--fail-on)\n');
    expect((await cli(['paths', 'examples/shop', '--fail-on', 'critical', '-q'])).stderr).toBe('');
    const none = await cli(['paths', 'examples/shop', '--to', 'target:control-plane', '--fail-on', 'any']);
    expect(none).toMatchObject({ status: 0, stderr: '' });
    expect(none.stdout).toContain('No path reaches a target.');
  });

  it('reports input errors on standard error and answers from the rest; nothing readable is exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-paths-'));
    writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [unclosed\n');
    const some = await cli(['paths', 'examples/shop', path.join(dir, 'broken.yaml')]);
    expect(some.status).toBe(0);
    expect(some.stderr).toMatch(/^kubematrix: .*broken\.yaml:2:1: invalid YAML/);
    const none = await cli(['paths', path.join(dir, 'missing.yaml')]);
    expect(none.status).toBe(2);
    expect(calls).toHaveLength(1);
  });

  it.each([
    [[], "give at least one file or directory to read, '-' to read standard input, or --cluster"],
    [['examples/shop', '--cluster'], 'read either a cluster or files, not both'],
    [['examples/shop', '--max-depth', '0'], "--max-depth must be a whole number of steps, 1 or more (got '0')"],
    [['examples/shop', '--max-depth', 'two'], "--max-depth must be a whole number of steps, 1 or more (got 'two')"],
    [['examples/shop', '--from', ' '], '--from needs a node, namespace or name'],
    [['examples/shop', '-o', 'html'], "argument 'html' is invalid"],
    [['examples/shop', '--fail-on', 'info'], "argument 'info' is invalid"],
  ])('rejects %j with exit 2 before reading anything', async (args, message) => {
    const { status, stdout, stderr } = await cli(['paths', ...args]);
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(calls).toHaveLength(0);
  });
});
