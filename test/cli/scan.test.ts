import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../../src/model/report.js';
import { repoRoot } from '../paths.js';
import { cli } from './run.js';

const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: piped
  annotations:
    kubematrix.io/ignore: run-as-non-root
spec:
  containers:
  - name: app
    image: busybox:1.36
    securityContext:
      privileged: true
`;

describe('kubematrix scan', () => {
  it('scans the bundled example: the heat-map, a summary, then findings grouped by technique and check with file:line', async () => {
    const { status, stdout } = await cli(['scan', 'examples/shop'], { cwd: repoRoot });
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Initial +│Execution +│/);
    expect(stdout).toMatch(/\nSummary\n\d+ findings .* in \d+ objects from \d+ files\./);
    expect(stdout).toMatch(/\nTechniques \(40\): \d+ exposed, \d+ weakened .*, \d+ mitigated .*, \d+ declared /);
    expect(stdout).toContain('MS-TA9018 Privileged container (Privilege Escalation)');
    expect(stdout).toMatch(
      /CRITICAL Privileged container \[privileged-container\]\n {4}\d+ findings? on \d+ resources?/,
    );
    expect(stdout).toMatch(/- CronJob\/shop\/nightly-backup {2}examples\/shop\/backup\.yaml:\d+:\d+/);
  });

  it('lists every instance of a group only with --all', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-cli-'));
    for (const n of [1, 2, 3, 4, 5])
      writeFileSync(path.join(dir, `pod-${n}.yaml`), privilegedPod.replace('piped', `pod-${n}`));
    const instances = (stdout: string) => stdout.split('\n').filter((line) => /^ {4}- Pod\/default\/pod-\d/.test(line));
    const some = await cli(['scan', '.'], { cwd: dir });
    expect(some.stdout).toContain('5 findings on 5 resources; 3 shown, --all lists every one');
    const every = await cli(['scan', '.', '--all'], { cwd: dir });
    expect(every.stdout).not.toContain('--all lists every one');
    expect(instances(every.stdout).length).toBeGreaterThan(instances(some.stdout).length);
    expect(instances(some.stdout).filter((line) => line.includes('pod-5.yaml'))).toHaveLength(0);
    expect(instances(every.stdout).filter((line) => line.includes('pod-5.yaml'))).not.toHaveLength(0);
  });

  it('prints a report that matches the documented schema, in a stable order', async () => {
    const first = await cli(['scan', 'examples/shop', '--output', 'json'], { cwd: repoRoot });
    const second = await cli(['scan', 'examples/shop', '--output', 'json'], { cwd: repoRoot });
    const report = Report.parse(JSON.parse(first.stdout));
    expect(report.techniques).toHaveLength(40);
    expect(report.source).toMatchObject({ type: 'manifests', inputs: ['examples/shop'] });
    const strip = (text: string) => text.replace(/"scannedAt": "[^"]+"/, '');
    expect(strip(second.stdout)).toBe(strip(first.stdout));
    const backup = report.findings.find((f) => f.checkId === 'privileged-container');
    expect(backup?.location?.file).toBe(path.join('examples/shop', 'backup.yaml'));
    expect(backup?.resource).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      namespace: 'shop',
      name: 'nightly-backup',
    });
  });

  it('draws the matrix marked technique by technique with --output matrix', async () => {
    const { status, stdout } = await cli(['scan', 'examples/shop', '-o', 'matrix'], {
      cwd: repoRoot,
      env: { COLUMNS: '120' },
    });
    expect(status).toBe(0);
    expect(stdout).toMatch(/!>? 9018\s/); // the privileged backup job, on an attack path
    expect(stdout).toMatch(/\? 9001\s/); // cloud credentials: a question for the organization
    expect(stdout).toContain('! exposed');
  });

  it("reads '-' from standard input", async () => {
    const { status, stdout } = await cli(['scan', '-', '-o', 'json'], { input: privilegedPod });
    expect(status).toBe(0);
    const report = Report.parse(JSON.parse(stdout));
    expect(report.findings.find((f) => f.checkId === 'privileged-container')?.location).toMatchObject({
      file: '-',
      line: 12,
    });
  });

  it('exits 2 when nothing given can be read, and when no path is given', async () => {
    const missing = await cli(['scan', 'no/such/dir']);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toContain('no/such/dir');
    expect((await cli(['scan'])).status).toBe(2);
  });

  it('applies a config file, hides suppressed findings unless asked, and rejects a bad config with exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-cli-'));
    writeFileSync(path.join(dir, 'pod.yaml'), privilegedPod);
    writeFileSync(
      path.join(dir, '.kubematrix.yaml'),
      'ignore:\n  - check: privileged-container\n    name: piped\n    reason: lab machine\n',
    );
    const hidden = await cli(['scan', 'pod.yaml'], { cwd: dir });
    expect(hidden.stdout).not.toContain('MS-TA9018 Privileged container');
    expect(hidden.stdout).toMatch(/\d+ suppressed/);
    const shown = await cli(['scan', 'pod.yaml', '--show-suppressed'], { cwd: dir });
    expect(shown.stdout).toContain('suppressed (config): lab machine');
    const json = Report.parse(JSON.parse((await cli(['scan', 'pod.yaml', '-o', 'json'], { cwd: dir })).stdout));
    expect(json.findings.find((f) => f.checkId === 'privileged-container')?.suppressed).toEqual({
      reason: 'lab machine',
      by: 'config',
    });

    writeFileSync(path.join(dir, 'bad.yaml'), 'ignore:\n  - check: privileged-container\n');
    const bad = await cli(['scan', 'pod.yaml', '--config', 'bad.yaml'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ignore[0].reason');
  });
});
