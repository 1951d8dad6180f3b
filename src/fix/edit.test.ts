import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeShared, sharedDir } from '../../test/paths.js';
import { scanManifests } from '../engine/scan.js';
import { parseManifest } from '../inputs/manifests.js';
import { applyFixesToFiles } from './edit.js';

const WEB = `# the storefront
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web          # the app
          image: "shop/web:1.4"
          securityContext: {runAsNonRoot: true}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}   # untouched
spec: {selector: {app: web}, ports: [{port: 80}]}
`;

const FIXED_WEB = `# the storefront
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web          # the app
          image: "shop/web:1.4"
          securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true, seccompProfile: {type: RuntimeDefault}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}   # untouched
spec: {selector: {app: web}, ports: [{port: 80}]}
`;

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
  annotations:
    kubematrix.io/ignore: read-only-root-filesystem
    kubematrix.io/ignore-reason: writes its lock file to /
spec:
  template:
    spec:
      containers:
      - name: migrate
        image: shop/migrate:1.4
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-fix-edit-'));
  writeFileSync(path.join(dir, 'web.yaml'), WEB);
  writeFileSync(path.join(dir, 'job.yaml'), JOB);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const scan = () => scanManifests(['.'], { cwd: dir, paths: false });
const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');

describe('applyFixesToFiles', () => {
  it('writes each file once with all its fixes, every other byte as it was, and the fixed findings are gone', async () => {
    const { report, inventory } = await scan();
    const fixable = report.findings.filter((finding) => finding.fix);
    const { changed, errors } = applyFixesToFiles(report.findings, { inventory, cwd: dir });
    expect(errors).toEqual([]);
    expect(changed.map(({ file, text }) => [file, text])).toEqual([
      ['job.yaml', read('job.yaml')],
      ['web.yaml', FIXED_WEB],
    ]);
    expect(read('web.yaml')).toBe(FIXED_WEB);
    expect(changed.flatMap((file) => file.findings).sort()).toEqual(
      fixable
        .filter((finding) => !finding.suppressed)
        .map((finding) => finding.id)
        .sort(),
    );
    const after = (await scan()).report.findings.map((finding) => finding.id);
    for (const finding of fixable.filter((f) => !f.suppressed)) expect(after).not.toContain(finding.id);
  });

  it('leaves a suppressed finding as it is: the suppression accepts the setting', async () => {
    const { report, inventory } = await scan();
    applyFixesToFiles(report.findings, { inventory, cwd: dir });
    const job = parseManifest('job.yaml', Buffer.from(read('job.yaml'))).objects[0]?.object as {
      spec: { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } };
    };
    const [container] = job.spec.template.spec.containers;
    expect(container?.securityContext).toMatchObject({ allowPrivilegeEscalation: false });
    expect(container?.securityContext).not.toHaveProperty('readOnlyRootFilesystem');
  });

  it('refuses a file changed since the scan, says so, and still fixes the others', async () => {
    const { report, inventory } = await scan();
    const edited = WEB.replace('image: "shop/web:1.4"', 'image: "shop/web:1.5"');
    writeFileSync(path.join(dir, 'web.yaml'), edited);
    const { changed, errors } = applyFixesToFiles(report.findings, { inventory, cwd: dir });
    expect(changed.map((file) => file.file)).toEqual(['job.yaml']);
    expect(errors).toEqual([
      {
        file: 'web.yaml',
        message: 'changed since it was scanned (Deployment web is not as it was read): scan again',
        findings: expect.arrayContaining([report.findings.find((f) => f.location?.file === 'web.yaml' && f.fix)?.id]),
      },
    ]);
    expect(read('web.yaml')).toBe(edited);
  });

  it('a comment added above an object moves it: refused too, since the fixes would land on the wrong lines', async () => {
    const { report, inventory } = await scan();
    writeFileSync(path.join(dir, 'web.yaml'), `# reviewed\n${WEB}`);
    expect(applyFixesToFiles(report.findings, { inventory, cwd: dir }).errors.map((e) => e.file)).toEqual(['web.yaml']);
  });

  it('with dryRun, works out the texts and writes nothing', async () => {
    const { report, inventory } = await scan();
    const { changed } = applyFixesToFiles(report.findings, { inventory, cwd: dir, dryRun: true });
    expect(changed.find((file) => file.file === 'web.yaml')?.text).toBe(FIXED_WEB);
    expect(read('web.yaml')).toBe(WEB);
  });

  it('cannot edit standard input in place', async () => {
    const { report, inventory } = await scanManifests(['-'], { stdin: async () => Buffer.from(WEB), paths: false });
    const { changed, errors } = applyFixesToFiles(report.findings, { inventory, cwd: dir });
    expect(changed).toEqual([]);
    expect(errors.map((error) => [error.file, error.message])).toEqual([
      ['-', 'standard input cannot be edited in place: scan the files themselves to fix them'],
    ]);
  });
});

describeShared('fixes on the public manifest corpus', () => {
  it('only insert: every byte of every file stays, objects not fixed are unchanged, the fixed findings are gone', async () => {
    cpSync(path.join(sharedDir, 'corpora/manifests'), dir, { recursive: true });
    const { report, inventory } = await scanManifests(['.'], { cwd: dir, paths: false });
    const before = new Map<string, string>();
    const { changed, errors } = applyFixesToFiles(report.findings, {
      inventory,
      cwd: dir,
      dryRun: true,
    });
    for (const { file } of changed) before.set(file, read(file));
    applyFixesToFiles(report.findings, { inventory, cwd: dir });
    expect(errors).toEqual([]);
    expect(changed.length).toBeGreaterThan(100);
    for (const { file, text } of changed) {
      const original = before.get(file) as string;
      expect(read(file)).toBe(text);
      // Insertions only (no file of the corpus leaves a field null): the original is the new text, some left out.
      let at = 0;
      for (const char of text) if (char === original[at]) at++;
      expect(at, `${file}: every byte kept`).toBe(original.length);
      // A JSON file stays JSON.
      if (file.endsWith('.json')) expect(() => JSON.parse(text), file).not.toThrow();
      const objects = (source: string) => parseManifest(file, Buffer.from(source)).objects.map((o) => o.object);
      const fixedRefs = new Set(
        report.findings
          .filter((f) => f.fix && f.location?.file === file)
          .map((f) => `${f.resource.kind}/${f.resource.name}`),
      );
      const untouched = (source: string) =>
        objects(source).filter((o) => !fixedRefs.has(`${o.kind}/${(o.metadata as { name?: string })?.name ?? ''}`));
      expect(untouched(text)).toEqual(untouched(original));
    }
    const fixedIds = new Set(changed.flatMap((file) => file.findings));
    const again = await scanManifests(['.'], { cwd: dir, paths: false });
    expect(again.report.findings.filter((finding) => fixedIds.has(finding.id))).toEqual([]);
  }, 120_000);
});
