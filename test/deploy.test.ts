import { describe, expect, it } from 'vitest';
import { scanManifests } from '../src/engine/scan.js';
import { COLLECTED_GROUPS, COLLECTED_KINDS, EVENTS } from '../src/inputs/cluster/kinds.js';
import { readManifests } from '../src/inputs/manifests.js';
import { repoRoot } from './paths.js';

describe('deploy/', () => {
  it('scores clean under kubematrix: nothing above info, and only the documented Secret trade-off suppressed, on the account and the pods holding its token', async () => {
    const { report } = await scanManifests(['deploy'], { cwd: repoRoot });
    expect(report.errors).toEqual([]);
    expect(report.findings.filter((f) => f.severity !== 'info' && !f.suppressed)).toEqual([]);
    expect(report.findings.filter((f) => f.suppressed).map((f) => [f.checkId, f.resource.kind])).toEqual([
      ['workload-token-permissions', 'CronJob'],
      ['rbac-read-secrets', 'ServiceAccount'],
    ]);
  });

  it('grants list, and only list, on exactly the kinds and groups the collector lists', async () => {
    const { objects } = await readManifests(['deploy'], { cwd: repoRoot });
    const roles = objects.filter((o) => o.object.kind === 'ClusterRole' || o.object.kind === 'Role');
    expect(roles.map((role) => role.object.kind)).toEqual(['ClusterRole']);
    const rules = (roles[0]?.object.rules ?? []) as {
      apiGroups: string[];
      resources: string[];
      verbs: string[];
      [other: string]: unknown;
    }[];
    const granted: string[] = [];
    for (const rule of rules) {
      expect(Object.keys(rule).sort()).toEqual(['apiGroups', 'resources', 'verbs']);
      expect(rule.verbs).toEqual(['list']);
      for (const group of rule.apiGroups) for (const resource of rule.resources) granted.push(`${group}/${resource}`);
    }
    expect(granted.sort()).toEqual(
      [
        ...[...COLLECTED_KINDS, EVENTS].map((kind) => `${kind.group}/${kind.resource}`),
        ...COLLECTED_GROUPS.map((group) => `${group}/*`),
      ].sort(),
    );
  });

  it('binds the role to the account the CronJob runs as', async () => {
    const { objects } = await readManifests(['deploy'], { cwd: repoRoot });
    const binding = objects.find((o) => o.object.kind === 'ClusterRoleBinding')?.object as {
      roleRef: { name: string };
      subjects: unknown[];
    };
    const cronJob = objects.find((o) => o.object.kind === 'CronJob')?.object as {
      spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: string } } } } };
    };
    expect(binding.roleRef.name).toBe('kubematrix-reader');
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: cronJob.spec.jobTemplate.spec.template.spec.serviceAccountName,
        namespace: 'kubematrix',
      },
    ]);
  });
});
