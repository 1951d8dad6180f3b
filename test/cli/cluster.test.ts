import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { Report } from '../../src/model/report.js';
import { reportFormats } from '../../src/report/index.js';
import { CANARY, sampleCluster } from '../support/cluster.js';
import { type KubeApiServer, startKubeApiServer } from '../support/kube-api-server.js';
import { cli } from './run.js';

let server: KubeApiServer;
let denied: KubeApiServer;
let kubeconfig: string;
const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-cluster-cli-'));
/** Reports of two runs differ in when they ran, and two collections in when they collected. */
const timeless = (json: string) => json.replace(/"(scannedAt|collectedAt)": "[^"]+"/g, '"$1": "…"');

beforeAll(async () => {
  const objects = await sampleCluster();
  server = await startKubeApiServer({ objects });
  denied = await startKubeApiServer({ objects, faults: { clusterrolebindings: { status: 403 } } });
  kubeconfig = server.kubeconfig({ context: 'prod' });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  // Throws, failing the suite, if any command sent anything but GET.
  await Promise.all([server.close(), denied.close()]);
});

describe('kubematrix scan --cluster', { timeout: 30_000 }, () => {
  it('scans the current context and addresses findings as k8s://context/namespace/kind/name', async () => {
    const { status, stdout, stderr } = await cli(['scan', '--cluster', '-o', 'json'], {
      env: { KUBECONFIG: kubeconfig },
    });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = Report.parse(JSON.parse(stdout));
    expect(report.source).toMatchObject({ type: 'cluster', context: 'prod', server: server.url, complete: true });
    const privileged = report.findings.find((f) => f.checkId === 'privileged-container');
    expect(privileged).toMatchObject({
      uri: 'k8s://prod/shop/CronJob/nightly-backup',
      path: 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
    });
    expect(privileged?.location).toBeUndefined();
    const table = await cli(['scan', '--kubeconfig', kubeconfig], {});
    expect(table.stdout).toContain('CronJob/shop/nightly-backup  k8s://prod/shop/CronJob/nightly-backup');
    expect(table.stdout).toMatch(/in \d+ objects from cluster prod\./);
  });

  it('still reports when a kind is forbidden, naming it among the errors', async () => {
    const { status, stdout } = await cli(['scan', '--kubeconfig', denied.kubeconfig(), '-o', 'json']);
    expect(status).toBe(0);
    const report = Report.parse(JSON.parse(stdout));
    expect(report.source).toMatchObject({ unavailable: [{ kind: 'ClusterRoleBinding' }] });
    expect(report.errors[0]?.message).toMatch(/cannot list clusterrolebindings.*forbidden \(403\)/);
    expect(report.techniques.some((t) => t.status === 'not-assessed' && t.reason)).toBe(true);
  });

  it('says what is wrong with the target, exit code 2', async () => {
    const unknown = await cli(['scan', '--kubeconfig', kubeconfig, '--context', 'staging']);
    expect(unknown).toMatchObject({ status: 2, stderr: "kubematrix: the kubeconfig has no context named 'staging'\n" });
    const both = await cli(['scan', '--cluster', 'examples/shop']);
    expect(both).toMatchObject({ status: 2, stderr: 'kubematrix: scan either a cluster or files, not both\n' });
  });

  it('shows progress on a terminal only, and never with --quiet', async () => {
    const stderrOf = async (args: string[], isTTY: boolean) => {
      let stderr = '';
      await run(['scan', '--kubeconfig', kubeconfig, '-o', 'json', ...args], {
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text), isTTY },
        stdin: async () => Buffer.from(''),
        env: {},
        cwd: dir,
      });
      return stderr;
    };
    expect(await stderrOf([], true)).toMatch(/^listed pods: 0 objects \(\d+\/\d+\)$/m);
    expect(await stderrOf([], false)).toBe('');
    expect(await stderrOf(['--quiet'], true)).toBe('');
  });

  it.each(reportFormats.map((format) => format.name))(
    'never prints a Secret value with -o %s, plain or base64',
    async (format) => {
      const { stdout, stderr } = await cli(['scan', '--kubeconfig', kubeconfig, '-o', format]);
      const output = stdout + stderr;
      expect(output).not.toBe('');
      expect(output).not.toContain(CANARY);
      expect(output).not.toContain(Buffer.from(CANARY).toString('base64'));
    },
  );

  it('never asked for a Secret but as metadata', () => {
    const secrets = [...server.requests, ...denied.requests].filter((r) => r.path.includes('secrets'));
    expect(secrets.length).toBeGreaterThan(0);
    expect(new Set(secrets.map((r) => r.accept))).toEqual(
      new Set(['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1']),
    );
  });
});

