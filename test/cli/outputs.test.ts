import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../../src/model/report.js';
import { repoRoot } from '../paths.js';
import { cli } from './run.js';

const shop = path.join(repoRoot, 'examples/shop');
const scratch = () => mkdtempSync(path.join(tmpdir(), 'kubematrix-outputs-'));
const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

describe('scan --output-file and several outputs', () => {
  it('writes the format the extension names, and nothing to standard output', async () => {
    const dir = scratch();
    for (const [file, check] of [
      ['results.sarif', (text: string) => expect(JSON.parse(text)).toMatchObject({ version: '2.1.0' })],
      ['report.json', (text: string) => expect(Report.parse(JSON.parse(text)).findings.length).toBeGreaterThan(0)],
      ['matrix.layer.json', (text: string) => expect(JSON.parse(text)).toMatchObject({ domain: 'enterprise-attack' })],
      ['comment.md', (text: string) => expect(text).toMatch(/^## kubematrix/)],
      ['report.txt', (text: string) => expect(text).toMatch(/^Initial +│[\s\S]*\nSummary\n/)],
    ] as const) {
      const { status, stdout } = await cli(['scan', shop, '--output-file', file], { cwd: dir });
      expect([file, status, stdout]).toEqual([file, 0, '']);
      check(read(dir, file));
    }
  });

  it('writes the --output format whatever the extension, and without colour even when forced', async () => {
    const dir = scratch();
    const { status } = await cli(['scan', shop, '-o', 'table', '--output-file', 'out.json'], {
      cwd: dir,
      env: { FORCE_COLOR: '1' },
    });
    expect(status).toBe(0);
    expect(read(dir, 'out.json')).toMatch(/^Initial +│[\s\S]*\nSummary\n/);
    expect(read(dir, 'out.json')).not.toContain('\u001b[');
  });

  it('writes several formats in one run, each to its file, and a bare --output to standard output', async () => {
    const dir = scratch();
    const { status, stdout } = await cli(
      ['scan', shop, '--output', 'sarif=out/../results.sarif', '--output', 'markdown=comment.md', '--output', 'json'],
      { cwd: dir },
    );
    expect(status).toBe(0);
    const report = Report.parse(JSON.parse(stdout));
    expect(JSON.parse(read(dir, 'results.sarif')).runs[0].results).toHaveLength(report.findings.length);
    expect(read(dir, 'comment.md')).toContain('### Top 20 of');
  });

  it('refuses what it cannot do before scanning: exit 2, nothing written', async () => {
    const dir = scratch();
    const cases: [string[], RegExp][] = [
      [['-o', 'json', '-o', 'table'], /only one --output can go to standard output/],
      [['--output-file', 'report.csv'], /cannot tell the format of 'report\.csv' from its extension/],
      [['-o', 'xml=report.xml'], /--output must be one of .*\(got 'xml'\)/],
      [['-o', 'sarif='], /name the file after '='/],
      [['-o', 'sarif=a.sarif', '--output-file', './a.sarif'], /'a\.sarif' is the target of two outputs/],
      [['-o', 'sarif=missing/dir/a.sarif'], /cannot write .*missing\/dir\/a\.sarif: ENOENT/],
      [['--fail-on', 'info'], /--fail-on.*Allowed choices are critical, high, medium, low/],
    ];
    for (const [args, message] of cases) {
      const { status, stderr, stdout } = await cli(['scan', shop, ...args], { cwd: dir });
      expect([args, status, stdout]).toEqual([args, 2, '']);
      expect(stderr).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('scan --fail-on', () => {
  const pod = (annotations: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations: {${annotations}}
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    securityContext: {privileged: true}
`;

  it('exits 1 when an unsuppressed finding is at or above the threshold, saying how many on standard error', async () => {
    const critical = await cli(['scan', shop, '--fail-on', 'critical', '-o', 'json']);
    expect(critical.status).toBe(1);
    const report = Report.parse(JSON.parse(critical.stdout));
    const count = report.findings.filter((f) => f.severity === 'critical' && !f.suppressed).length;
    expect(critical.stderr).toBe(`kubematrix: ${count} unsuppressed findings at or above critical (--fail-on)\n`);
    expect((await cli(['scan', shop, '--fail-on', 'critical', '--quiet'])).stderr).toBe('');
  });

  it('counts severities at or above the threshold only, and never suppressed findings', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'pod.yaml'), pod(''));
    const gate = async (severity: string) => (await cli(['scan', '.', '--fail-on', severity], { cwd: dir })).status;
    expect(await gate('critical')).toBe(1);
    writeFileSync(
      path.join(dir, 'pod.yaml'),
      pod('kubematrix.io/ignore: privileged-container, kubematrix.io/ignore-reason: a test'),
    );
    const report = Report.parse(JSON.parse((await cli(['scan', '.', '-o', 'json'], { cwd: dir })).stdout));
    expect(report.findings.filter((f) => f.severity === 'critical').map((f) => f.suppressed?.reason)).toEqual([
      'a test',
    ]);
    expect(await gate('critical')).toBe(0);
    expect(await gate('low')).toBe(1);
  });

  it('leaves exit 2 to unusable input, and documents exit 1 in --help', async () => {
    expect((await cli(['scan', 'missing.yaml', '--fail-on', 'low'], { cwd: scratch() })).status).toBe(2);
    const help = (await cli(['scan', '--help'])).stdout;
    expect(help).toContain('--fail-on <severity>');
    expect((await cli(['--help'])).stdout).toMatch(/1 {2}an unsuppressed finding at or above the --fail-on severity/);
    expect(help).toMatch(/ sarif {6}SARIF 2\.1\.0/);
  });
});

describe('standard output that asks the writer to wait', () => {
  it('gets the next piece of a report only after it drains, and the whole report in order', async () => {
    const { EventEmitter } = await import('node:events');
    const { writePieces } = await import('../../src/cli/io.js');
    const written: string[] = [];
    let waiting = false;
    const stdout = Object.assign(new EventEmitter(), {
      write(text: string) {
        // A piece written while the stream had asked to wait would have been queued in memory.
        expect(waiting).toBe(false);
        written.push(text);
        waiting = true;
        setImmediate(() => {
          waiting = false;
          stdout.emit('drain');
        });
        return false;
      },
    });
    await writePieces(stdout, ['{', '"a": 1', '}']);
    expect(written).toEqual(['{', '"a": 1', '}']);
  });
});
