import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScanResult, scanCollection, scanManifests } from '../../src/engine/scan.js';
import { collectCluster } from '../../src/inputs/cluster/collect.js';
import type { Collection } from '../../src/inputs/cluster/collection.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/inputs/cluster/snapshot.js';
import { readManifests } from '../../src/inputs/manifests.js';
import type { Evidence, Finding, Report } from '../../src/model/report.js';
import { repoRoot } from '../paths.js';
import { asCluster, type KubeApiServer, startKubeApiServer } from '../support/kube-api-server.js';

/**
 * Objects that name no namespace, scanned as files and as the cluster they would make once applied: the answers must
 * be the same, but for where each object is found (a file's line, a `k8s://` address).
 */
const FOLDER = 'test/fixtures/unnamespaced';

let server: KubeApiServer;
let files: ScanResult;
let cluster: ScanResult;
let collection: Collection;

beforeAll(async () => {
  const read = await readManifests([FOLDER], { cwd: repoRoot });
  expect(read.errors).toEqual([]);
  // As `kubectl apply -f` leaves them: namespaced objects in default, cluster-scoped ones in none.
  server = await startKubeApiServer({ objects: asCluster(read.objects.map((manifest) => manifest.object)) });
  files = await scanManifests([FOLDER], { cwd: repoRoot, namespace: 'default' });
  collection = await collectCluster({ kubeconfig: server.kubeconfig(), env: {}, cwd: repoRoot });
  cluster = scanCollection(collection);
}, 30_000);
afterAll(() => server.close());

/** A finding's id hashes its file: findings are named by what they say instead. */
const nameOf = (finding: Finding) =>
  [finding.checkId, finding.resource.kind, finding.resource.namespace, finding.resource.name, finding.path].join(' ');

const placeless = ({ location: _location, uri: _uri, ...evidence }: Evidence) => evidence;

function answers(report: Report) {
  const names = new Map(report.findings.map((finding) => [finding.id, nameOf(finding)]));
  const findings = report.findings
    .map(({ id: _id, location: _location, uri: _uri, evidence, ...finding }) => ({
      ...finding,
      evidence: evidence?.map(placeless),
    }))
    .sort((a, b) => nameOf(a as Finding).localeCompare(nameOf(b as Finding)));
  // Admission that rests on a Namespace's labels is unproven from files that do not hold the Namespace, and known
  // from a cluster's complete listing: the one answer files cannot give the same.
  const techniques = report.techniques.map(
    ({ mitigations: { unproven: _unproven, ...mitigations }, ...technique }) => ({
      ...technique,
      // What a derivation rests on is said to hold "in the input" or "in the cluster": the same claim.
      mitigations: JSON.parse(JSON.stringify(mitigations).replaceAll('in the input', 'in the cluster')),
    }),
  );
  const paths = (report.attackPaths?.paths ?? []).map((path) => ({
    ...path,
    steps: path.steps.map((step) => ({
      ...step,
      findings: step.findings.map((id) => names.get(id)),
      evidence: step.evidence.map(placeless),
    })),
  }));
  return { findings, techniques, paths };
}

describe('objects without a namespace: files and the cluster they make', { timeout: 30_000 }, () => {
  it('gives identical findings, technique statuses and attack paths', () => {
    const fromFiles = answers(files.report);
    const fromCluster = answers(cluster.report);
    expect(fromFiles.findings.length).toBeGreaterThan(10);
    expect(fromFiles.findings).toEqual(fromCluster.findings);
    expect(fromFiles.techniques).toEqual(fromCluster.techniques);
    expect(fromFiles.paths.length).toBeGreaterThan(0);
    expect(fromFiles.paths).toEqual(fromCluster.paths);
  });

  it('gives them from a snapshot of the cluster, and from one whose objects lost their namespace', async () => {
    const snapshot = (await decodeSnapshot(encodeSnapshot(collection, 'lab.json'))) as Collection;
    expect(answers(scanCollection(snapshot).report)).toEqual(answers(cluster.report));
    // A snapshot written by hand, or by a tool that leaves default out: the same objects.
    const stripped = {
      ...snapshot,
      objects: snapshot.objects.map((object) => {
        const { namespace, ...metadata } = object.metadata as Record<string, unknown>;
        return namespace === 'default' ? { ...object, metadata } : object;
      }),
    };
    expect(stripped.objects).not.toEqual(snapshot.objects);
    const restored = scanCollection(stripped).report;
    expect(answers(restored)).toEqual(answers(cluster.report));
    expect(restored.findings.map((finding) => finding.uri)).toEqual(
      cluster.report.findings.map((finding) => finding.uri),
    );
  });

  it('finds the attack-lab path: the Pod runs as a ServiceAccount that can escalate and bind, so to cluster-admin', () => {
    const pod = 'workload:default/Pod/operator-shell';
    const path = files.report.attackPaths?.paths.find(
      (found) => found.from === pod && found.to === 'target:cluster-admin',
    );
    expect(path?.steps.map((step) => step.to)).toEqual(['identity:sa:default/lab-operator', 'target:cluster-admin']);
    const token = files.report.findings.find(
      (finding) => finding.checkId === 'workload-token-permissions' && finding.resource.name === 'operator-shell',
    );
    expect(token).toMatchObject({ severity: 'critical', techniques: expect.arrayContaining(['MS-TA9019']) });
  });

  it('isolates the namespace-less Deployment and Job with the policies of default, and not the decoy in staging', () => {
    const isolation = (report: Report) =>
      report.findings
        .filter((finding) => finding.checkId === 'network-policy')
        .map((finding) => `${finding.resource.namespace}/${finding.resource.name}`);
    expect(isolation(files.report)).toEqual(['staging/web']);
    expect(isolation(cluster.report)).toEqual(['staging/web']);
  });

  it('resolves a RoleBinding subject naming no namespace in the binding namespace, default', () => {
    const job = files.report.findings.find(
      (finding) => finding.checkId === 'workload-token-permissions' && finding.resource.name === 'migrate',
    );
    expect(job?.message).toMatch(/ServiceAccount default\/deployer, which can .* in namespace default/);
  });

  it('says where a namespace was defaulted, and only there', () => {
    const defaulted = (finding: Finding) => finding.location?.namespaceDefaulted;
    const byName = (name: string) => files.report.findings.filter((finding) => finding.resource.name === name);
    expect(byName('operator-shell').map(defaulted)).not.toContain(undefined);
    expect(new Set(byName('operator-shell').map(defaulted))).toEqual(new Set(['default']));
    // staging/web and the cluster-scoped ClusterRole name theirs, or have none.
    const named = files.report.findings.filter(
      (finding) => finding.resource.namespace === 'staging' || finding.resource.kind === 'ClusterRole',
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.map(defaulted)).toEqual(named.map(() => undefined));
    expect(cluster.report.findings.some((finding) => finding.location !== undefined)).toBe(false);
  });
});
