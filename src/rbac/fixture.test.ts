import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/paths.js';
import { scanManifests } from '../engine/scan.js';
import { RBAC_TECHNIQUES } from './risky.js';

const fixture = path.join(repoRoot, 'test/fixtures/rbac');
const isRbacCheck = (id: string) => id.startsWith('rbac-') || id === 'workload-token-permissions';

describe('RBAC of a chart-like set: operator, CI runner, dashboard', () => {
  it('reports exactly who holds what, and which techniques it opens', async () => {
    const { report } = await scanManifests([fixture]);
    const found = report.findings
      .filter((finding) => isRbacCheck(finding.checkId))
      .map(
        (f) =>
          `${f.checkId} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name} ${f.severity} ${f.techniques.join(',')}`,
      )
      .sort();
    expect(found).toEqual([
      // cluster-admin power: one finding that names every technique, none from the other checks.
      `rbac-cluster-admin ServiceAccount ops/operator critical ${RBAC_TECHNIQUES.join(',')}`,
      // The runner's Role is bound: reported through the runner, not apart.
      'rbac-create-workloads ServiceAccount ci/runner medium MS-TA9008,MS-TA9018,MS-TA9013',
      // Deleting its own namespace's pods is data destruction too, on the small scale a namespace allows.
      'rbac-destructive-delete ServiceAccount ci/runner medium MS-TA9038',
      'workload-token-permissions Deployment ops/operator critical MS-TA9016,MS-TA9019,MS-TA9008,MS-TA9018,MS-TA9013,MS-TA9006,MS-TA9041,MS-TA9011,MS-TA9025,MS-TA9030,MS-TA9015,MS-TA9014,MS-TA9035,MS-TA9038,MS-TA9036,MS-TA9022',
    ]);
  });

  it('points at the binding entries and rules that grant the power', async () => {
    const { report } = await scanManifests([fixture]);
    const at = (location?: { file: string; line: number }) =>
      `${path.basename(location?.file ?? '')}:${location?.line}`;
    const find = (check: string, name: string) =>
      report.findings.find((f) => f.checkId === check && f.resource.name === name);
    expect(at(find('rbac-cluster-admin', 'operator')?.location)).toBe('operator.yaml:17');
    expect(at(find('workload-token-permissions', 'operator')?.location)).toBe('operator.yaml:33');
    const runner = find('rbac-create-workloads', 'runner');
    expect(at(runner?.location)).toBe('ci.yaml:32');
    // The binding at its roleRef and the rule that grants the power, each in its own file and line.
    expect(runner?.evidence?.map((entry) => `${entry.type} ${entry.path} ${at(entry.location)}`)).toEqual([
      'binding roleRef ci.yaml:27',
      'rule rules[0] ci.yaml:15',
    ]);
  });

  it('leaves the dashboard bound to view alone: view reads no secrets', async () => {
    const { report } = await scanManifests([fixture]);
    const dashboard = report.findings.filter((f) => isRbacCheck(f.checkId) && f.message.includes('dashboard'));
    expect(dashboard).toEqual([]);
  });
});
