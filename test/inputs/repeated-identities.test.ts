import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanManifests } from '../../src/engine/scan.js';

/** Writes `files` (relative path → YAML) into a fresh folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kubematrix-repeated-'));
  for (const [file, yaml] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), yaml);
  }
  return root;
}

const role = (name: string, resource: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${name}}
rules:
- {apiGroups: [""], resources: [${resource}], verbs: [get, list]}
`;
const binding = (name: string, user: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${name}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${name}}
subjects:
- {kind: User, name: ${user}}
`;

describe('a repository is not one cluster: repeated identities', () => {
  it("assesses two teams' same-named roles each where it is written, and binds each to the nearest one", async () => {
    const root = tree({
      'team-a/rbac.yaml': `${role('ops', 'secrets')}---\n${binding('ops', 'alice')}`,
      'team-b/rbac.yaml': `${role('ops', 'configmaps')}---\n${binding('ops', 'bob')}`,
    });
    const { report } = await scanManifests([root]);
    const secrets = report.findings.filter((finding) => finding.checkId === 'rbac-read-secrets');
    expect(secrets.map((finding) => [finding.resource.kind, finding.resource.name])).toEqual([['User', 'alice']]);
    expect(secrets[0]?.location?.file).toBe(path.join(root, 'team-a/rbac.yaml'));
    expect(secrets[0]?.evidence?.find((entry) => entry.type === 'rule')?.location?.file).toBe(
      path.join(root, 'team-a/rbac.yaml'),
    );

    // Each repetition once, with every place it is defined.
    expect(report.warnings.map((warning) => [warning.code, warning.resource?.kind, warning.locations.length])).toEqual([
      ['repeated-identity', 'ClusterRole', 2],
      ['repeated-identity', 'ClusterRoleBinding', 2],
    ]);
    expect(
      report.warnings[0]?.locations.map((location) => [path.relative(root, location.file), location.line]),
    ).toEqual([
      ['team-a/rbac.yaml', 3],
      ['team-b/rbac.yaml', 3],
    ]);
  });

  it('reports every one of many fixture roles with one name, each at its own file', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 18; index++) {
      files[`fixtures/case-${String(index).padStart(2, '0')}.yaml`] = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: test}
rules:
- {apiGroups: [""], resources: [pods], verbs: [create]}
`;
    }
    const { report } = await scanManifests([tree(files)]);
    const latent = report.findings.filter((finding) => finding.checkId === 'rbac-create-workloads');
    expect(latent).toHaveLength(18);
    expect(new Set(latent.map((finding) => finding.location?.file)).size).toBe(18);
    expect(new Set(latent.map((finding) => finding.id)).size).toBe(18);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]?.locations).toHaveLength(18);
  });

  it('resolves a reference to the same file first, then the same folder, then the closest folder', async () => {
    const account = (automount: boolean) => `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: ${automount}
`;
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: web
  containers: [{name: web, image: nginx:1.27}]
`;
    const root = tree({
      'base/account.yaml': account(false),
      'base/pod.yaml': pod,
      'overlays/prod/account.yaml': account(true),
      'overlays/prod/pod.yaml': pod,
      'overlays/dev/all.yaml': `${account(true)}---\n${pod}`,
      'overlays/dev/other-account.yaml': account(false),
    });
    const { report } = await scanManifests([root]);
    const tokens = report.findings
      .filter((finding) => finding.checkId === 'service-account-token')
      .map((finding) => path.relative(root, finding.location?.file ?? ''))
      .sort();
    // The finding sits on the account that decides. base: its own folder's account disables the token; prod: its
    // folder's account enables it; dev: the account in the pod's own file wins over the one beside it.
    expect(tokens).toEqual(['overlays/dev/all.yaml', 'overlays/prod/account.yaml']);
    expect(report.warnings.map((warning) => [warning.resource?.kind, warning.locations.length])).toEqual([
      ['ServiceAccount', 4],
      ['Pod', 3],
    ]);
  });

  it('keeps a base and its overlay apart: the overlay that makes a workload privileged is reported there', async () => {
    const deployment = (privileged: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        securityContext: {privileged: ${privileged}}
`;
    const root = tree({ 'base/web.yaml': deployment(false), 'overlays/prod/web.yaml': deployment(true) });
    const { report } = await scanManifests([root]);
    const privileged = report.findings.filter((finding) => finding.checkId === 'privileged-container');
    expect(privileged.map((finding) => path.relative(root, finding.location?.file ?? ''))).toEqual([
      'overlays/prod/web.yaml',
    ]);
    // Both definitions are assessed: the same check on the same field is one finding per file.
    const perFile = report.findings.filter((finding) => finding.checkId === 'read-only-root-filesystem');
    expect(new Set(perFile.map((finding) => finding.location?.file)).size).toBe(2);
  });
});
