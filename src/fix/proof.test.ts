import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { findingsIn } from '../../test/support/fix.js';
import { openApiErrors } from '../../test/support/openapi.js';
import { scanManifests } from '../engine/scan.js';
import { fix, GENERATORS } from './index.js';
import { strategicMerge } from './strategic-merge.js';
import { refName } from './text.js';
import type { FixFile } from './types.js';
import { whatIf, whatIfLines } from './what-if.js';
import { folderFiles, writeFolder } from './write.js';

/**
 * The proof issue 21 asks of `kubematrix fix` as a whole, every generator at once: what the files create and what
 * their patches make of their targets is what the API server accepts, the files scan clean, and the what-if on the
 * example shop lowers the matrix without rejecting anything that runs.
 */

const FIXTURES = 'test/fixtures/fix';
const INPUTS = ['examples/shop', ...readdirSync(FIXTURES).map((file) => `${FIXTURES}/${file}`)];

const exposedCount = (report: { techniques: readonly { status: string }[] }) =>
  report.techniques.filter((technique) => technique.status === 'exposed').length;

const refKey = ({ kind, namespace, name }: { kind: string; namespace: string | null; name: string }) =>
  `${kind} ${namespace ?? ''}/${name}`;

/** Every object the files create, and every patch applied to its target, with the schema's complaints. */
async function schemaErrors(input: string, mode: 'warn' | 'enforce'): Promise<{ files: FixFile[]; errors: string[] }> {
  const scan = await scanManifests([input], { paths: false });
  const files = fix(scan, { mode });
  const targets = new Map(scan.inventory.resources.map((resource) => [refKey(resource.ref), resource.object]));
  const errors: string[] = [];
  for (const file of files) {
    for (const object of file.creates ?? []) {
      errors.push(...openApiErrors(object).map((error) => `${file.path}: ${error}`));
    }
    for (const { target, patch } of file.patches ?? []) {
      // A Namespace the input does not declare is patched in the cluster: checked on the bare object.
      const object = targets.get(refKey(target)) ?? {
        apiVersion: target.apiVersion,
        kind: target.kind,
        metadata: { name: target.name },
      };
      const patched = strategicMerge(object, patch);
      errors.push(...openApiErrors(patched).map((error) => `${file.path} on ${refName(target)}: ${error}`));
    }
  }
  return { files, errors };
}

describe.each(INPUTS)('kubematrix fix %s, every generator', { timeout: 60_000 }, (input) => {
  it.each(['warn', 'enforce'] as const)(
    'in %s mode, creates and patches objects the OpenAPI schema accepts',
    async (mode) => {
      const { files, errors } = await schemaErrors(input, mode);
      expect(errors).toEqual([]);
      expect(files.some((file) => file.creates?.length || file.patches?.length)).toBe(true);
    },
  );

  it.each(['warn', 'enforce'] as const)('in %s mode, rejects no workload that runs', async (mode) => {
    const before = await scanManifests([input]);
    const what = whatIf(before, fix(before, { mode }));
    expect(what.diff.rejected).toEqual([]);
    expect(exposedCount(what.after)).toBeLessThanOrEqual(exposedCount(what.before));
  });

  // A patch file holds part of an object, not a manifest: what proves it is its target validated as patched (above)
  // and the what-if below. Every file that creates objects is scanned alone, as a user would scan it before applying.
  it('enforced, writes objects kubematrix itself finds nothing in', async () => {
    const scan = await scanManifests([input], { paths: false });
    const created = fix(scan, { mode: 'enforce' }).filter((file) => !file.patches?.length);
    expect((await findingsIn(created)).filter((finding) => finding.severity !== 'info')).toEqual([]);
  });

  it('in warn mode, the only findings are warning policies, reported as only warning until enforced', async () => {
    const scan = await scanManifests([input], { paths: false });
    const created = fix(scan).filter((file) => !file.patches?.length);
    const policies = new Set(
      created.flatMap((file) =>
        (file.creates ?? [])
          .filter((object) => object.kind === 'ValidatingAdmissionPolicy')
          .map((object) => (object.metadata as { name: string }).name),
      ),
    );
    for (const finding of await findingsIn(created)) {
      if (finding.severity === 'info') continue;
      expect([finding.checkId, finding.severity, policies.has(finding.resource.name)]).toEqual([
        'admission-policies',
        'low',
        true,
      ]);
      expect(finding.message).toMatch(/ only (warns about|audits) /);
    }
  });
});

