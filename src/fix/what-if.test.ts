import { describe, expect, it } from 'vitest';
import { rejectingGenerator } from '../../test/support/fix.js';
import { scanManifests } from '../engine/scan.js';
import { type FixFile, fix } from './index.js';
import { strategicMerge } from './strategic-merge.js';
import { whatIf, whatIfLines } from './what-if.js';

const statusOf = (report: { techniques: { id: string; status: string }[] }, id: string) =>
  report.techniques.find((technique) => technique.id === id)?.status;

describe('--what-if', () => {
  it('moves the techniques Pod Security admission mitigates once the namespaces enforce, and rejects no current workload', async () => {
    const before = await scanManifests(['test/fixtures/fix/pod-security.yaml']);
    const files = fix(before, { only: ['MS-M9017'] });
    const { after, diff } = whatIf(before, files);
    expect(statusOf(before.report, 'MS-TA9018')).toBe('weakened');
    expect(statusOf(after, 'MS-TA9018')).toBe('mitigated');
    expect(diff.techniques.find((change) => change.id === 'MS-TA9013')).toMatchObject({
      before: 'weakened',
      after: 'mitigated',
      kind: 'newly-mitigated',
    });
    expect(diff.techniques.filter((change) => change.kind === 'newly-exposed')).toEqual([]);
    // Exactly the findings the files say they close are gone, and nothing new comes.
    expect(diff.findings.fixed.map((finding) => finding.id).sort()).toEqual(
      files.flatMap((file) => (file.path.endsWith('.yaml') ? file.closes.findings : [])).sort(),
    );
    expect(diff.findings.new).toEqual([]);
    expect(diff.rejected).toEqual([]);
    expect(diff.unapplied).toEqual([]);
  });

  it('on examples/shop: nothing that runs is rejected, no technique gets worse, and the patch of a namespace the input lacks is listed as not applied', async () => {
    const before = await scanManifests(['examples/shop']);
    const what = whatIf(before, fix(before, { only: ['MS-M9017'] }));
    expect(what.diff.rejected).toEqual([]);
    expect(what.diff.techniques.filter((change) => change.kind === 'newly-exposed')).toEqual([]);
    expect(what.diff.unapplied).toEqual([
      {
        file: 'MS-M9017-pod-security/namespace-logging.yaml',
        target: { apiVersion: 'v1', kind: 'Namespace', namespace: null, name: 'logging' },
        reason: 'Namespace logging is not in the input: the patch has nothing to apply to',
      },
    ]);
    // Shop already enforces baseline, which its privileged backup job violates: the labels cannot cut its paths.
    expect(what.after.attackPaths?.paths.length).toBe(what.before.attackPaths?.paths.length);
    expect(whatIfLines(what)).toContain('Current workloads the new admission policies would reject: none.');
  });

  it('lists the current workloads a new policy would reject, with the policy that rejects them', async () => {
    const before = await scanManifests(['examples/shop']);
    const files = fix(before, { generators: [rejectingGenerator] });
    const what = whatIf(before, files);
    expect(what.diff.rejected).toEqual([
      {
        workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'storefront' },
        where: 'examples/shop/storefront.yaml',
        by: ['ValidatingAdmissionPolicy no-latest validation 0'],
        reason: expect.stringContaining('no latest'),
        alreadyRejected: false,
      },
    ]);
    // The workload the new policy breaks is new admission drift in the after-report.
    const drift = what.diff.findings.new.filter((finding) => finding.checkId === 'admission-drift');
    expect(drift.map((finding) => finding.resource.name)).toEqual(['storefront']);
    expect(whatIfLines(what)).toContain('Current workloads the new admission policies would reject (1):');
  });

  it('removes what a file removes: a cluster-admin binding gone cuts its paths and its choke point', async () => {
    const before = await scanManifests(['examples/shop']);
    const cut = before.report.findings.find((finding) => finding.checkId === 'rbac-cluster-admin');
    const files: FixFile[] = [
      {
        path: 'MS-M9003-test/remove.yaml',
        mitigation: 'MS-M9003',
        text: '',
        removes: [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            namespace: null,
            name: 'shop-operator',
          },
        ],
        closes: { techniques: [], findings: [] },
        breaks: [],
      },
    ];
    const { diff, after } = whatIf(before, files);
    expect(diff.findings.fixed.map((finding) => finding.id)).toContain(cut?.id);
    expect(diff.paths?.cut.length).toBeGreaterThan(0);
    expect(after.attackPaths?.paths.length).toBeLessThan(before.report.attackPaths?.paths.length ?? 0);
    // The cluster-admin grant is the choke point of six paths; the hostPath one stays.
    expect(diff.chokePointsCut.map((choke) => [choke.id, choke.removes])).toEqual([[cut?.id, 6]]);
  });

  it('changes nothing when there is nothing to apply', async () => {
    const before = await scanManifests(['examples/shop']);
    const { diff } = whatIf(before, []);
    expect(diff).toMatchObject({ techniques: [], findings: { new: [], fixed: [] }, rejected: [], chokePointsCut: [] });
  });
});

describe('strategicMerge', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'a:1', securityContext: { privileged: true } },
            { name: 'side', image: 's:1' },
          ],
          volumes: [{ name: 'host', hostPath: { path: '/' } }],
        },
      },
    },
  };

  it('merges containers by name, deletes a key set to null and an element marked $patch: delete, replaces other lists', () => {
    const patched = strategicMerge(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'side', securityContext: { runAsNonRoot: true } },
              { name: 'app', securityContext: { privileged: null } },
            ],
            volumes: [{ name: 'host', $patch: 'delete' }],
            tolerations: [{ key: 'k', $patch: 'delete' }],
          },
        },
      },
    });
    expect(patched).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'a:1', securityContext: {} },
              { name: 'side', image: 's:1', securityContext: { runAsNonRoot: true } },
            ],
            volumes: [],
            tolerations: [],
          },
        },
      },
    });
    // The input object is left as it was.
    expect(deployment.spec.template.spec.containers[0]?.securityContext).toEqual({ privileged: true });
  });

  it('adds a container the target lacks, and a Namespace label beside the others', () => {
    expect(
      strategicMerge({ metadata: { name: 'shop', labels: { team: 'a' } } }, { metadata: { labels: { x: 'y' } } }),
    ).toEqual({ metadata: { name: 'shop', labels: { team: 'a', x: 'y' } } });
    expect(
      strategicMerge({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ name: 'b' }] } }),
    ).toEqual({
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    });
  });
});
