import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryOf } from '../../test/support/admission.js';
import { contextOf, findingsIn } from '../../test/support/fix.js';
import { openApiErrors } from '../../test/support/openapi.js';
import { allChecks } from '../checks/index.js';
import { Config } from '../config/index.js';
import { analyze } from '../engine/analyze.js';
import { buildInventory, type Inventory } from '../inventory/index.js';
import { riskOf } from '../rbac/risky.js';
import { rbacFixes } from './rbac.js';
import type { FixFile } from './types.js';
import { readUsage } from './usage.js';

const OPERATOR = { kind: 'ServiceAccount' as const, namespace: 'shop', name: 'shop-operator' };

/** The cluster after the files: removals gone, patches applied over the top level, creations added. */
function applied(inventory: Inventory, files: readonly FixFile[]): Inventory {
  const gone = files.flatMap((file) => file.removes ?? []);
  const patches = files.flatMap((file) => file.patches ?? []);
  const same = (a: { kind: string; name: string; namespace?: string | null }, b: typeof a) =>
    a.kind === b.kind && a.name === b.name && (a.namespace ?? null) === (b.namespace ?? null);
  const kept = inventory.resources
    .filter((resource) => !gone.some((ref) => same(ref, resource.ref)))
    .map((resource) => {
      const patch = patches.find((each) => same(each.target, resource.ref));
      return { object: patch ? { ...resource.object, ...patch.patch } : resource.object };
    });
  return buildInventory([...kept, ...files.flatMap((file) => file.creates ?? []).map((object) => ({ object }))])
    .inventory;
}

const rbacFindings = (inventory: Inventory) =>
  analyze(inventory, {
    checks: allChecks.filter((check) => check.id.startsWith('rbac-')),
    config: Config.parse({}),
    now: new Date(0),
  }).findings.filter((finding) => !finding.message.startsWith('expected'));

function binding(name: string, role: string, subjects: Record<string, unknown>[], kind = 'ClusterRoleBinding') {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(kind === 'RoleBinding' ? { namespace: 'shop' } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects,
  };
}

const clusterRole = (name: string, rules: Record<string, unknown>[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name },
  rules,
});

