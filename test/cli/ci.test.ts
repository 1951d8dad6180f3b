import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../../src/model/report.js';
import { repoRoot } from '../paths.js';
import { cli } from './run.js';

/** What CI relies on: the gate on empty input, check and path filters, baselines and `kubematrix diff`. */

const pod = (name: string, privileged: boolean) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
spec:
  containers:
  - name: app
    image: busybox:1.36
    securityContext:
      privileged: ${privileged}
`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-ci-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const json = (stdout: string) => Report.parse(JSON.parse(stdout));

describe('a scan that read no Kubernetes object', () => {
  it.each([
    ['an empty folder', {}],
    ['comments only', { 'a.yaml': '# nothing yet\n---\n# still nothing\n' }],
    ['documents that are no objects', { 'values.yaml': 'replicas: 3\nimage: {tag: latest}\n' }],
    ['every file broken', { 'a.yaml': 'kind: [\n', 'b.json': '{"kind": ' }],
  ])('%s: exits 2 saying so, even with --fail-on, and assesses no technique', async (_, files) => {
    const dir = folder(files as Record<string, string>);
    const { status, stdout, stderr } = await cli(['scan', '.', '--fail-on', 'low', '-o', 'json'], { cwd: dir });
    expect(stderr).toMatch(/^kubematrix: no Kubernetes objects read \(\d+ files?, \d+ input errors?\)\n$/);
    expect(status).toBe(2);
    const report = json(stdout);
    expect(report.techniques).toHaveLength(40);
    expect(new Set(report.techniques.map((t) => `${t.status}: ${t.reason}`))).toEqual(
      new Set(['not-assessed: no Kubernetes objects read']),
    );
    expect(report.techniques.flatMap((t) => t.assessedBy)).toEqual([]);
  });

  it('is refused by kubematrix paths too, and a controls file declaring everything changes nothing', async () => {
    const dir = folder({
      'a.yaml': '# empty\n',
      'kubematrix-controls.yaml': 'controls:\n- {mitigation: MS-M9001, status: implemented, evidence: MFA}\n',
    });
    const paths = await cli(['paths', 'a.yaml'], { cwd: dir });
    expect([paths.status, paths.stderr]).toEqual([
      2,
      'kubematrix: no Kubernetes objects read (1 file, 0 input errors)\n',
    ]);
    const scan = await cli(['scan', 'a.yaml', '-o', 'json'], { cwd: dir });
    expect(json(scan.stdout).techniques.filter((t) => t.status !== 'not-assessed')).toEqual([]);
  });

  it('is not what a broken file beside good objects is: reported, exit 0, unless --fail-on-input-errors', async () => {
    const dir = folder({ 'good.yaml': pod('web', false), 'bad.yaml': 'kind: [\n' });
    const lenient = await cli(['scan', '.', '-o', 'json'], { cwd: dir });
    expect(lenient.status).toBe(0);
    expect(json(lenient.stdout).errors.map((e) => e.source)).toEqual(['bad.yaml']);
    const strict = await cli(['scan', '.', '--fail-on-input-errors', '-o', 'json=out.json'], { cwd: dir });
    expect([strict.status, strict.stderr]).toEqual([2, 'kubematrix: 1 input error (--fail-on-input-errors)\n']);
    // The outputs are written first.
    expect(json(readFileSync(path.join(dir, 'out.json'), 'utf8')).source.objects).toBe(1);
    const clean = await cli(['scan', 'good.yaml', '--fail-on-input-errors'], { cwd: dir });
    expect(clean.status).toBe(0);
  });
});

describe('--check, --skip-check and --skip-path', () => {
  const dir = folder({
    'app/web.yaml': pod('web', true),
    'vendor/chart.yaml': pod('vendored', true),
    'vendor-notes/keep.yaml': pod('kept', true),
  });
  const checks = async (...args: string[]) => {
    const { status, stdout, stderr } = await cli(['scan', '.', '-o', 'json', ...args], { cwd: dir });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = json(stdout);
    return { report, ids: [...new Set(report.findings.map((f) => f.checkId))].sort() };
  };

  it('runs only the checks named (globs, commas, repeated), and none of those skipped', async () => {
    expect((await checks('--check', 'privileged-container')).ids).toEqual(['privileged-container']);
    const some = await checks('--check', 'privileged-*,run-as-*', '--check', 'seccomp-profile');
    expect(some.ids).toEqual(['privileged-container', 'run-as-non-root']);
    // seccomp-profile ran (it found nothing here): it assessed its techniques.
    expect(new Set(some.report.techniques.flatMap((t) => t.assessedBy))).toEqual(
      new Set(['privileged-container', 'run-as-non-root', 'seccomp-profile']),
    );
    const skipped = await checks('--skip-check', 'privileged-container');
    expect(skipped.ids).not.toContain('privileged-container');
    expect(skipped.ids.length).toBeGreaterThan(3);
    // A check that did not run assesses nothing: its technique is not claimed clean.
    const only = (await checks('--check', 'run-as-non-root')).report;
    expect(only.techniques.find((t) => t.id === 'MS-TA9018')?.assessedBy).not.toContain('privileged-container');
  });

  it('refuses a pattern that matches no check', async () => {
    const { status, stderr } = await cli(['scan', '.', '--check', 'privileged'], { cwd: dir });
    expect([status, stderr]).toEqual([
      2,
      "kubematrix: --check 'privileged' matches no check (see kubematrix explain, docs/checks.md)\n",
    ]);
    expect((await cli(['scan', '.', '--skip-check', 'nope-*'], { cwd: dir })).status).toBe(2);
  });

  it('reads no file or folder a --skip-path pattern matches, relative to the working directory', async () => {
    const names = async (...args: string[]) =>
      (await checks(...args)).report.findings
        .filter((f) => f.checkId === 'privileged-container')
        .map((f) => f.resource.name)
        .sort();
    expect(await names()).toEqual(['kept', 'vendored', 'web']);
    // A folder by name: its files go, a folder whose name merely starts the same stays.
    expect(await names('--skip-path', 'vendor')).toEqual(['kept', 'web']);
    expect(await names('--skip-path', 'vendor/')).toEqual(['kept', 'web']);
    expect(await names('--skip-path', '*/chart.yaml,app/*')).toEqual(['kept']);
    expect(await names('--skip-path', 'chart.yaml')).toEqual(['kept', 'vendored', 'web']);
  });
});

describe('--baseline', () => {
  async function baselineOf(dir: string, input = '.') {
    const { stdout } = await cli(['scan', input, '-o', 'json'], { cwd: dir });
    writeFileSync(path.join(dir, 'baseline.json'), stdout);
    return json(stdout);
  }

  it('marks findings new or unchanged whatever path the files are given by and wherever their lines moved', async () => {
    const dir = folder({ 'deploy/web.yaml': pod('web', true) });
    const before = await baselineOf(dir, 'deploy');
    // Another checkout, the files given by another path, comments pushing every line down: nothing new.
    const moved = folder({ 'k8s/apps/web.yaml': `# moved\n# and commented\n${pod('web', true)}` });
    cpSync(path.join(dir, 'baseline.json'), path.join(moved, 'baseline.json'));
    const same = await cli(
      ['scan', './k8s/apps/web.yaml', '--baseline', 'baseline.json', '-o', 'json', '--fail-on', 'low'],
      {
        cwd: moved,
      },
    );
    expect(same.status).toBe(0);
    const report = json(same.stdout);
    expect(report.findings.map((f) => f.baseline)).toEqual(before.findings.map(() => 'unchanged'));
    expect(report.baseline).toMatchObject({
      file: 'baseline.json',
      new: 0,
      unchanged: before.findings.length,
      fixed: [],
    });
  });

  it('lets --fail-on count only new findings, lists the fixed ones, and shows it in every format', async () => {
    const dir = folder({ 'web.yaml': pod('web', false), 'old.yaml': pod('old', true) });
    await baselineOf(dir);
    writeFileSync(path.join(dir, 'old.yaml'), '# removed\n');
    writeFileSync(path.join(dir, 'new.yaml'), pod('new', true));
    const args = ['scan', 'web.yaml', 'old.yaml', 'new.yaml', '--baseline', 'baseline.json'];
    const gated = await cli([...args, '--fail-on', 'critical', '-o', 'json'], { cwd: dir });
    expect(gated.stderr).toBe('kubematrix: 1 new unsuppressed finding at or above critical (--fail-on)\n');
    expect(gated.status).toBe(1);
    const report = json(gated.stdout);
    const byState = (state: string) =>
      report.findings.filter((f) => f.baseline === state).map((f) => `${f.resource.name} ${f.checkId}`);
    expect(byState('new')).toContain('new privileged-container');
    // Every finding on the new pod is new (checks reporting once per namespace may move to another pod).
    expect(byState('unchanged').filter((line) => line.startsWith('new '))).toEqual([]);
    expect(byState('unchanged').every((line) => line.startsWith('web '))).toBe(true);
    expect(report.baseline?.fixed.map((f) => f.resource.name)).toEqual(expect.arrayContaining(['old']));
    expect(report.baseline?.fixed.every((f) => f.resource.name === 'old')).toBe(true);

    const table = await cli([...args], { cwd: dir });
    expect(table.stdout).toMatch(
      /Against the baseline baseline\.json: \d+ new \(marked new\), \d+ unchanged, \d+ fixed: /,
    );
    expect(table.stdout).toMatch(/- new (CRITICAL )?Pod\/shop\/new {2}new\.yaml/);
    const sarif = JSON.parse((await cli([...args, '-o', 'sarif'], { cwd: dir })).stdout);
    const states = sarif.runs[0].results.map(
      (r: { baselineState: string; message: { text: string } }) => `${r.baselineState} ${r.message.text.split(':')[0]}`,
    );
    expect(states).toContain('new Pod/shop/new');
    expect(states).toContain('unchanged Pod/shop/web');
    const markdown = (await cli([...args, '-o', 'markdown'], { cwd: dir })).stdout;
    expect(markdown).toMatch(/Against the baseline baseline\.json: /);
    expect(markdown).toMatch(/\| critical \*\*new\*\* \| privileged-container \| `Pod\/shop\/new` \|/);
    const html = (await cli([...args, '-o', 'html'], { cwd: dir })).stdout;
    expect(html).toContain('Against the baseline baseline.json: ');
  });

  it('refuses a file that is not a scan report, naming it and the first wrong field', async () => {
    const dir = folder({ 'web.yaml': pod('web', true), 'notes.json': '{"findings": [{"id": 1}]}', 'x.json': 'nope' });
    const notReport = await cli(['scan', 'web.yaml', '--baseline', 'notes.json'], { cwd: dir });
    expect(notReport.status).toBe(2);
    expect(notReport.stderr).toMatch(
      /^kubematrix: --baseline notes\.json: not a report of kubematrix scan -o json: \w/,
    );
    const notJson = await cli(['scan', 'web.yaml', '--baseline', 'x.json'], { cwd: dir });
    expect(notJson.stderr).toBe('kubematrix: --baseline x.json: not JSON: give a report of kubematrix scan -o json\n');
    const missing = await cli(['scan', 'web.yaml', '--baseline', 'gone.json'], { cwd: dir });
    expect(missing.stderr).toBe('kubematrix: --baseline cannot read gone.json: ENOENT\n');
  });
});

