import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.js';

describe('the library API, as a dependent imports it', () => {
  it('scans manifests and returns a report that validates against its own schema', async () => {
    // The package name, not a relative path: this goes through package.json `exports` to the built files.
    const kubematrix = await import('kubematrix');
    const { report } = await kubematrix.scanManifests([path.join(repoRoot, 'examples/shop')]);
    expect(kubematrix.Report.parse(report)).toEqual(report);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(kubematrix.lookup('hostpath')[0]?.entry.id).toBe('MS-TA9013');
    expect(kubematrix.allChecks.length).toBeGreaterThan(10);
  });

  it('proposes the fix files and the what-if, as kubematrix fix does', async () => {
    const kubematrix = await import('kubematrix');
    const scan = await kubematrix.scanManifests([path.join(repoRoot, 'examples/shop')]);
    const files = kubematrix.fix(scan, { only: ['MS-M9003'] });
    expect(files.map((file) => file.path)).toEqual(['MS-M9003-rbac/clusterrolebinding-shop-operator.yaml']);
    const what = kubematrix.whatIf(scan, files);
    expect(what.diff.chokePointsCut.length).toBeGreaterThan(0);
    expect(what.diff.rejected).toEqual([]);
  });

  it('answers the RBAC questions the rbac commands ask', async () => {
    const kubematrix = await import('kubematrix');
    const { inventory } = await kubematrix.scanManifests([path.join(repoRoot, 'examples/shop')], { checks: [] });
    const rbac = kubematrix.rbacOf(inventory);
    const who = rbac.whoCan('create', 'pods/exec', 'shop').map((found) => found.subject);
    expect(who).toContainEqual(
      expect.objectContaining({ kind: 'ServiceAccount', namespace: 'shop', name: 'shop-operator' }),
    );
    const [operator] = kubematrix.resolveSubjects(rbac, 'ServiceAccount', 'shop-operator', 'shop');
    if (!operator) throw new Error('operator not resolved');
    const profile = kubematrix.subjectProfile(kubematrix.riskOf(inventory), operator);
    expect(profile.techniques.map((t) => t.id)).toContain('MS-TA9019');
  });

  it('scans a cluster collection, and a snapshot of it, to the same report', async () => {
    const kubematrix = await import('kubematrix');
    const collection = kubematrix.Collection.parse({
      context: 'prod',
      server: 'https://10.0.0.1:6443',
      serverVersion: 'v1.31.2',
      collectedAt: '2026-11-27T02:00:00.000Z',
      namespaces: { only: null, excluded: [] },
      kinds: [{ kind: 'Pod', apiVersion: 'v1', objects: 1, metadataOnly: false }],
      unavailable: [],
      errors: [],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'shop' },
          spec: { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] },
        },
      ],
    });
    const now = new Date('2026-11-27T03:00:00.000Z');
    const { report } = kubematrix.scanCollection(collection, { now });
    expect(report.findings.find((f) => f.checkId === 'privileged-container')?.uri).toBe('k8s://prod/shop/Pod/p');
    const snapshot = await kubematrix.decodeSnapshot(kubematrix.encodeSnapshot(collection, 'prod.json.gz'));
    expect(snapshot && kubematrix.scanCollection(snapshot, { now }).report).toEqual(report);
  });

  it('publishes no test support: the built package holds neither tests nor the check tester (it imports vitest)', () => {
    const built = readdirSync(path.join(repoRoot, 'dist'), { recursive: true, encoding: 'utf8' });
    expect(built.filter((file) => file.endsWith('.js')).length).toBeGreaterThan(50);
    expect(built.filter((file) => /tester|\.test\./.test(file))).toEqual([]);
  });
});
