import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttackPaths } from '../../src/model/paths.js';
import { cli } from './run.js';

/**
 * `paths --from/--to` over a real graph: every form `--help` and docs/paths.md show. app/web is privileged and runs
 * as app/ci, which (like user alice) may list every secret; decoys: a plain `web` in another namespace, and a
 * ServiceAccount named `web` beside the Deployment.
 */
const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: ci
      containers: [{name: c, image: nginx@sha256:${'a'.repeat(64)}, securityContext: {privileged: true}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: other}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx@sha256:${'a'.repeat(64)}, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: app}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: read-secrets}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-secrets}
subjects:
  - {kind: ServiceAccount, name: ci, namespace: app}
  - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
`;

const APP_WEB = 'workload:app/Deployment/web';
const OTHER_WEB = 'workload:other/Deployment/web';

let file = '';
beforeAll(() => {
  file = path.join(mkdtempSync(path.join(tmpdir(), 'kubematrix-paths-filters-')), 'app.yaml');
  writeFileSync(file, manifests);
});

async function pathsWith(...args: string[]) {
  const { status, stdout, stderr } = await cli(['paths', file, '-o', 'json', ...args]);
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  const graph = AttackPaths.parse(JSON.parse(stdout));
  return {
    from: new Set(graph.paths.flatMap((found) => [found.from, ...(found.alsoFrom ?? [])])),
    to: new Set(graph.paths.map((found) => found.to)),
  };
}

describe('kubematrix paths --from', () => {
  it.each([
    ['NAMESPACE/NAME', 'app/web', [APP_WEB]],
    ['KIND/NAMESPACE/NAME', 'Deployment/app/web', [APP_WEB]],
    ['NAMESPACE/KIND/NAME', 'app/Deployment/web', [APP_WEB]],
    ['KIND/NAME, any namespace, any case', 'deployment/web', [APP_WEB, OTHER_WEB]],
    ['NAMESPACE', 'other', [OTHER_WEB]],
    ['a node id', APP_WEB, [APP_WEB]],
    ['user:NAME', 'user:alice', ['identity:user:alice']],
    ['group:NAME', 'group:ops', ['identity:group:ops']],
  ])('takes %s (%s)', async (_form, pattern, entries) => {
    expect((await pathsWith('--from', pattern)).from).toEqual(new Set(entries));
  });
});

describe('kubematrix paths --to', () => {
  it.each([
    ['a target short name', 'node-root', ['target:node-root']],
    ['another target short name', 'all-secrets', ['target:all-secrets']],
    ['a target id', 'target:all-secrets', ['target:all-secrets']],
    ['sa:NAMESPACE/NAME', 'sa:app/ci', ['identity:sa:app/ci']],
    ['KIND/NAMESPACE/NAME of a service account', 'sa/app/ci', ['identity:sa:app/ci']],
    ['NAMESPACE/NAME of a service account', 'app/ci', ['identity:sa:app/ci']],
    ['a node id', 'node:*', ['node:*']],
  ])('takes %s (%s)', async (_form, pattern, targets) => {
    expect((await pathsWith('--to', pattern)).to).toEqual(new Set(targets));
  });

  it('answers a target no path reaches with no path, not an error', async () => {
    const { status, stdout } = await cli(['paths', file, '--to', 'cluster-admin']);
    expect(status).toBe(0);
    expect(stdout).toContain('No path reaches a target.');
  });

  it('shows every form it takes in --help', async () => {
    const help = (await cli(['paths', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const form of ['NAMESPACE/NAME', 'KIND/NAME', 'KIND/NAMESPACE/NAME', 'sa:NAMESPACE/NAME', 'user:NAME']) {
      expect(help).toContain(form);
    }
    expect(help).toContain('node-root');
  });
});

describe('kubematrix paths --from/--to naming nothing', () => {
  it('exits 2, saying how many there are and the nearest', async () => {
    const from = await cli(['paths', file, '--from', 'app/wbe']);
    expect(from).toMatchObject({ status: 2, stdout: '' });
    expect(from.stderr).toBe(
      "kubematrix: --from 'app/wbe' names no entry point of the graph; it has 4 entry points, closest: app/Deployment/web, other/Deployment/web, and 2 more\n",
    );
    const to = await cli(['paths', file, '--to', 'node-rot']);
    expect(to.status).toBe(2);
    expect(to.stderr).toMatch(
      /^kubematrix: --to 'node-rot' names no namespace of the graph; it has \d+ nodes and namespaces, closest: node-root,/,
    );
    // A service account is no entry point: the right words, the wrong end.
    expect((await cli(['paths', file, '--from', 'sa:app/ci'])).status).toBe(2);
  });

  it('bounds the list: thousands of workloads are counted, five shown', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-paths-many-'));
    const pods = Array.from(
      { length: 2000 },
      (_, i) =>
        `apiVersion: v1\nkind: Pod\nmetadata: {name: pod-${i}, namespace: many}\nspec: {containers: [{name: c, image: x}]}\n`,
    );
    writeFileSync(path.join(dir, 'many.yaml'), pods.join('---\n'));
    const { status, stderr } = await cli(['paths', dir, '--from', 'many/pod-x']);
    expect(status).toBe(2);
    expect(stderr).toMatch(
      /it has 2000 entry points, closest: (many\/Pod\/pod-\d+, ){4}many\/Pod\/pod-\d+, and 1995 more\n$/,
    );
  });
});
