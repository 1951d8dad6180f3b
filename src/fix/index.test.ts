import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanManifests } from '../engine/scan.js';
import { type FixFile, type FixGeneratorEntry, FixSelectionError, fix, GENERATORS, selectGenerators } from './index.js';
import { whatIf } from './what-if.js';
import { FolderError, folderFiles, writeFolder } from './write.js';

const file = (path: string, mitigation: FixFile['mitigation'] = 'MS-M9017'): FixFile => ({
  path,
  mitigation,
  text: '',
  closes: { techniques: [], findings: [] },
  breaks: [],
});
const entry = (id: string, files: FixFile[], checks: string[] = []): FixGeneratorEntry => ({
  id,
  mitigations: [files[0]?.mitigation ?? 'MS-M9017'],
  checks,
  generate: () => files,
});

describe('the generator registry', () => {
  it('chooses by mitigation id (any case, * globs) or by a check whose findings a generator closes', () => {
    const ids = (only: string[]) => selectGenerators(only).map((generator) => generator.id);
    expect(ids([])).toEqual(GENERATORS.map((generator) => generator.id));
    expect(ids(['MS-M9017'])).toEqual(['pod-security']);
    expect(ids(['ms-m9017'])).toEqual(['pod-security']);
    expect(ids(['pod-security-*'])).toEqual(['pod-security']);
    expect(ids(['pod-security-admission'])).toEqual(['pod-security']);
  });

  it('refuses a choice that names no generator, rather than silently fixing nothing', () => {
    expect(() => selectGenerators(['MS-M9999'])).toThrow(FixSelectionError);
    expect(() => selectGenerators(['privileged-containr'])).toThrow(/names no mitigation or check.*MS-M9017/);
  });

  it('orders files by path and refuses a path outside its mitigation folder or written twice', async () => {
    const scan = await scanManifests(['examples/shop'], { paths: false });
    const two = [entry('b', [file('MS-M9017-b/z.yaml')]), entry('a', [file('MS-M9017-a/y.yaml')])];
    expect(fix(scan, { generators: two }).map((f) => f.path)).toEqual(['MS-M9017-a/y.yaml', 'MS-M9017-b/z.yaml']);
    expect(() => fix(scan, { generators: [entry('x', [file('MS-M9013-x/a.yaml')])] })).toThrow(
      /outside MS-M9017-<slug>/,
    );
    expect(() => fix(scan, { generators: [entry('x', [file('MS-M9017-x/../../etc/passwd')])] })).toThrow(/outside/);
    expect(() =>
      fix(scan, { generators: [entry('x', [file('MS-M9017-x/a')]), entry('y', [file('MS-M9017-x/a')])] }),
    ).toThrow(/'x' and 'y' both write MS-M9017-x\/a/);
  });
});

describe('the fix folder', () => {
  const dirs: string[] = [];
  const temp = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-fix-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lays out examples/shop by mitigation, with a README.md saying what each file closes and the what-if (golden)', async () => {
    const scan = await scanManifests(['examples/shop']);
    const files = fix(scan);
    const folder = folderFiles(files, whatIf(scan, files));
    // Every generator's files: `npx vitest run src/fix -u` rewrites the golden files when one is added.
    await expect(`${folder.map((each) => each.path).join('\n')}\n`).toMatchFileSnapshot(
      '../../test/golden/fix-shop/files.txt',
    );
    const text = (name: string) => folder.find((each) => each.path === name)?.text;
    await expect(text('README.md')).toMatchFileSnapshot('../../test/golden/fix-shop/README.md');
    await expect(text('kustomization.yaml')).toMatchFileSnapshot('../../test/golden/fix-shop/kustomization.yaml');
    await expect(text('MS-M9017-pod-security/levels.md')).toMatchFileSnapshot(
      '../../test/golden/fix-shop/MS-M9017-pod-security/levels.md',
    );
  });

  it('writes every file where its path says, scripts executable, into a new or empty folder only (unless forced)', async () => {
    const scan = await scanManifests(['test/fixtures/fix/pod-security.yaml']);
    const files = fix(scan, { only: ['MS-M9017'] });
    const dir = path.join(temp(), 'out');
    writeFolder(dir, folderFiles(files));
    const listed = readdirSync(dir, { recursive: true }).map(String).sort();
    expect(listed).toEqual([
      'MS-M9017-pod-security',
      'MS-M9017-pod-security/label-namespaces.sh',
      'MS-M9017-pod-security/levels.md',
      'MS-M9017-pod-security/namespace-legacy.yaml',
      'MS-M9017-pod-security/namespace-web.yaml',
      'README.md',
      'kustomization.yaml',
    ]);
    expect(readFileSync(path.join(dir, 'MS-M9017-pod-security/namespace-web.yaml'), 'utf8')).toBe(
      files.find((f) => f.path.endsWith('namespace-web.yaml'))?.text,
    );
    expect(() => writeFolder(dir, folderFiles(files))).toThrow(FolderError);
    // Forced, files of the same names are overwritten and the user's own are left alone.
    writeFileSync(path.join(dir, 'mine.txt'), 'keep');
    writeFolder(dir, [{ path: 'README.md', text: 'new' }], { force: true });
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('new');
    expect(readFileSync(path.join(dir, 'mine.txt'), 'utf8')).toBe('keep');
  });

  it('tells how to apply a patch of a Pod, whose spec kubectl patch cannot change in place', async () => {
    const scan = await scanManifests(['test/fixtures/fix/every-generator.yaml'], { paths: false });
    const readme = folderFiles(fix(scan, { only: ['MS-M9013'] })).find((each) => each.path === 'README.md')?.text;
    const entry = (name: string) => readme?.split('\n- ').find((each) => each.startsWith(`[\`${name}\``));
    const pod = entry('MS-M9013-workload-patches/pod-payments-debug.yaml');
    expect(pod).toContain("  - apply: a Pod's spec cannot change in place: make the change in its manifest");
    expect(pod).not.toContain('kubectl patch');
    expect(entry('MS-M9013-workload-patches/job-payments-migrate.yaml')).toContain(
      "  - apply: `kubectl patch job 'migrate' -n 'payments' --type strategic --patch-file",
    );
  });

  it('writes a README.md saying there is nothing to fix, and no kustomization, when there is nothing', () => {
    const folder = folderFiles([]);
    expect(folder.map((each) => each.path)).toEqual(['README.md']);
    expect(folder[0]?.text).toContain('No fix to propose for this input.');
  });
});