describe('kubematrix fix examples/shop --what-if', { timeout: 60_000 }, () => {
  it('every generator proposes files for the shop', async () => {
    const scan = await scanManifests(['examples/shop'], { paths: false });
    const folders = new Set(fix(scan).map((file) => file.path.split('/')[0]?.replace(/^MS-M[\d.]+-/, '')));
    for (const generator of GENERATORS) expect(folders).toContain(generator.id);
  });

  it('lowers the exposed techniques, cuts every path but those resting on unsafe fixes, and rejects nothing that runs', async () => {
    const before = await scanManifests(['examples/shop']);
    const what = whatIf(before, fix(before));
    expect(exposedCount(what.after)).toBeLessThan(exposedCount(what.before));
    expect(what.diff.techniques.every((change) => change.after !== 'exposed')).toBe(true);
    // The operator's cluster-admin binding was the choke point of six paths: the narrowed role cuts it.
    expect(what.diff.chokePointsCut.map((choke) => [choke.label, choke.removes])).toEqual([
      ['RBAC: cluster-admin power: ServiceAccount shop/shop-operator', 6],
    ]);
    // What stands is the backup job's node access: a privileged container and hostPaths, which the workload
    // patches propose only as comments, and which the admission policies exempt because the job needs them today.
    const remaining = what.after.attackPaths?.paths ?? [];
    expect(remaining.length).toBeGreaterThan(0);
    const backup = what.after.attackPaths?.nodes.find((node) => node.label === 'CronJob shop/nightly-backup')?.id;
    expect(remaining.every((path) => path.from === backup)).toBe(true);
    const resting = new Map(what.after.findings.map((finding) => [finding.id, finding]));
    const steps = remaining.flatMap((path) => path.steps.flatMap((step) => step.findings));
    const unsafe = ['privileged-container', 'container-runtime-socket', 'writable-host-path'];
    expect(steps.every((id) => unsafe.includes(resting.get(id)?.checkId ?? ''))).toBe(true);
    const comments = fix(before).find(
      (file) => file.path === 'MS-M9013-workload-patches/cronjob-shop-nightly-backup.yaml',
    );
    expect(comments?.text).toMatch(/privileged-container[^\n]*\n(#[^\n]*\n)*#.*may need what privileged gives/);
    const lines = whatIfLines(what);
    expect(lines).toContain(
      `Attack paths no file cuts (${remaining.length}), with the checks whose findings their steps rest on:`,
    );
    // The new findings are the policies themselves, warning only until enforced.
    expect(what.diff.findings.new.map((finding) => [finding.checkId, finding.severity])).toEqual(
      what.diff.findings.new.map(() => ['admission-policies', 'low']),
    );
    // No current workload rejected under the default exemptions and mode.
    expect(what.diff.rejected).toEqual([]);
    expect(lines).toContain('Current workloads the new admission policies would reject: none.');
  });

  it('with --mode enforce, still rejects nothing that runs: the workloads that need a setting are exempted', async () => {
    const before = await scanManifests(['examples/shop']);
    const files = fix(before, { mode: 'enforce' });
    const bindings = files.flatMap((file) =>
      (file.creates ?? []).filter((object) => object.kind === 'ValidatingAdmissionPolicyBinding'),
    );
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings)
      expect((binding.spec as { validationActions: string[] }).validationActions).toEqual(['Deny']);
    const what = whatIf(before, files);
    // Enforced, each policy is a defense present; the exempted workloads keep today's exposure, so the matrix moves
    // as in warn mode, and nothing that runs is rejected.
    expect(what.diff.findings.new.length).toBeGreaterThan(0);
    for (const finding of what.diff.findings.new) {
      expect([finding.checkId, finding.severity, finding.message]).toEqual([
        'admission-policies',
        'info',
        expect.stringMatching(/^defense present: .* rejects every probe/),
      ]);
    }
    expect(what.diff.rejected).toEqual([]);
    expect(whatIfLines(what)).toContain('Current workloads the new admission policies would reject: none.');
  });
});

/** `kubectl kustomize` (kustomize built into kubectl), where this machine has kubectl: absent, the test is skipped. */
const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!kubectl)('the folder built by kustomize over the input', { timeout: 60_000 }, () => {
  it.each(INPUTS)('%s: kustomize builds every listed patch into its object', async (input) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-kustomize-'));
    try {
      const base = path.join(dir, 'base');
      mkdirSync(base);
      const sources = statSync(input).isDirectory()
        ? readdirSync(input)
            .filter((name) => /\.ya?ml$/.test(name))
            .map((name) => path.join(input, name))
        : [input];
      for (const source of sources) copyFileSync(source, path.join(base, path.basename(source)));
      writeFileSync(
        path.join(base, 'kustomization.yaml'),
        `resources:\n${sources.map((source) => `  - ${path.basename(source)}\n`).join('')}`,
      );
      const scan = await scanManifests([input]);
      const files = fix(scan);
      const what = whatIf(scan, files);
      const out = path.join(dir, 'fixes');
      writeFolder(out, folderFiles(files, what));
      const kustomization = path.join(out, 'kustomization.yaml');
      writeFileSync(
        kustomization,
        readFileSync(kustomization, 'utf8').replace(/^resources:\n/m, 'resources:\n  - ../base\n'),
      );
      const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', out], { encoding: 'utf8' }), {
        version: '1.1',
      }).map((document) => document.toJS() as Record<string, { name: string; namespace?: string }>);
      // Each patch the what-if applied is in the object kustomize builds: applying it again changes nothing.
      for (const file of files) {
        if (what.diff.unapplied.some((entry) => entry.file === file.path)) continue;
        for (const { target, patch } of file.patches ?? []) {
          const object = built.find(
            (each) =>
              each.kind === (target.kind as never) &&
              each.metadata?.name === target.name &&
              (each.metadata?.namespace ?? null) === (target.namespace === 'default' ? null : target.namespace),
          );
          expect(object, `${refName(target)} built`).toBeDefined();
          expect(strategicMerge(object as never, patch)).toEqual(object);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
