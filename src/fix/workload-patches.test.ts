import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../../test/paths.js';
import { scanManifests } from '../engine/scan.js';
import type { Finding } from '../model/report.js';
import { applyOperations } from '../util/yaml-edit.js';
import type { FixContext, FixFile } from './types.js';
import { workloadPatches } from './workload-patches.js';

/**
 * Kubernetes' strategic merge as it applies to these patches, written independently as the test's oracle: mappings
 * merge, lists of containers merge by name, other lists are replaced. (Validation against the Kubernetes OpenAPI
 * schema waits for fix-policies' test/support/openapi.ts; until then the patches are checked structurally here.)
 */
function strategicMerge(target: unknown, patch: unknown, key = ''): unknown {
  if (Array.isArray(patch) && Array.isArray(target) && ['containers', 'initContainers'].includes(key)) {
    const merged = [...target] as { name: string }[];
    for (const item of patch as { name: string }[]) {
      const at = merged.findIndex((entry) => entry.name === item.name);
      if (at < 0) throw new Error(`the patch names container ${item.name}, which the object does not have`);
      merged[at] = strategicMerge(merged[at], item) as { name: string };
    }
    return merged;
  }
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const merged = { ...(target as Record<string, unknown>) };
  for (const [name, value] of Object.entries(patch)) merged[name] = strategicMerge(merged[name], value, name);
  return merged;
}

async function shop() {
  const { report, inventory } = await scanManifests(['examples/shop'], { cwd: repoRoot, paths: false });
  const context: FixContext = { inventory, findings: report.findings, mode: 'warn' };
  return { report, inventory, files: workloadPatches(context) };
}

const identity = (finding: Finding) =>
  `${finding.checkId} ${finding.resource.kind}/${finding.resource.name} ${finding.path}`;

describe('workloadPatches on examples/shop', async () => {
  const { report, inventory, files } = await shop();
  const patchFiles = files.filter((file) => file.patches?.length);

  it('writes one patch per workload with fixable findings, keyed to the object, its text the patch', () => {
    expect(patchFiles.length).toBeGreaterThan(2);
    for (const file of patchFiles) {
      const [{ target, patch }] = file.patches as [NonNullable<FixFile['patches']>[0]];
      expect(file.path).toMatch(/^MS-M9013-workload-patches\/[a-z0-9.-]+\.yaml$/);
      expect(file.mitigation).toBe('MS-M9013');
      expect(patch).toMatchObject({
        apiVersion: target.apiVersion,
        kind: target.kind,
        metadata: { name: target.name },
      });
      expect(parse(file.text, { version: '1.1' })).toEqual(patch);
      expect(file.text).toMatch(/^# Strategic-merge patch \(kustomize `patches:`\) for /);
      expect(file.breaks.length).toBe(file.closes.findings.length);
    }
  });

  it('patched, each workload is the object the findings’ fixes make, and those findings are gone', async () => {
    const patched = inventory.resources.map((resource) => {
      const file = patchFiles.find((candidate) => candidate.patches?.[0]?.target === resource.ref);
      if (!file) return resource.object;
      const fixes = report.findings
        .filter((finding) => file.closes.findings.includes(finding.id))
        .flatMap((finding) => finding.fix ?? []);
      const merged = strategicMerge(resource.object, file.patches?.[0]?.patch);
      expect(merged).toEqual(applyOperations(resource.object, fixes));
      return merged;
    });
    const closed = new Set(
      report.findings.filter((finding) => patchFiles.some((f) => f.closes.findings.includes(finding.id))).map(identity),
    );
    expect(closed.size).toBeGreaterThan(5);
    const yaml = patched.map((object) => stringify(object, { version: '1.1' })).join('---\n');
    const again = await scanManifests(['-'], { stdin: async () => Buffer.from(yaml), paths: false });
    expect(again.report.findings.map(identity).filter((id) => closed.has(id))).toEqual([]);
  });

  it('proposes no privileged or hostPath change as a patch: comments with the reason instead', () => {
    const backup = files.find((file) => file.path.endsWith('/cronjob-shop-nightly-backup.yaml'));
    expect(backup?.text).toMatch(
      /# - privileged-container at spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: .*\n# {3}Not patched: a privileged container may need/,
    );
    expect(backup?.text).toMatch(/# - writable-host-path at .*\n# {3}Not patched: a hostPath is usually there/);
    const patch = JSON.stringify(backup?.patches ?? []);
    expect(patch).not.toMatch(/privileged|hostPath|volumes/);
  });

  it('lists every patch in a kustomize Component', () => {
    const component = files.find((file) => file.path === 'MS-M9013-workload-patches/kustomization.yaml');
    expect(parse(component?.text ?? '')).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1alpha1',
      kind: 'Component',
      patches: patchFiles.map((file) => ({ path: file.path.replace('MS-M9013-workload-patches/', '') })),
    });
  });
});

describe('workloadPatches', () => {
  const manifest = `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.27
        securityContext: {readOnlyRootFilesystem: false}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: deployer
  annotations: {kubematrix.io/ignore: "*", kubematrix.io/ignore-reason: reviewed}
spec:
  template:
    spec:
      containers:
      - name: kubectl
        image: bitnami/kubectl:1.31
`;
  const run = async (yaml: string) => {
    const { report, inventory } = await scanManifests(['-'], { stdin: async () => Buffer.from(yaml), paths: false });
    return workloadPatches({ inventory, findings: report.findings, mode: 'warn' });
  };

  it('turns automount off in the patch when the pod has no use for its token, and keeps a written value as a comment', async () => {
    const [web] = await run(manifest);
    expect(web?.path).toBe('MS-M9013-workload-patches/deployment-shop-web.yaml');
    expect(web?.patches?.[0]?.patch).toMatchObject({
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { automountServiceAccountToken: false } } },
    });
    expect(web?.closes.techniques).toEqual(['MS-TA9016']);
    expect(web?.text).toMatch(
      /# - read-only-root-filesystem at .*\n# {3}Not patched: the value is written in the manifest/,
    );
  });

  it('leaves suppressed findings alone, and a workload whose token may be used gets a comment saying why', async () => {
    const files = await run(manifest);
    expect(files.map((file) => file.path)).not.toContain('MS-M9013-workload-patches/deployment-default-deployer.yaml');
    const unsuppressed = await run(manifest.replace(/ {2}annotations: .*\n/, ''));
    const deployer = unsuppressed.find((file) => file.path.endsWith('/deployment-default-deployer.yaml'));
    // Named no namespace: the patch names none either, as kustomize matches it to the object.
    expect(deployer?.patches?.[0]?.patch.metadata).toEqual({ name: 'deployer' });
    expect(deployer?.text).toMatch(
      /# {3}Not patched: the pod may use its token: the input does not define ServiceAccount default\/default/,
    );
  });

  it('proposes nothing for an input with nothing to fix', async () => {
    expect(await run('apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n')).toEqual([]);
  });
});
