import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { scanManifests } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/report.js';
import { describeShared, sharedDir } from '../paths.js';

/**
 * The public corpus of other scanners' fixtures, with labels mapping their verdicts onto matrix techniques
 * (../shared/corpora/README.md). A `fail` row with a `direct` technique must be reported for its resource.
 */

interface Label {
  file: string;
  expect: 'fail' | 'pass';
  resource: { kind: string; name: string | null; namespace: string | null };
  technique: string | null;
  technique_strength?: 'direct' | 'indirect' | 'weak';
  concept?: string;
}

const corpus = path.join(sharedDir, 'corpora/manifests');

/** Rows we knowingly do not match, each with the reason. The test fails when one starts matching. */
const knownMisses: Record<string, string> = {
  'trivy-checks/examples-extracted/KSV-0038/bad/0/test.yaml':
    'the labelled resource is a malformed NetworkPolicy; the technique concerns the pods it fails to cover, and there are none',
  'trivy-checks/examples-extracted/KSV-0006/bad/0/test.yaml':
    'the pod declares a docker.sock hostPath volume that no container mounts: nothing in the pod can reach the socket',
  'polaris/test/checks/missingNetworkPolicy/failure.netpol_missing_ingress_rules.yaml':
    'the policy lists Ingress in policyTypes with no ingress rules, which denies all ingress: the strictest setting',
  'polaris/test/checks/missingNetworkPolicy/failure.netpol_missing_egress_rules.yaml':
    'the policy lists Egress in policyTypes with no egress rules, which denies all egress: the strictest setting',
  'kube-score/score/testdata/pod-test-resources-only-limits.yaml':
    'limits are set and requests default to them: kube-score warns about the missing requests (scheduling), not about unbounded use',
  'kube-score/score/testdata/deployment-test-resources.yaml':
    'limits are set and requests default to them: kube-score warns about the missing requests (scheduling), not about unbounded use',
  'kube-score/score/testdata/statefulset-test-resources.yaml':
    'limits are set and requests default to them: kube-score warns about the missing requests (scheduling), not about unbounded use',
  'polaris/test/checks/clusterrolebindingPodExecAttach/failure.binding_points_to_missing_ref.yaml':
    'the binding names a role that is not in the input and not built in: it grants nothing (reported as role not found)',
  'polaris/test/checks/rolebindingClusterRolePodExecAttach/failure.binding_points_to_missing_ref.yaml':
    'the binding names a role that is not in the input and not built in: it grants nothing (reported as role not found)',
  'polaris/test/checks/rolebindingRolePodExecAttach/failure.binding_points_to_missing_ref.yaml':
    'the binding names a role that is not in the input and not built in: it grants nothing (reported as role not found)',
};

function about(finding: Finding, label: Label, file: string): boolean {
  // RBAC findings name the subject that holds the power and point at the binding that grants it.
  if (label.resource.kind.endsWith('Binding')) return finding.location?.file === file;
  return (
    finding.resource.kind === label.resource.kind &&
    (label.resource.name === null || finding.resource.name === label.resource.name)
  );
}

describeShared('public manifest corpus', async () => {
  const labels = readFileSync(path.join(corpus, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Label);
  const files = [...new Set(labels.filter((l) => l.technique).map((l) => l.file))];
  const findingsByFile = new Map<string, Finding[]>();
  for (const file of files) {
    const absolute = path.join(corpus, file);
    const { report } = await scanManifests([absolute]);
    findingsByFile.set(file, report.findings);
  }
  const reports = (label: Label) =>
    (findingsByFile.get(label.file) ?? []).some(
      (finding) =>
        !finding.suppressed &&
        finding.techniques.includes(label.technique ?? '') &&
        about(finding, label, path.join(corpus, label.file)),
    );

  const direct = labels.filter((l) => l.expect === 'fail' && l.technique && l.technique_strength === 'direct');
  const pass = labels.filter((l) => l.expect === 'pass' && l.technique);

  it('reports the technique for every directly labelled failing resource', () => {
    const missed = direct.filter((label) => !reports(label)).map((l) => `${l.file} ${l.technique} (${l.concept})`);
    const unexpected = missed.filter((line) => !Object.keys(knownMisses).some((file) => line.startsWith(file)));
    const recall = (direct.length - missed.length) / direct.length;
    const precision = pass.filter((label) => !reports(label)).length / pass.length;
    console.info(
      `corpus: recall ${(recall * 100).toFixed(1)}% on ${direct.length} direct fail rows; ` +
        `${(precision * 100).toFixed(1)}% of ${pass.length} pass rows without the labelled technique`,
    );
    expect(unexpected).toEqual([]);
  });

  it('still misses the known misses (update the list when one is fixed)', () => {
    for (const file of Object.keys(knownMisses)) {
      const rows = direct.filter((l) => l.file === file);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.some(reports)).toBe(false);
    }
  });
});
