import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanCollection } from '../../src/engine/scan.js';
import { collectCluster, METADATA_ACCEPT } from '../../src/inputs/cluster/collect.js';
import { ClusterError } from '../../src/inputs/cluster/connect.js';
import { repoRoot } from '../paths.js';
import { CANARY, sampleCluster } from '../support/cluster.js';
import { type Fault, type KubeApiServer, kubeconfigText, startKubeApiServer } from '../support/kube-api-server.js';

let servers: KubeApiServer[] = [];
afterEach(async () => {
  // close() throws when a request other than GET arrived: the test fails.
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(faults: Record<string, Fault> = {}, objects?: Record<string, unknown>[]) {
  const server = await startKubeApiServer({ objects: objects ?? (await sampleCluster()), faults });
  servers.push(server);
  return server;
}

const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 };

function collect(server: KubeApiServer, options: Parameters<typeof collectCluster>[1] = {}) {
  return collectCluster({ kubeconfig: server.kubeconfig(), env: {}, cwd: repoRoot }, { retry: FAST_RETRY, ...options });
}

const counts = (collection: Awaited<ReturnType<typeof collect>>) =>
  Object.fromEntries(collection.kinds.map((kind) => [kind.kind, kind.objects]));

// The first collection imports the Kubernetes client, which takes a second or more on a busy machine.
describe('collecting from a cluster', { timeout: 30_000 }, () => {
  it('discovers first, then pages with limit and continue: every object arrives once, whatever the page size', async () => {
    const objects = await sampleCluster();
    const server = await serve({}, objects);
    const paged = await collect(server, { pageSize: 2 });
    expect(server.requests.slice(0, 3).map((r) => r.path)).toEqual(['/version', '/api/v1', '/apis']);
    const whole = await collect(server, { pageSize: 500 });
    expect(paged.objects).toHaveLength(objects.length);
    expect(counts(paged)).toEqual(counts(whole));
    expect(counts(paged)).toMatchObject({ ClusterRoleBinding: 3, Deployment: 5, Secret: 1 });
    const ids = paged.objects.map((o) => (o.metadata as { uid: string }).uid);
    expect(new Set(ids).size).toBe(ids.length);
    const continued = server.requests.filter((r) => r.query.continue);
    expect(continued.length).toBeGreaterThan(0);
    expect(continued.every((r) => r.query.limit === '2')).toBe(true);
    // Items come back whole: apiVersion and kind restored, managedFields dropped.
    expect(paged.objects.find((o) => o.kind === 'Deployment')).toMatchObject({ apiVersion: 'apps/v1', spec: {} });
  });

  it('asks for Secrets as metadata only, and keeps neither values nor kubectl’s copy of them', async () => {
    const server = await serve();
    const collection = await collect(server);
    const secretRequests = server.requests.filter((r) => r.path.endsWith('/secrets'));
    expect(secretRequests.length).toBeGreaterThan(0);
    expect(secretRequests.every((r) => r.accept === METADATA_ACCEPT)).toBe(true);
    const secret = collection.objects.find((o) => o.kind === 'Secret');
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: expect.objectContaining({ name: 'db-credentials', annotations: { team: 'orders' } }),
    });
    expect(JSON.stringify(collection)).not.toContain(CANARY);
  });

  it('finds a token Secret from its metadata alone, without its type or value', async () => {
    const token = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'ops-token', namespace: 'shop', annotations: { 'kubernetes.io/service-account.name': 'ops' } },
      data: { token: Buffer.from(CANARY).toString('base64') },
    };
    const server = await serve({}, [...(await sampleCluster()), token]);
    const collection = await collect(server);
    expect(collection.objects.find((o) => (o.metadata as { name?: string }).name === 'ops-token')).not.toHaveProperty(
      'type',
    );
    const { report } = scanCollection(collection);
    const found = report.findings.filter((finding) => finding.checkId === 'legacy-token-secret');
    expect(found.map((finding) => [finding.resource.name, finding.uri])).toEqual([
      ['ops-token', 'k8s://test/shop/Secret/ops-token'],
    ]);
    expect(found[0]?.message).toContain("service account 'ops'");
    expect(JSON.stringify(report)).not.toContain(CANARY);
  });

  it.each([
    ['answers 406', { status: 406 } as Fault],
    ['sends whole Secrets anyway', { ignoreMetadataAccept: true } as Fault],
  ])('leaves Secrets not assessed when the server %s, never fetching values', async (_, fault) => {
    const server = await serve({ secrets: fault });
    const collection = await collect(server);
    expect(collection.unavailable).toEqual([
      { kind: 'Secret', resource: 'secrets', reason: expect.stringContaining('metadata only') },
    ]);
    expect(server.requests.filter((r) => r.path.endsWith('/secrets')).every((r) => r.accept === METADATA_ACCEPT)).toBe(
      true,
    );
    expect(JSON.stringify(collection)).not.toContain(CANARY);
  });

  it('records a forbidden kind with its reason and goes on; techniques that needed it are not assessed', async () => {
    const server = await serve({ clusterrolebindings: { status: 403 } });
    const collection = await collect(server);
    expect(collection.unavailable).toEqual([
      {
        kind: 'ClusterRoleBinding',
        resource: 'clusterrolebindings.rbac.authorization.k8s.io',
        reason: expect.stringContaining('403'),
      },
    ]);
    expect(collection.errors).toEqual([
      {
        source: 'cluster test',
        message: expect.stringMatching(/^cannot list clusterrolebindings.* forbidden \(403\)/),
      },
    ]);
    expect(counts(collection).Deployment).toBe(5);

    const { report } = scanCollection(collection);
    const full = scanCollection(await collect(await serve())).report;
    // Exec into pods is granted through RBAC: with the cluster-wide bindings unknown, it is not assessed.
    const exec = report.techniques.find((t) => t.id === 'MS-TA9006');
    expect(full.techniques.find((t) => t.id === 'MS-TA9006')?.assessedBy).toContain('rbac-exec');
    expect(exec?.assessedBy).not.toContain('rbac-exec');
    // Every RBAC check reads the bindings through the shared RBAC model, whichever check built it first.
    expect(report.techniques.flatMap((t) => t.assessedBy).filter((id) => id.startsWith('rbac-'))).toEqual([]);
    // What the full cluster showed as assessed and clean is, without the bindings, unknown: with the reason.
    const before = new Map(full.techniques.map((t) => [t.id, t.status]));
    const unknown = report.techniques.filter((t) => before.get(t.id) === 'not-observed' && t.status !== 'not-observed');
    expect(unknown.length).toBeGreaterThan(0);
    for (const technique of unknown) {
      expect(technique).toMatchObject({
        status: 'not-assessed',
        reason: expect.stringMatching(/^could not list ClusterRoleBinding, which .*rbac-/),
      });
    }
    expect(report.techniques.filter((t) => t.reason).every((t) => t.status === 'not-assessed')).toBe(true);
    // Checks that never read ClusterRoleBindings found what they found before.
    const privileged = (r: typeof report) => r.findings.filter((f) => f.checkId === 'privileged-container');
    expect(privileged(report)).toEqual(privileged(full));
    expect(privileged(report).length).toBeGreaterThan(0);
  });

  it('leaves the kinds of a group version it could not discover unavailable, not absent', async () => {
    const server = await serve({ 'rbac.authorization.k8s.io/v1': { status: 500 } });
    const collection = await collect(server);
    expect(server.requests.filter((r) => r.path === '/apis/rbac.authorization.k8s.io/v1')).toHaveLength(3);
    expect(collection.unavailable.map((u) => u.kind)).toEqual([
      'Role',
      'RoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
    ]);
    expect(collection.unavailable[0]).toEqual({
      kind: 'Role',
      resource: 'roles.rbac.authorization.k8s.io',
      reason: 'discovery of rbac.authorization.k8s.io/v1 failed: the API server answered 500 InternalError, 3 attempts',
    });
    expect(collection.errors.map((e) => e.message)).toContain(
      'cannot list clusterrolebindings.rbac.authorization.k8s.io: discovery of rbac.authorization.k8s.io/v1 failed: the API server answered 500 InternalError, 3 attempts; what needs them is not assessed',
    );
    const { report } = scanCollection(collection);
    const full = scanCollection(await collect(await serve())).report;
    expect(full.techniques.find((t) => t.id === 'MS-TA9006')?.assessedBy).toContain('rbac-exec');
    expect(report.techniques.flatMap((t) => t.assessedBy).filter((id) => id.startsWith('rbac-'))).toEqual([]);
    // What the full cluster showed as assessed and clean is unknown now, with the reason.
    const before = new Map(full.techniques.map((t) => [t.id, t.status]));
    const unknown = report.techniques.filter((t) => before.get(t.id) === 'not-observed' && t.status !== 'not-observed');
    expect(unknown.length).toBeGreaterThan(0);
    for (const technique of unknown) {
      expect(technique).toMatchObject({
        status: 'not-assessed',
        reason: expect.stringMatching(/^could not list Role, RoleBinding, ClusterRole, ClusterRoleBinding, which /),
      });
    }
    // A group forbidden to discover is unknown too; one the server lacks (Gateway API here) stays absent.
    const forbidden = await collect(await serve({ 'apps/v1': { status: 403 } }));
    expect(forbidden.unavailable.map((u) => [u.kind, u.reason])).toEqual(
      ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((kind) => [
        kind,
        'discovery of apps/v1 failed: forbidden (403): the credentials may not list them',
      ]),
    );
    expect(forbidden.unavailable.map((u) => u.kind)).not.toContain('HTTPRoute');
  });

  it('collects every Gatekeeper constraint kind discovery lists, whatever its template named it', async () => {
    const template = {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: 'k8sallowedrepos' },
      spec: { crd: { spec: { names: { kind: 'K8sAllowedRepos' } } } },
    };
    const constraint = (kind: string, name: string) => ({
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind,
      metadata: { name },
      spec: { enforcementAction: 'warn', match: { namespaces: ['shop'] }, parameters: { repos: ['registry.shop/'] } },
    });
    const objects = [
      ...(await sampleCluster()),
      template,
      constraint('K8sAllowedRepos', 'shop-registry'),
      constraint('K8sPSPPrivilegedContainer', 'no-privileged'),
    ];
    const collection = await collect(await serve({}, objects));
    expect(collection.kinds).toEqual(
      expect.arrayContaining([
        { kind: 'K8sAllowedRepos', apiVersion: 'constraints.gatekeeper.sh/v1beta1', objects: 1, metadataOnly: false },
        {
          kind: 'K8sPSPPrivilegedContainer',
          apiVersion: 'constraints.gatekeeper.sh/v1beta1',
          objects: 1,
          metadataOnly: false,
        },
      ]),
    );
    // The admission engine finds them among the collected objects: their templates hold no CEL, so unproven and reported.
    const audited = scanCollection(collection).report.findings.filter((f) => f.checkId === 'admission-policies');
    expect(audited.map((f) => f.uri)).toEqual(
      expect.arrayContaining([
        'k8s://test//K8sAllowedRepos/shop-registry',
        'k8s://test//K8sPSPPrivilegedContainer/no-privileged',
      ]),
    );

    const undiscovered = await collect(await serve({ 'constraints.gatekeeper.sh/v1beta1': { status: 403 } }, objects));
    expect(undiscovered.unavailable).toEqual([
      {
        kind: '*.constraints.gatekeeper.sh',
        resource: '*.constraints.gatekeeper.sh',
        reason:
          'discovery of constraints.gatekeeper.sh/v1beta1 failed: forbidden (403): the credentials may not list them',
      },
    ]);
    // Whoever reads every kind, as the admission simulation does, did not assess what it would have.
    const assessing = (collection: typeof undiscovered) =>
      scanCollection(collection).report.techniques.filter((t) => t.assessedBy.includes('admission-policies'));
    expect(assessing(collection).length).toBeGreaterThan(0);
    expect(assessing(undiscovered)).toEqual([]);
  });

  it("collects Kyverno's policies with the exceptions that exempt from them: a policy is not credited where it lets by", async () => {
    const clusterPolicy = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'no-privileged' },
      spec: {
        validationFailureAction: 'Enforce',
        rules: [
          {
            name: 'no-privileged',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: {
              message: 'no privileged containers',
              pattern: { spec: { containers: [{ '=(securityContext)': { '=(privileged)': 'false' } }] } },
            },
          },
        ],
      },
    };
    const exception = {
      apiVersion: 'kyverno.io/v2',
      kind: 'PolicyException',
      metadata: { name: 'payments', namespace: 'kyverno' },
      spec: {
        exceptions: [{ policyName: 'no-privileged', ruleNames: ['no-privileged'] }],
        match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['payments'] } }] },
      },
    };
    const celException = {
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'PolicyException',
      metadata: { name: 'none', namespace: 'payments' },
      spec: { policyRefs: [{ name: 'audit-only', kind: 'ValidatingPolicy' }], matchConditions: [] },
    };
    // Kyverno's CEL policies, listed too (audit only here: the answers below stay the ClusterPolicy's).
    const celPolicy = (kind: string, namespace?: string) => ({
      apiVersion: 'policies.kyverno.io/v1',
      kind,
      metadata: { name: 'audit-only', ...(namespace ? { namespace } : {}) },
      spec: {
        validationActions: ['Audit'],
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
        },
        validations: [{ expression: 'false', message: 'audited' }],
      },
    });
    const namespaces = ['shop', 'payments'].map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    }));
    const policies = [clusterPolicy, exception, celException, celPolicy('ValidatingPolicy')];
    const collection = await collect(
      await serve({}, [...namespaces, ...policies, celPolicy('NamespacedValidatingPolicy', 'shop')]),
    );
    expect(collection.kinds).toEqual(
      expect.arrayContaining(
        [
          ['PolicyException', 'kyverno.io/v2'],
          ['PolicyException', 'policies.kyverno.io/v1'],
          ['ValidatingPolicy', 'policies.kyverno.io/v1'],
          ['NamespacedValidatingPolicy', 'policies.kyverno.io/v1'],
        ].map(([kind, apiVersion]) => ({ kind, apiVersion, objects: 1, metadataOnly: false })),
      ),
    );
    const gap = (collected: typeof collection) =>
      scanCollection(collected)
        .report.findings.filter((finding) => finding.checkId === 'admission-gap')
        .map((finding) => finding.message);
    expect(gap(collection).join(' ')).toContain('admitted in payments');
    // Not allowed to list the exceptions: what they may exempt is not claimed either way.
    const forbidden = await collect(
      await serve({ policyexceptions: { status: 403 } }, [...namespaces, clusterPolicy, exception]),
    );
    expect(forbidden.unavailable.map((kind) => kind.resource)).toContain('policyexceptions.kyverno.io');
    const assessedByGap = (collected: typeof collection) =>
      scanCollection(collected).report.techniques.filter((t) => t.assessedBy.includes('admission-gap'));
    expect(assessedByGap(collection).length).toBeGreaterThan(0);
    expect(assessedByGap(forbidden)).toEqual([]);
    // Two groups serve a PolicyException: each failure is its own, and what the other group listed is kept (a
    // snapshot holds it), while the kind stays unreadable to the checks.
    const [bothForbidden, celUndiscovered] = await Promise.all([
      collect(await serve({ policyexceptions: { status: 403 } }, [...namespaces, ...policies])),
      collect(await serve({ 'policies.kyverno.io/v1': { status: 403 } }, [...namespaces, ...policies])),
    ]);
    expect(bothForbidden.unavailable.filter((u) => u.kind === 'PolicyException').map((u) => u.resource)).toEqual([
      'policyexceptions.kyverno.io',
      'policyexceptions.policies.kyverno.io',
    ]);
    expect(bothForbidden.errors.filter((e) => e.message.includes('policyexceptions'))).toHaveLength(2);
    expect(celUndiscovered.unavailable.map((u) => u.resource)).toContain('policyexceptions.policies.kyverno.io');
    expect(celUndiscovered.kinds).toContainEqual({
      kind: 'PolicyException',
      apiVersion: 'kyverno.io/v2',
      objects: 1,
      metadataOnly: false,
    });
    expect(celUndiscovered.objects).toContainEqual(expect.objectContaining({ kind: 'PolicyException' }));
    expect(assessedByGap(celUndiscovered)).toEqual([]);
  });

  it('counts events per namespace with one-item lists, and never keeps them', async () => {
    const event = (namespace: string, index: number) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `e${index}`, namespace },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
    });
    const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const objects = [
      ...(await sampleCluster()),
      namespace('default'),
      namespace('kube-system'),
      ...[0, 1, 2].map((i) => event('shop', i)),
      event('default', 3),
    ];
    const server = await serve({}, objects);
    const collection = await collect(server);
    expect(collection.events).toMatchObject({ shop: 3, default: 1, 'kube-system': 0 });
    expect(Object.keys(collection.events ?? {}).sort()).toEqual(
      collection.objects
        .filter((o) => o.kind === 'Namespace')
        .map((o) => (o.metadata as { name: string }).name)
        .sort(),
    );
    const eventRequests = server.requests.filter((r) => r.path.endsWith('/events'));
    expect(eventRequests.every((r) => r.query.limit === '1' && r.path.startsWith('/api/v1/namespaces/'))).toBe(true);
    expect(collection.objects.some((o) => o.kind === 'Event')).toBe(false);
    expect(JSON.stringify(collection)).not.toContain('Back-off');
    expect(scanCollection(collection).report.source.events).toEqual(collection.events);

    // Only the namespaces asked for, and an API server that keeps the remaining count to itself.
    const uncounted = await collect(await serve({ events: { withoutRemainingItemCount: true } }, objects), {
      namespaces: ['shop', 'default'],
    });
    expect(uncounted.events).toEqual({ shop: 'unknown', default: 1 });

    const denied = await collect(await serve({ events: { status: 403 } }, objects), { namespaces: ['shop', 'web'] });
    expect(denied.events).toEqual({ shop: 'unknown', web: 'unknown' });
    expect(denied.unavailable).toEqual([]);
    expect(denied.errors.map((e) => e.message)).toEqual([
      'cannot count events in 2 namespaces: forbidden (403): the credentials may not list them',
    ]);
  });

  it('leaves out a kind that discovery showed but whose list is not found, as it would a group not served', async () => {
    const server = await serve({ networkpolicies: { status: 404 } });
    const collection = await collect(server);
    expect(collection.kinds.map((k) => k.kind)).not.toContain('NetworkPolicy');
    expect(collection.kinds.map((k) => k.kind)).not.toContain('HTTPRoute'); // Gateway API: not served at all
    expect(collection).toMatchObject({ unavailable: [], errors: [] });
  });

  it('waits as long as a 429 says before retrying', async () => {
    const server = await serve({ pods: { status: 429, retryAfter: 1, times: 1 } });
    const started = Date.now();
    const collection = await collect(server);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(collection.unavailable).toEqual([]);
    expect(server.requests.filter((r) => r.path === '/api/v1/pods')).toHaveLength(2);
  });

  it('retries server errors, then gives the kind up with a clear error', async () => {
    const flaky = await serve({ deployments: { status: 500, times: 2 } });
    expect(counts(await collect(flaky)).Deployment).toBe(5);
    const broken = await serve({ deployments: { status: 500 } });
    const collection = await collect(broken);
    expect(broken.requests.filter((r) => r.path === '/apis/apps/v1/deployments')).toHaveLength(3);
    expect(collection.errors.map((e) => e.message)).toEqual([
      'cannot list deployments.apps: the API server answered 500 InternalError, 3 attempts; what needs them is not assessed',
    ]);
  });

  it('starts a list over when its continue token expires', async () => {
    const server = await serve({ deployments: { status: 410, times: 1 } });
    const collection = await collect(server, { pageSize: 2 });
    expect(collection.unavailable).toEqual([]);
    expect(counts(collection)).toEqual(counts(await collect(server)));
    const firstPages = server.requests.filter((r) => r.path.endsWith('/deployments') && !r.query.continue);
    expect(firstPages.length).toBe(3); // the expired run, its restart, and the second collection
  });

  it('times out a slow answer and says so', async () => {
    // Far apart, so that a loaded machine cannot make the quick answers time out too.
    const server = await serve({ services: { delayMs: 4000 } });
    const collection = await collect(server, {
      timeoutMs: 1000,
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
    });
    expect(collection.unavailable).toEqual([
      { kind: 'Service', resource: 'services', reason: 'timed out (no complete answer within 1000 ms), 2 attempts' },
    ]);
  });

  it('reports malformed JSON as such, without quoting it', async () => {
    const server = await serve({ configmaps: { malformed: true } });
    const collection = await collect(server);
    expect(collection.unavailable).toEqual([
      { kind: 'ConfigMap', resource: 'configmaps', reason: 'the API server sent a response that is not valid JSON' },
    ]);
  });

  it('lists only the namespaces asked for, and leaves excluded ones out', async () => {
    const server = await serve();
    const only = await collect(server, { namespaces: ['shop'] });
    expect(server.requests.some((r) => r.path === '/api/v1/namespaces/shop/pods')).toBe(true);
    const namespaces = (c: typeof only) =>
      new Set(c.objects.flatMap((o) => (o.metadata as { namespace?: string }).namespace ?? []));
    expect(namespaces(only)).toEqual(new Set(['shop']));
    expect(only.objects.some((o) => o.kind === 'ClusterRoleBinding')).toBe(true);
    const without = await collect(server, { excludeNamespaces: ['shop'] });
    expect(namespaces(without).has('shop')).toBe(false);
    expect(
      without.objects.some((o) => o.kind === 'Namespace' && (o.metadata as { name: string }).name === 'shop'),
    ).toBe(false);
  });

  it('reads $KUBECONFIG with several files and switches context', async () => {
    const [a, b] = [await serve(), await serve()];
    const first = a.kubeconfig({ context: 'alpha' });
    const second = b.kubeconfig({ context: 'beta' });
    const env = { KUBECONFIG: `${first}:${second}` };
    const current = await collectCluster({ env, cwd: repoRoot });
    expect(current).toMatchObject({ context: 'alpha', server: a.url });
    const other = await collectCluster({ env, cwd: repoRoot, context: 'beta' });
    expect(other).toMatchObject({ context: 'beta', server: b.url });
    await expect(collectCluster({ env, cwd: repoRoot, context: 'gamma' })).rejects.toThrow(ClusterError);
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-test-'));
    writeFileSync(path.join(dir, 'config'), kubeconfigText('x', a.url, a.ca, 'wrong'));
    // Relative to the working directory, as kubectl reads it.
    await expect(collectCluster({ kubeconfig: 'config', env: {}, cwd: dir })).rejects.toThrow(
      /cannot read \/version from .*: the API server answered 401 Unauthorized$/,
    );
    rmSync(dir, { recursive: true });
  });
  it('orders cluster findings by object address, then field, and addresses their evidence too', async () => {
    const { report } = scanCollection(await collect(await serve()));
    const key = (f: (typeof report.findings)[number]) => [f.severity, f.uri ?? '', f.path ?? ''] as const;
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const sorted = [...report.findings].sort((a, b) => {
      const [sa, ua, pa] = key(a);
      const [sb, ub, pb] = key(b);
      return rank.indexOf(sa) - rank.indexOf(sb) || (ua < ub ? -1 : ua > ub ? 1 : pa < pb ? -1 : pa > pb ? 1 : 0);
    });
    expect(report.findings.map(key)).toEqual(sorted.map(key));
    const evidence = report.findings.flatMap((f) => f.evidence ?? []).filter((e) => e.resource);
    expect(evidence.length).toBeGreaterThan(0);
    for (const entry of evidence) {
      const { kind, namespace, name } = entry.resource ?? {};
      expect(entry.uri).toBe(`k8s://test/${namespace ?? ''}/${kind}/${name}`);
      expect(entry.location).toBeUndefined();
    }
  });

  it('authenticates in a pod with its service account: the token and CA files, the address from the environment', async () => {
    const server = await serve();
    const root = mkdtempSync(path.join(tmpdir(), 'kubematrix-pod-'));
    const account = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(account, { recursive: true });
    writeFileSync(path.join(account, 'token'), server.token);
    writeFileSync(path.join(account, 'ca.crt'), server.ca);
    writeFileSync(path.join(account, 'namespace'), 'kubematrix');
    // As a pod's environment has it, and no kubeconfig anywhere: HOME has none.
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(server.url).port, HOME: root };
    try {
      const collection = await collectCluster({ env, cwd: root, inClusterRoot: root }, { retry: FAST_RETRY });
      expect(collection).toMatchObject({ context: 'in-cluster', server: server.url, unavailable: [], errors: [] });
      expect(counts(collection).Deployment).toBe(5);
      // Outside a pod (no service host), the same files are not used.
      await expect(collectCluster({ env: { HOME: root }, cwd: root, inClusterRoot: root })).rejects.toThrow(
        /^no kubeconfig/,
      );
      // A token the server refuses is the user's to fix, not a crash.
      writeFileSync(path.join(account, 'token'), 'expired');
      await expect(collectCluster({ env, cwd: root, inClusterRoot: root })).rejects.toThrow(/401 Unauthorized$/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the test API server', () => {
  it('fails its test when anything but GET arrives', async () => {
    const server = await startKubeApiServer({ objects: [] });
    const status = await new Promise<number>((resolve, reject) => {
      const post = request(`${server.url}/api/v1/namespaces`, { method: 'POST', ca: server.ca }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      post.on('error', reject);
      post.end('{}');
    });
    expect(status).toBe(405);
    await expect(server.close()).rejects.toThrow('POST /api/v1/namespaces');
  });
});