describe('kubematrix diff', () => {
  async function reports() {
    const dir = folder({ 'shop/web.yaml': pod('web', false) });
    cpSync(path.join(repoRoot, 'examples/shop/namespace.yaml'), path.join(dir, 'shop/namespace.yaml'));
    writeFileSync(path.join(dir, 'old.json'), (await cli(['scan', 'shop', '-o', 'json'], { cwd: dir })).stdout);
    writeFileSync(path.join(dir, 'shop/web.yaml'), pod('web', true));
    writeFileSync(path.join(dir, 'new.json'), (await cli(['scan', 'shop', '-o', 'json'], { cwd: dir })).stdout);
    return dir;
  }

  it('says what a change exposes, through what, and what it adds and fixes, as a table, Markdown and JSON', async () => {
    const dir = await reports();
    const table = await cli(['diff', 'old.json', 'new.json'], { cwd: dir });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(
      /^kubematrix diff old\.json → new\.json\n1 techniques newly exposed|^kubematrix diff old\.json → new\.json\n\d+ techniques newly exposed/,
    );
    expect(table.stdout).toMatch(
      /Newly exposed \(\d+\):\n(?: {2}.*\n)* {2}MS-TA9018 Privileged container: \w+ → exposed via privileged-container on Pod\/shop\/web \(shop\/web\.yaml:\d+:\d+\)/,
    );
    expect(table.stdout).toMatch(/New findings \(\d+\):\n {2}critical privileged-container on Pod\/shop\/web/);

    const markdown = await cli(['diff', 'old.json', 'new.json', '-o', 'markdown'], { cwd: dir });
    expect(markdown.stdout).toMatch(
      /- \*\*This change exposes MS-TA9018 Privileged container\*\* via privileged-container on Pod\/shop\/web/,
    );

    const data = JSON.parse((await cli(['diff', 'old.json', 'new.json', '-o', 'json'], { cwd: dir })).stdout);
    const exposed = data.techniques.find((t: { id: string }) => t.id === 'MS-TA9018');
    expect(exposed).toMatchObject({ kind: 'newly-exposed', after: 'exposed' });
    const privileged = data.findings.new.find((f: { checkId: string }) => f.checkId === 'privileged-container');
    expect(exposed.via).toContain(privileged.id);
    expect(data.findings.fixed.map((f: { checkId: string }) => f.checkId)).not.toContain('privileged-container');
    expect(data.paths.new.length).toBeGreaterThan(0);
    expect(data.paths.cut).toEqual([]);

    // The other way round: no longer exposed, the findings fixed, the paths cut.
    const back = JSON.parse((await cli(['diff', 'new.json', 'old.json', '-o', 'json'], { cwd: dir })).stdout);
    expect(back.techniques.find((t: { id: string }) => t.id === 'MS-TA9018')).toMatchObject({
      kind: 'no-longer-exposed',
      via: [],
    });
    expect(back.findings.new.map((f: { checkId: string }) => f.checkId)).not.toContain('privileged-container');
    expect(back.findings.fixed.map((f: { checkId: string }) => f.checkId)).toContain('privileged-container');
    expect(back.paths.cut).toEqual(data.paths.new);
  });

  it('finds nothing between a report and itself', async () => {
    const dir = await reports();
    const same = JSON.parse((await cli(['diff', 'new.json', 'new.json', '-o', 'json'], { cwd: dir })).stdout);
    expect([same.techniques, same.findings.new, same.findings.fixed, same.paths]).toEqual([
      [],
      [],
      [],
      { new: [], cut: [] },
    ]);
  });

  it('refuses a file that is not a scan report, with its name and the field', async () => {
    const dir = await reports();
    writeFileSync(path.join(dir, 'sarif.json'), (await cli(['scan', 'shop', '-o', 'sarif'], { cwd: dir })).stdout);
    const { status, stderr } = await cli(['diff', 'old.json', 'sarif.json'], { cwd: dir });
    expect(status).toBe(2);
    expect(stderr).toMatch(/^kubematrix: sarif\.json: not a report of kubematrix scan -o json: tool: /);
  });
});
