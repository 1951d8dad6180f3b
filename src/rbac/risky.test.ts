import { describe, expect, it } from 'vitest';
import { allChecks } from '../checks/index.js';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import { isTechniqueId } from '../matrix/index.js';
import { permissionsIn, RISKY_PERMISSIONS, riskOf } from './risky.js';
import { CLUSTER, inNamespace } from './rules.js';
import type { Subject } from './types.js';

function riskFrom(yaml: string) {
  const { objects } = parseManifest('test.yaml', Buffer.from(yaml));
  return riskOf(buildInventory(objects).inventory);
}

describe('the risky-permission table', () => {
  it('names registered checks and techniques of the matrix, and each check declares its rows', () => {
    for (const permission of RISKY_PERMISSIONS) {
      const check = allChecks.find((candidate) => candidate.id === permission.check);
      expect(check, permission.check).toBeDefined();
      for (const technique of permission.techniques) {
        expect(isTechniqueId(technique), technique).toBe(true);
        expect(check?.exposes).toContain(technique);
      }
    }
  });
});

describe('risk index', () => {
  const risk = riskFrom(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all-accounts, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: "system:serviceaccounts:app"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: approver}
rules:
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}
- {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [example.com/internal], verbs: [approve]}
`);
  const account: Subject = { kind: 'ServiceAccount', namespace: 'app', name: 'web' };
  const checks = (held: { permission: { check: string } }[]) =>
    [...new Set(held.map((h) => h.permission.check))].sort();

  it('holds group grants effectively, not as the subject itself', () => {
    expect(risk.heldBy(account)).toEqual([]);
    expect(checks(risk.effective(account))).toEqual([
      'rbac-create-workloads',
      'rbac-cronjobs',
      'rbac-delete-events',
      'rbac-destructive-delete',
      'rbac-exec',
      'rbac-modify-workloads',
      'rbac-privilege-escalation-verbs',
      'rbac-read-secrets',
      'rbac-token-creation',
    ]);
    expect(risk.effective({ ...account, namespace: 'other' })).toEqual([]);
  });

  it('keeps a conjunction as strong as its weakest requirement', () => {
    const role = risk.rbac.roles.find((candidate) => candidate.name === 'approver');
    const [held] = role ? risk.latent(role) : [];
    expect(held?.permission.check).toBe('rbac-csr-approval');
    expect(held?.severity).toBe('high');
    expect(held?.grants.map((grant) => grant.rule.index)).toEqual([0]);
  });
});

describe('permissions a list of rules hands out on its own', () => {
  const rule = (verbs: string[], resources: string[], resourceNames: string[] = []) => ({
    verbs,
    apiGroups: [''],
    resources,
    resourceNames,
    nonResourceURLs: [],
  });

  it('finds secrets read at the scope granted, one step lower when narrowed to named objects', () => {
    const held = (rules: ReturnType<typeof rule>[], scope = CLUSTER) =>
      permissionsIn(rules, scope)
        .filter(({ permission }) => permission.check === 'rbac-read-secrets')
        .map(({ severity }) => severity);
    expect(held([rule(['get'], ['secrets'])])).toEqual(['critical']);
    expect(held([rule(['get'], ['secrets'])], inNamespace('shop'))).toEqual(['medium']);
    expect(held([rule(['get'], ['secrets'], ['db'])])).toEqual(['high']);
    expect(held([rule(['get'], ['configmaps'])])).toEqual([]);
  });

  it('needs every requirement of a conjunction, and skips permissions about particular objects', () => {
    const checks = (rules: ReturnType<typeof rule>[]) =>
      permissionsIn(rules, CLUSTER).map(({ permission }) => permission.check);
    const approve = {
      verbs: ['update'],
      apiGroups: ['certificates.k8s.io'],
      resources: ['certificatesigningrequests/approval'],
      resourceNames: [],
      nonResourceURLs: [],
    };
    expect(checks([approve])).not.toContain('rbac-csr-approval');
    expect(checks([approve, { ...approve, verbs: ['approve'], resources: ['signers'] }])).toContain(
      'rbac-csr-approval',
    );
    expect(checks([rule(['update'], ['configmaps'])])).not.toContain('rbac-coredns');
  });
});
