import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/paths.js';
import { scanManifests } from '../engine/scan.js';

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
    const operator = (check: string, severity: string, techniques: string) =>
      `${check} ServiceAccount ops/operator ${severity} ${techniques}`;
    expect(found).toEqual(
      [
        'rbac-cluster-admin ClusterRoleBinding /operator-admin critical MS-TA9019',
        operator('rbac-cluster-admin', 'critical', 'MS-TA9019'),
        operator('rbac-privilege-escalation-verbs', 'critical', 'MS-TA9019'),
        operator('rbac-csr-approval', 'critical', 'MS-TA9019'),
        operator('rbac-create-workloads', 'critical', 'MS-TA9008,MS-TA9018,MS-TA9013'),
        operator('rbac-exec', 'critical', 'MS-TA9006,MS-TA9041'),
        operator('rbac-modify-workloads', 'critical', 'MS-TA9011,MS-TA9008,MS-TA9018,MS-TA9013'),
        operator('rbac-cronjobs', 'high', 'MS-TA9014'),
        operator('rbac-webhook-config', 'critical', 'MS-TA9015'),
        operator('rbac-read-secrets', 'critical', 'MS-TA9025'),
        operator('rbac-token-creation', 'critical', 'MS-TA9016'),
        operator('rbac-node-proxy', 'critical', 'MS-TA9030,MS-TA9006'),
        operator('rbac-coredns', 'high', 'MS-TA9035'),
        operator('rbac-delete-events', 'medium', 'MS-TA9022'),
        operator('rbac-destructive-delete', 'high', 'MS-TA9038'),
        'rbac-create-workloads Role ci/deployer medium MS-TA9008,MS-TA9018,MS-TA9013',
        'rbac-create-workloads ServiceAccount ci/runner medium MS-TA9008,MS-TA9018,MS-TA9013',
        // Deleting its own namespace's pods is data destruction too, on the small scale a namespace allows.
        'rbac-destructive-delete Role ci/deployer medium MS-TA9038',
        'rbac-destructive-delete ServiceAccount ci/runner medium MS-TA9038',
        'workload-token-permissions Deployment ops/operator critical MS-TA9016,MS-TA9019,MS-TA9008,MS-TA9018,MS-TA9013,MS-TA9006,MS-TA9041,MS-TA9011,MS-TA9025,MS-TA9030,MS-TA9015,MS-TA9014,MS-TA9035,MS-TA9038,MS-TA9022',
      ].sort(),
    );
  });

  it('points at the binding entries and rules that grant the power', async () => {
    const { report } = await scanManifests([fixture]);
    const where = (check: string, name: string) => {
      const finding = report.findings.find((f) => f.checkId === check && f.resource.name === name);
      return `${path.basename(finding?.location?.file ?? '')}:${finding?.location?.line}`;
    };
    expect(where('rbac-cluster-admin', 'operator-admin')).toBe('operator.yaml:15');
    expect(where('rbac-cluster-admin', 'operator')).toBe('operator.yaml:17');
    expect(where('rbac-create-workloads', 'runner')).toBe('ci.yaml:32');
    expect(where('rbac-create-workloads', 'deployer')).toBe('ci.yaml:15');
    expect(where('workload-token-permissions', 'operator')).toBe('operator.yaml:33');
  });

  it('leaves the dashboard bound to view alone: view reads no secrets', async () => {
    const { report } = await scanManifests([fixture]);
    const dashboard = report.findings.filter((f) => isRbacCheck(f.checkId) && f.message.includes('dashboard'));
    expect(dashboard).toEqual([]);
  });
});
