import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FixFile } from '../../src/fix/index.js';
import { Report } from '../../src/model/report.js';
import { sampleCluster } from '../support/cluster.js';
import { type KubeApiServer, startKubeApiServer } from '../support/kube-api-server.js';
import { cli } from './run.js';

/** With `KUBEMATRIX_TEST_REJECTING`, a generator of the test's own adds a policy that rejects a running workload. */
vi.mock('../../src/fix/index.js', async (original) => {
  const actual = await original<typeof import('../../src/fix/index.js')>();
  const { rejectingGenerator } = await import('../support/fix.js');
  return {
    ...actual,
    fix: (scan: Parameters<typeof actual.fix>[0], options: Parameters<typeof actual.fix>[1] = {}) =>
      actual.fix(scan, {
        ...options,
        ...(process.env.KUBEMATRIX_TEST_REJECTING ? { generators: [...actual.GENERATORS, rejectingGenerator] } : {}),
      }),
  };
});

const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-fix-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubematrix fix', { timeout: 30_000 }, () => {
  it('prints the plan: each file with what it closes, then the what-if, and exits 0', async () => {
    // Pod Security labels only: the other generators' files are theirs to test.
    const { status, stdout, stderr } = await cli(['fix', 'test/fixtures/fix/pod-security.yaml', '--only', 'MS-M9017']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('Fix files (4):\n  MS-M9017-pod-security/label-namespaces.sh');
    expect(stdout).toContain('  MS-M9017-pod-security/namespace-web.yaml  closes MS-TA9013 MS-TA9018, 1 finding(s)');
    expect(stdout).toContain('What if every file were applied:\n  Techniques: exposed');
    expect(stdout).toContain('    MS-TA9018 Privileged container: weakened → mitigated');
    expect(stdout).not.toContain('Before');
  });

  it('--what-if prints the two matrices side by side first', async () => {
    const { status, stdout } = await cli(
      ['fix', 'test/fixtures/fix/pod-security.yaml', '--only', 'MS-M9017', '--what-if'],
      {
        env: { COLUMNS: '140' },
      },
    );
    expect(status).toBe(0);
    const [titles] = stdout.split('\n');
    expect(titles).toMatch(/^Before {3,}After the fix files$/);
    expect(stdout.indexOf('Fix files (4):')).toBeGreaterThan(stdout.indexOf('Privilege Escalation'));
    // In colour, the matrices keep theirs: only text from the input is escaped.
    const coloured = await cli(['fix', 'test/fixtures/fix/pod-security.yaml', '--what-if'], {
      env: { FORCE_COLOR: '1' },
    });
    expect(coloured.stdout).toContain('\u001b[');
    expect(coloured.stdout).not.toContain('\\x1b');
    // Asked for, the matrices are printed beside a folder written.
    const written = await cli(['fix', 'examples/shop', '--what-if', '-q', '-o', path.join(dir, 'what-if')]);
    expect(written.stdout).toMatch(/^Before {3,}After the fix files\n/);
  });

  it('-o DIR writes the folder and refuses a folder with files in it, before scanning', async () => {
    const out = path.join(dir, 'fixes');
    const first = await cli(['fix', 'examples/shop', '--only', 'MS-M9017', '-o', out]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toBe(`kubematrix: wrote 4 fix files to ${out}\n`);
    expect(readdirSync(out).sort()).toEqual(['MS-M9017-pod-security', 'README.md', 'kustomization.yaml']);
    expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toContain('## What if every file were applied');
    const again = await cli(['fix', 'examples/shop', '-o', out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/is not empty: give an empty or new folder, or --force/);
    expect((await cli(['fix', 'examples/shop', '-o', out, '--force', '-q'])).status).toBe(0);
    // A folder and a format to standard output together.
    const both = await cli([
      'fix',
      'examples/shop',
      '--only',
      'MS-M9017',
      '-o',
      path.join(dir, 'other'),
      '-o',
      'json',
      '-q',
    ]);
    expect(both.status).toBe(0);
    expect(JSON.parse(both.stdout).files).toHaveLength(4);
    // A format written to a file leaves standard output empty.
    const plan = path.join(dir, 'plan.txt');
    const toFile = await cli(['fix', 'examples/shop', '-o', `table=${plan}`]);
    expect(toFile).toMatchObject({ status: 0, stdout: '' });
    expect(readFileSync(plan, 'utf8')).toContain('What if every file were applied:');
    expect(existsSync(path.join(dir, 'other', 'README.md'))).toBe(true);
  });

  it('-o json gives both reports, the diff and the files', async () => {
    const { status, stdout } = await cli([
      'fix',
      'test/fixtures/fix/pod-security.yaml',
      '--only',
      'MS-M9017',
      '-o',
      'json',
    ]);
    expect(status).toBe(0);
    const { before, after, diff, files } = JSON.parse(stdout);
    expect(Report.parse(before).source).toMatchObject({ type: 'manifests' });
    expect(Report.parse(after).techniques.find((t) => t.id === 'MS-TA9018')?.status).toBe('mitigated');
    expect(diff).toMatchObject({ rejected: [], unapplied: [], chokePointsCut: [] });
    expect(diff.findings.fixed).toHaveLength(2);
    expect(files.map((file: FixFile) => file.path)).toContain('MS-M9017-pod-security/namespace-web.yaml');
  });

  it('exits 1 when a file would reject a workload that runs today, naming it', async () => {
    vi.stubEnv('KUBEMATRIX_TEST_REJECTING', '1');
    const { status, stdout } = await cli(['fix', 'examples/shop']).finally(() => vi.unstubAllEnvs());
    expect(status).toBe(1);
    expect(stdout).toContain('Current workloads the new admission policies would reject (1):');
    expect(stdout).toContain('  Deployment shop/storefront (examples/shop/storefront.yaml): ');
    expect(stdout).toContain('    breaks: rejects Deployment shop/storefront');
  });

  it('--mode enforce on the shop: Deny bindings, nothing that runs rejected (its needs exempted), exit 0', async () => {
    const { status, stdout } = await cli(['fix', 'examples/shop', '--mode', 'enforce', '-o', 'json']);
    expect(status).toBe(0);
    const { diff, files } = JSON.parse(stdout);
    const actions = (files as FixFile[]).flatMap((file) =>
      (file.creates ?? [])
        .filter((object) => object.kind === 'ValidatingAdmissionPolicyBinding')
        .map((object) => (object.spec as { validationActions: string[] }).validationActions),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions.map(String))).toEqual(new Set(['Deny']));
    expect(diff.rejected).toEqual([]);
  });

  it('exits 2 on usage errors and unusable input, saying why', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const notEmpty = path.join(dir, 'taken');
    mkdirSync(notEmpty);
    writeFileSync(path.join(notEmpty, 'x'), '');
    for (const [args, message] of [
      [['fix'], /give at least one file or directory to fix/],
      [['fix', 'examples/shop', '--only', 'MS-M9999'], /--only 'MS-M9999' names no mitigation or check/],
      [['fix', 'examples/shop', '--mode', 'deny'], /argument 'deny' is invalid/],
      [['fix', 'examples/shop', '-o', 'json', '-o', 'table'], /only one --output can go to standard output/],
      [['fix', 'examples/shop', '-o', 'a', '-o', 'b'], /one folder for the fix files/],
      [['fix', 'examples/shop', '--force'], /--force is for the folder/],
      [['fix', 'examples/shop', '-o', notEmpty], /is not empty/],
      // Refused before anything is read: the input does not even exist.
      [['fix', 'no-such-input', '-o', notEmpty], /is not empty/],
      [['fix', empty], /no Kubernetes objects read/],
      [
        ['fix', 'examples/shop', '-o', `json=${path.join(dir, 'no-such-folder', 'x.json')}`],
        /cannot write .*x\.json: ENOENT/,
      ],
      [['fix', 'examples/shop', '--audit', 'no-such.log'], /--audit: no allowed request/],
      [['fix', '-', '--audit', '-'], /standard input can be read once/],
      [['fix', '--cluster', '--write'], /kubematrix never writes to a cluster/],
    ] as const) {
      const { status, stderr } = await cli(args);
      expect({ args, status }).toEqual({ args, status: 2 });
      expect(stderr).toMatch(message);
    }
    expect(readdirSync(notEmpty)).toEqual(['x']);
  });

  it('--only chooses generators by mitigation or check id', async () => {
    const { status, stdout } = await cli([
      'fix',
      'test/fixtures/fix/pod-security.yaml',
      '--only',
      'pod-security-admission',
    ]);
    expect(status).toBe(0);
    expect(stdout).toContain('Fix files (4):');
  });
});

describe('kubematrix fix --cluster', { timeout: 30_000 }, () => {
  let server: KubeApiServer;
  beforeAll(async () => {
    server = await startKubeApiServer({ objects: await sampleCluster() });
  });
  // Throws, failing the suite, if fix sent anything but GET.
  afterAll(async () => server.close());

  it('reads the cluster read-only and proposes labels for the namespaces it lists', async () => {
    const { status, stdout, stderr } = await cli([
      'fix',
      '--kubeconfig',
      server.kubeconfig({ context: 'prod' }),
      '-o',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const { before, files, diff } = JSON.parse(stdout);
    expect(before.source).toMatchObject({ type: 'cluster', context: 'prod' });
    expect(files.map((file: FixFile) => file.path)).toContain('MS-M9017-pod-security/levels.md');
    expect(diff.rejected).toEqual([]);
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });
});