describe('kubematrix rbac --cluster', { timeout: 30_000 }, () => {
  const names = (json: string) =>
    (JSON.parse(json) as { subjects: { subject: { kind: string; name: string } }[] }).subjects
      .map(({ subject }) => `${subject.kind}/${subject.name}`)
      .sort();

  it('who-can answers from the cluster as it does from the manifests applied to it', async () => {
    const live = await cli(['rbac', 'who-can', 'create', 'pods', '--cluster', '-o', 'json'], {
      env: { KUBECONFIG: kubeconfig },
    });
    expect(live).toMatchObject({ status: 0, stderr: '' });
    const files = await cli(['rbac', 'who-can', 'create', 'pods', 'examples/shop', 'test/fixtures/rbac', '-o', 'json']);
    expect(names(live.stdout)).toEqual(names(files.stdout));
    expect(names(live.stdout)).toContain('ServiceAccount/operator');
    // -n asks about one namespace; it does not narrow what is read, or cluster-wide grants would be missed.
    const inCi = await cli(['rbac', 'who-can', 'create', 'pods', '-n', 'ci', '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(names(inCi.stdout)).toEqual(expect.arrayContaining(['ServiceAccount/operator', 'ServiceAccount/runner']));
    expect(server.requests.some((r) => r.path.includes('/namespaces/ci/') && !r.path.endsWith('/events'))).toBe(false);
  });

  it('subject reads the cluster the context names, and says what it could not read', async () => {
    const live = await cli(['rbac', 'subject', 'sa/operator', '-n', 'ops', '--context', 'prod', '-o', 'json'], {
      env: { KUBECONFIG: kubeconfig },
    });
    expect(live.status).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ subject: { kind: 'ServiceAccount', namespace: 'ops' } });
    const partial = await cli(['rbac', 'subject', 'sa/operator', '-n', 'ops', '--kubeconfig', denied.kubeconfig()]);
    expect(partial.status).toBe(0);
    expect(partial.stderr).toMatch(/^kubematrix: cluster test: cannot list clusterrolebindings.*forbidden \(403\)/m);
    const both = await cli(['rbac', 'subject', 'sa/operator', '--cluster', 'test/fixtures/rbac']);
    expect(both).toMatchObject({ status: 2, stderr: 'kubematrix: read either a cluster or files, not both\n' });
  });
});

describe('kubematrix snapshot', { timeout: 30_000 }, () => {
  it.each(['cluster.json', 'cluster.json.gz'])(
    'writes %s, which scans to the report the live scan gives',
    async (file) => {
      const written = await cli(['snapshot', '--kubeconfig', kubeconfig, '-o', file], { cwd: dir });
      expect(written.status).toBe(0);
      expect(written.stderr).toMatch(/^kubematrix: wrote \d+ objects of \d+ kinds from prod to cluster\.json/);
      const bytes = readFileSync(path.join(dir, file));
      const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(Buffer.from(CANARY).toString('base64'));
      expect(JSON.parse(text)).toMatchObject({ serverVersion: 'v1.31.2', unavailable: [] });

      const live = await cli(['scan', '--kubeconfig', kubeconfig, '-o', 'json']);
      const offline = await cli(['scan', file, '-o', 'json'], { cwd: dir });
      expect(offline.status).toBe(0);
      expect(timeless(offline.stdout)).toBe(timeless(live.stdout));
    },
  );

  it('rejects a damaged snapshot, exit code 2', async () => {
    writeFileSync(path.join(dir, 'broken.json'), '{"snapshot": "kubematrix.io/snapshot/v1", "objects": 3}');
    const { status, stderr } = await cli(['scan', 'broken.json'], { cwd: dir });
    expect(status).toBe(2);
    expect(stderr).toMatch(/^kubematrix: broken\.json: a damaged snapshot: /);
  });

  it('needs a file to write', async () => {
    const { status, stderr } = await cli(['snapshot', '--kubeconfig', kubeconfig]);
    expect(status).toBe(2);
    expect(stderr).toContain('give the file to write');
  });
});

describe('kubectl output', () => {
  it('scans `kubectl get … -o json` List output as manifests', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: (await sampleCluster()).filter((o) => o.kind === 'CronJob'),
    };
    writeFileSync(path.join(dir, 'cronjobs.json'), JSON.stringify(list, null, 4));
    const { status, stdout } = await cli(['scan', 'cronjobs.json', '-o', 'json'], { cwd: dir });
    expect(status).toBe(0);
    const report = Report.parse(JSON.parse(stdout));
    expect(report.source).toMatchObject({ type: 'manifests', objects: 1 });
    expect(report.findings.find((f) => f.checkId === 'privileged-container')?.location).toMatchObject({
      file: 'cronjobs.json',
    });
  });
});
