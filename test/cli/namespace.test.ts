import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../../src/model/report.js';
import { repoRoot } from '../paths.js';
import { cli } from './run.js';

/** `-n` on files: where objects naming no namespace go, as `kubectl apply -n NS -f` and `helm template -n NS` put them. */
const FOLDER = 'test/fixtures/unnamespaced';
/** What `helm template` prints for many charts: no namespace anywhere, read from standard input. */
const rendered = readFileSync(path.join(repoRoot, FOLDER, 'app.yaml'), 'utf8');

const report = (stdout: string) => Report.parse(JSON.parse(stdout));
const namespaces = (stdout: string) => new Set(report(stdout).findings.map((finding) => finding.resource.namespace));

describe('-n on files', { timeout: 30_000 }, () => {
  it('places objects naming no namespace in default, or in the namespace -n gives, standard input included', async () => {
    const plain = await cli(['scan', '-', '-o', 'json'], { input: rendered });
    expect(plain.status).toBe(0);
    expect(namespaces(plain.stdout)).toEqual(new Set(['default']));
    const placed = await cli(['scan', '-', '-n', 'shop', '-o', 'json'], { input: rendered });
    expect(namespaces(placed.stdout)).toEqual(new Set(['shop']));
    expect(report(placed.stdout).findings[0]?.location).toMatchObject({ file: '-', namespaceDefaulted: 'shop' });
  });

  it('says so in the table and in SARIF, also where SARIF has no file to point at', async () => {
    const table = await cli(['scan', FOLDER, '-n', 'shop', '--all']);
    expect(table.stdout).toMatch(
      /- Job\/shop\/migrate {2}test\/fixtures\/unnamespaced\/app\.yaml:\d+:\d+ \(namespace defaulted to shop, -n\)/,
    );
    // staging/web names its namespace: its line says nothing more.
    expect(table.stdout).toMatch(
      /- Deployment\/staging\/web {2}test\/fixtures\/unnamespaced\/policies\.yaml:\d+:\d+\n/,
    );
    const sarif = JSON.parse((await cli(['scan', '-', '-n', 'shop', '-o', 'sarif'], { input: rendered })).stdout);
    const [location] = sarif.runs[0].results[0].locations;
    expect(location).toMatchObject({
      message: { text: 'namespace defaulted to shop, -n' },
      logicalLocations: [{ kind: 'resource' }],
    });
  });

  it('changes what RBAC grants: the ClusterRoleBinding names default/lab-operator, so the Pod placed elsewhere holds nothing', async () => {
    const paths = async (...args: string[]) =>
      JSON.parse((await cli(['paths', FOLDER, '-o', 'json', ...args])).stdout).paths.map(
        (found: { from: string; to: string }) => `${found.from} → ${found.to}`,
      );
    expect(await paths()).toContain('workload:default/Pod/operator-shell → target:cluster-admin');
    expect(await paths('-n', 'default')).toContain('workload:default/Pod/operator-shell → target:cluster-admin');
    const elsewhere = await paths('-n', 'lab');
    expect(elsewhere.filter((found: string) => found.startsWith('workload:lab/Pod/operator-shell'))).toEqual([]);
  });

  it('asks the rbac question in the namespace the manifests are placed in', async () => {
    const whoCan = await cli(['rbac', 'who-can', 'create', 'pods', FOLDER, '-n', 'shop']);
    expect(whoCan.stdout).toContain('ServiceAccount shop/deployer  in namespace shop');
    expect(whoCan.stdout).toMatch(
      /RoleBinding shop\/deployer-edit → .*app\.yaml:\d+ \(namespace defaulted to shop, -n\)/,
    );
    const subject = await cli(['rbac', 'subject', 'sa/deployer', FOLDER, '-o', 'json']);
    expect(JSON.parse(subject.stdout)).toMatchObject({ subject: { namespace: 'default', name: 'deployer' } });
  });

  it('takes one namespace on files: a list is for --cluster', async () => {
    const listed = await cli(['scan', FOLDER, '-n', 'shop,payments']);
    expect(listed.status).toBe(2);
    expect(listed.stderr).toMatch(/with files, -n names the one namespace .*several namespaces are for --cluster/);
    expect((await cli(['rbac', 'who-can', 'get', 'pods', FOLDER, '-n', ' '])).status).toBe(2);
  });
});