describe('rbacFixes', () => {
  it('on examples/shop: cluster-admin for the operator becomes a narrowed role with no wildcard and no risky grant', async () => {
    const context = await contextOf(['examples/shop']);
    const files = rbacFixes(context);
    expect(files.map((file) => file.path)).toEqual(['MS-M9003-rbac/clusterrolebinding-shop-operator.yaml']);
    const [file] = files as [FixFile];
    for (const object of file.creates ?? []) expect(openApiErrors(object)).toEqual([]);
    expect(JSON.stringify(file.creates)).not.toContain('"*"');
    expect(file.removes).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        namespace: null,
        name: 'shop-operator',
      },
    ]);
    const before = context.findings.filter((finding) => finding.checkId === 'rbac-cluster-admin');
    expect(before).toHaveLength(1);
    expect(file.closes.findings).toEqual(before.map((finding) => finding.id));
    expect(file.breaks[0]).toMatch(/^ServiceAccount shop\/shop-operator lose \d+ risky permission\(s\)/);
    expect(file.text).toContain('escalate roles.rbac.authorization.k8s.io (rbac-privilege-escalation-verbs)');
    const after = applied(context.inventory, files);
    expect(riskOf(after).heldBy(OPERATOR)).toEqual([]);
    expect(rbacFindings(after)).toEqual([]);
    // It still reads what an operator reads.
    const can = (verb: string, resource: string, apiGroup?: string) =>
      riskOf(after).rbac.can(OPERATOR, { verb, resource, ...(apiGroup ? { apiGroup } : {}), namespace: 'shop' })
        .allowed;
    expect(can('list', 'deployments', 'apps')).toBe(true);
    expect(can('get', 'configmaps')).toBe(true);
    expect(can('create', 'pods')).toBe(false);
    expect(can('list', 'secrets')).toBe(false);
    expect(await findingsIn(files)).toEqual([]);
  });

  it('with an audit log: keeps what the subjects used, proposes the rest for removal, power-giving verbs first', async () => {
    const context = await contextOf(['examples/shop']);
    const usage = {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-30T00:00:00Z',
      bySubject: new Map([
        [
          'sa:shop/shop-operator',
          new Map([
            ['list deployments shop', 40],
            ['patch deployments shop', 3],
            ['get configmaps shop', 12],
          ]),
        ],
      ]),
    };
    const [file] = rbacFixes({ ...context, usage }) as [FixFile];
    const role = file.creates?.[0] as { rules: unknown[] };
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'patch'] },
      // Non-resource URLs are not judged by the log: `*` narrows to health and discovery.
      { nonResourceURLs: expect.arrayContaining(['/healthz', '/apis/*']), verbs: ['get'] },
    ]);
    expect(file.text).toContain(
      'Evidence: the audit log from 2026-11-01T00:00:00Z to 2026-11-30T00:00:00Z shows 55 request(s)',
    );
    const removal = file.text.split('\n').find((line) => line.startsWith('# Proposed for removal')) ?? '';
    expect(removal).toMatch(/never used in the window: escalate roles/);
    expect(removal.indexOf('impersonate')).toBeLessThan(removal.indexOf('create pods'));
    expect(removal.indexOf('create pods')).toBeLessThan(removal.indexOf('get secrets'));
    // A used write to workloads is kept though risky: the log shows the operator needs it.
    expect(file.text).toContain(
      'Kept though risky, as the log shows them used: patch deployments.apps (rbac-modify-workloads).',
    );
    expect(file.breaks).toEqual([]);
  });

  it('drops anonymous subjects: a patch when others remain, a removal when none does', () => {
    const reader = clusterRole('pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
    const inventory = inventoryOf(
      reader,
      binding('readers', 'pod-reader', [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:unauthenticated' },
      ]),
      binding('public', 'pod-reader', [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'system:anonymous' },
      ]),
    );
    const findings = rbacFindings(inventory);
    const files = rbacFixes({ inventory, findings, mode: 'warn' });
    const readers = files.find((file) => file.path.endsWith('clusterrolebinding-readers.yaml'));
    expect(readers?.patches).toEqual([
      {
        target: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          namespace: null,
          name: 'readers',
        },
        patch: { subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }] },
      },
    ]);
    const publicFile = files.find((file) => file.path.endsWith('clusterrolebinding-public.yaml'));
    expect(publicFile?.removes?.map((ref) => ref.name)).toEqual(['public']);
    expect(rbacFindings(applied(inventory, files)).filter((f) => f.checkId === 'rbac-anonymous-access')).toEqual([]);
    expect([...(readers?.closes.findings ?? []), ...(publicFile?.closes.findings ?? [])].sort()).toEqual(
      findings
        .filter((f) => f.checkId === 'rbac-anonymous-access')
        .map((f) => f.id)
        .sort(),
    );
  });

  it('gives each definition of a binding its own file: a base and an overlay, or one folder per environment', () => {
    const admin = binding('deployers', 'cluster-admin', [
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'system:anonymous' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'shop' },
    ]);
    const { inventory } = buildInventory(
      ['base', 'overlays/prod', 'overlays/dev'].map((folder) => ({ object: admin, file: `${folder}/rbac.yaml` })),
    );
    const files = rbacFixes({ inventory, findings: rbacFindings(inventory), mode: 'warn' });
    // Before, the three had one path, and fix stopped with an internal error.
    expect(files.map((file) => file.path).sort()).toEqual([
      'MS-M9003-rbac/clusterrolebinding-deployers-2.yaml',
      'MS-M9003-rbac/clusterrolebinding-deployers-3.yaml',
      'MS-M9003-rbac/clusterrolebinding-deployers.yaml',
    ]);
  });

  it('leaves alone what is not risky where it is granted: configmap writes outside kube-system, expected bindings', () => {
    const editor = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'config-editor', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update', 'patch'] }],
    };
    const roleBinding = {
      ...binding(
        'config-editor',
        'config-editor',
        [{ kind: 'ServiceAccount', name: 'app', namespace: 'shop' }],
        'RoleBinding',
      ),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'config-editor' },
    };
    const inventory = inventoryOf(editor, roleBinding);
    expect(rbacFixes({ inventory, findings: rbacFindings(inventory), mode: 'warn' })).toEqual([]);
    expect(rbacFixes({ inventory: inventoryOf(), findings: [], mode: 'warn' })).toEqual([]);
  });
});

describe('readUsage', () => {
  it('counts each authorized request once, per subject and its groups, over the window the log covers', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kubematrix-usage-'));
    const event = (verb: string, resource: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        apiVersion: 'audit.k8s.io/v1',
        kind: 'Event',
        auditID: `${Math.random()}`,
        stage: 'ResponseComplete',
        verb,
        user: { username: 'system:serviceaccount:shop:shop-operator', groups: ['system:serviceaccounts'] },
        objectRef: { resource, namespace: 'shop' },
        responseStatus: { code: 200 },
        requestReceivedTimestamp: '2026-11-02T10:00:00.000000Z',
        ...extra,
      });
    try {
      const log = path.join(folder, 'audit.log');
      writeFileSync(
        log,
        [
          event('list', 'deployments'),
          event('list', 'deployments', { requestReceivedTimestamp: '2026-11-03T10:00:00.000000Z' }),
          event('get', 'secrets', { responseStatus: { code: 403 } }),
          event('create', 'pods', { stage: 'RequestReceived' }),
          event('create', 'pods', { objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop' } }),
          'not json',
        ].join('\n'),
      );
      const { usage, events, errors } = await readUsage([log]);
      expect(events).toBe(3);
      expect(errors).toHaveLength(1);
      expect(usage.from).toBe('2026-11-02T10:00:00.000000Z');
      expect(usage.to).toBe('2026-11-03T10:00:00.000000Z');
      expect(Object.fromEntries(usage.bySubject.get('sa:shop/shop-operator') ?? [])).toEqual({
        'list deployments shop': 2,
        'create pods/exec shop': 1,
      });
      expect(usage.bySubject.get('group:system:serviceaccounts')?.get('list deployments shop')).toBe(2);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
