import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { parseTimeBound } from '../../src/cli/options.js';
import { auditEvent } from '../../src/detections/tester.js';
import type { AuditEvent } from '../../src/inputs/audit/event.js';
import { Alert } from '../../src/model/alert.js';
import { AuditReport } from '../../src/model/audit.js';
import { Report } from '../../src/model/report.js';
import { repoRoot } from '../paths.js';
import { cli } from './run.js';

vi.mock('../../src/detections/index.js', async () => ({
  allDetections: (await import('../support/detections.js')).testDetections,
}));

const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-cli-audit-'));
const write = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return name;
};
const jsonl = (events: readonly AuditEvent[]) => events.map((event) => `${JSON.stringify(event)}\n`).join('');

const exec = (id: string, overrides: Partial<AuditEvent> = {}) =>
  auditEvent({
    auditID: `exec-${id}`,
    stage: 'ResponseStarted',
    verb: 'create',
    requestURI: '/api/v1/namespaces/shop/pods/api-1/exec?command=sh&container=app&stdin=true&tty=true',
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'api-1', apiVersion: 'v1' },
    responseStatus: { code: 101 },
    ...overrides,
  });
const quiet = (id: string, overrides: Partial<AuditEvent> = {}) =>
  auditEvent({ auditID: `get-${id}`, verb: 'get', objectRef: { resource: 'configmaps', name: 'c' }, ...overrides });

const log = write(
  'audit.log',
  [
    jsonl([quiet('1'), exec('1')]),
    'not json at all\n',
    jsonl([
      exec('1'),
      exec('2', { sourceIPs: ['198.51.100.20'] }),
      quiet('2', { user: { username: 'system:anonymous' } }),
    ]),
  ].join(''),
);

describe('kubematrix audit', () => {
  it('runs only the detection rules --check names, and none --skip-check names; a pattern naming none is refused', async () => {
    const rules = async (...args: string[]) => {
      const { status, stdout } = await cli(['audit', log, '-o', 'jsonl', ...args], { cwd: dir });
      expect(status).toBe(0);
      const lines = stdout.trimEnd().split('\n').filter(Boolean);
      return [...new Set(lines.map((line) => Alert.parse(JSON.parse(line)).rule))];
    };
    expect(await rules()).toEqual(['test-exec', 'test-anonymous']);
    expect(await rules('--check', 'test-anon*')).toEqual(['test-anonymous']);
    expect(await rules('--skip-check', 'test-exec,test-proxy')).toEqual(['test-anonymous']);
    const typo = await cli(['audit', log, '--check', 'exec'], { cwd: dir });
    expect([typo.status, typo.stderr]).toEqual([
      2,
      "kubematrix: --check 'exec' matches no detection rule (see docs/detections.md)\n",
    ]);
  });

  it('streams alerts as JSON lines, each pointing at the file and line its event starts on', async () => {
    const { status, stdout, stderr } = await cli(['audit', log, '-o', 'jsonl'], { cwd: dir });
    expect(status).toBe(0);
    const alerts = stdout
      .trimEnd()
      .split('\n')
      .map((line) => Alert.parse(JSON.parse(line)));
    expect(alerts.map((alert) => [alert.rule, alert.source.line])).toEqual([
      ['test-exec', 2],
      ['test-exec', 5],
      ['test-anonymous', 6],
    ]);
    expect(alerts[0]).toMatchObject({
      techniques: ['MS-TA9006'],
      severity: 'high',
      user: 'alice@example.com',
      verb: 'create',
      resource: 'pods/exec',
      namespace: 'shop',
      name: 'api-1',
      auditID: 'exec-1',
      source: { file: 'audit.log', line: 2 },
    });
    // The copy of exec-1 on line 4 is left out; the malformed line is reported beside the alerts.
    expect(stderr).toBe('kubematrix: audit.log:3:1: not valid JSON\n');
  });

  it('prints one JSON document that validates against its schema, with a status per technique', async () => {
    const { status, stdout, stderr } = await cli(['audit', log, '--output', 'json'], { cwd: dir });
    expect(status).toBe(0);
    // What went wrong is in the document, not repeated beside it.
    expect(stderr).toBe('');
    const report = AuditReport.parse(JSON.parse(stdout));
    expect(report.source).toMatchObject({
      inputs: ['audit.log'],
      files: 1,
      lines: 6,
      events: 4,
      duplicates: 1,
      malformed: 1,
    });
    expect(report.alerts).toHaveLength(3);
    const byId = new Map(report.techniques.map((technique) => [technique.id, technique]));
    expect(report.techniques).toHaveLength(40);
    expect(byId.get('MS-TA9006')).toMatchObject({
      status: 'active',
      alerts: 2,
      severity: 'high',
      rules: [{ id: 'test-exec', alerts: 2 }],
      assessedBy: ['test-exec'],
    });
    expect(byId.get('MS-TA9024')).toMatchObject({ status: 'not-observed', alerts: 0, assessedBy: ['test-proxy'] });
    expect(byId.get('MS-TA9018')).toMatchObject({ status: 'not-assessed', assessedBy: [] });
    expect(report.rules).toEqual([
      { id: 'test-exec', alerts: 2 },
      { id: 'test-anonymous', alerts: 1 },
      { id: 'test-proxy', alerts: 0 },
    ]);
    expect(report.errors).toEqual([{ source: 'audit.log', line: 3, message: 'not valid JSON' }]);
  });

  it("writes the JSON report's alerts as they are raised, one a line, before what is known only at the end", async () => {
    // More alerts than a write batch holds: some must reach standard output while standard input is still open.
    const events = Array.from({ length: 400 }, (_, index) => exec(`stream-${index}`));
    let stdout = '';
    let writtenBeforeEnd = 0;
    const status = await run(['audit', '-', '-o', 'json'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      stdin: async () => Buffer.alloc(0),
      async *stdinStream() {
        yield Buffer.from(jsonl(events));
        // Asked for more only once the chunk's events went through the rules and their alerts to the writer.
        writtenBeforeEnd = stdout.length;
        yield Buffer.from(jsonl([quiet('last')]));
      },
      env: { NO_COLOR: '1' },
      cwd: dir,
    });
    expect(status).toBe(0);
    expect(writtenBeforeEnd).toBeGreaterThan(0);
    expect(stdout.slice(0, writtenBeforeEnd)).toContain('"auditID":"exec-stream-0"');
    const report = AuditReport.parse(JSON.parse(stdout));
    expect(report.alerts.map((alert) => alert.auditID)).toEqual(events.map((event) => event.auditID));
    expect(report.source).toMatchObject({ events: 401 });
    const lines = stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('    {"rule":'))).toHaveLength(400);
    expect(stdout.indexOf('"alerts": [')).toBeLessThan(stdout.indexOf('"source": {'));
    // No alert: an empty list, the rest of the document as with alerts.
    const none = await cli(['audit', '-', '-o', 'json'], { input: jsonl([quiet('only')]) });
    expect(none.stdout).toContain('"alerts": [],\n  "source": {');
    expect(AuditReport.parse(JSON.parse(none.stdout)).alerts).toEqual([]);
  });

  it('summarizes by tactic and technique in a table, with the top rules, what was read and what was not', async () => {
    const hostile = write('evil\u001b[31m.log', jsonl([exec('h')]));
    const { status, stdout } = await cli(['audit', log, hostile], { cwd: dir });
    expect(status).toBe(0);
    expect(stdout).toContain(
      '5 events in 7 lines of 2 files (audit.log, evil\\x1b[31m.log); 1 duplicate left out, 1 malformed record skipped.',
    );
    expect(stdout).toContain('4 alerts on 2 techniques from 3 detections.');
    expect(stdout).toMatch(/\nExecution\n {2}HIGH {5}MS-TA9006 Exec into container: 3 alerts, test-exec \(3\)\n/);
    expect(stdout).toMatch(/\nInitial access\n {2}MEDIUM {3}MS-TA9005 .*: 1 alert, test-anonymous \(1\)\n/i);
    expect(stdout).toMatch(/\nTop rules\n {2}test-exec {7}3 alerts\n {2}test-anonymous {2}1 alert\n/);
    expect(stdout).toContain('Watched for, not seen (1): 9024.');
    expect(stdout).toContain('audit.log:3:1: not valid JSON');
    expect(stdout).not.toContain('\u001b');
  });

  it('reads a SIEM export without audit IDs or stages, alerting on each event and saying what it assumed', async () => {
    const stripped = (event: AuditEvent) => {
      const { auditID: _id, stage: _stage, ...rest } = event;
      return rest as AuditEvent;
    };
    const siem = write('siem.log', jsonl([stripped(exec('s1')), stripped(exec('s2')), quiet('s3')]));
    const json = await cli(['audit', siem, '-o', 'json'], { cwd: dir });
    const report = AuditReport.parse(JSON.parse(json.stdout));
    expect(report.source.lenient).toEqual([{ file: 'siem.log', withoutAuditID: 2, withoutStage: 2 }]);
    // Two execs without an ID are two requests, not a copy: both alert, neither with an auditID.
    expect(report.alerts.map((alert) => [alert.rule, alert.source.line, alert.auditID])).toEqual([
      ['test-exec', 1, undefined],
      ['test-exec', 2, undefined],
    ]);
    const table = await cli(['audit', siem], { cwd: dir });
    expect(table.stdout).toContain(
      '  siem.log: 2 events read without an audit ID; 2 events without a stage, taken as ResponseComplete.',
    );
    expect((await cli(['audit', log], { cwd: dir })).stdout).not.toContain('without an audit ID');
  });

  it('reads standard input', async () => {
    const { status, stdout } = await cli(['audit', '-', '-o', 'jsonl'], { input: jsonl([exec('stdin')]) });
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ auditID: 'exec-stdin', source: { file: '-', line: 1 } });
  });

  it('keeps the events inside --since/--until, as RFC 3339 times or durations back from now', async () => {
    const at = (time: string, id: string) => exec(id, { requestReceivedTimestamp: time });
    const hour = 3600e3;
    const now = Date.now();
    const times = write(
      'times.log',
      jsonl([
        at('2026-11-30T09:00:00Z', 'early'),
        at('2026-11-30T10:30:00+01:00', 'offset'),
        at('2026-11-30T11:00:00Z', 'late'),
        at(new Date(now - 3 * hour).toISOString(), 'hours-ago'),
        at(new Date(now - 30 * 60e3).toISOString(), 'minutes-ago'),
      ]),
    );
    const ids = async (...window: string[]) => {
      const { status, stdout } = await cli(['audit', times, '-o', 'jsonl', ...window], { cwd: dir });
      expect(status).toBe(0);
      return stdout
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).auditID);
    };
    expect(await ids('--since', '2026-11-30T09:30:00Z', '--until', '2026-11-30T11:00:00Z')).toEqual(['exec-offset']);
    expect(await ids('--since', '2h')).toEqual(['exec-minutes-ago']);
    expect(await ids('--since', '1d', '--until', '1h')).toEqual(['exec-hours-ago']);
  });

  it('refuses a time it cannot read, and a window that ends before it starts', async () => {
    const bad = await cli(['audit', log, '--since', 'yesterday'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--since takes an RFC 3339 time .* \(got 'yesterday'\)/);
    const reversed = await cli(['audit', log, '--since', '1h', '--until', '2h'], { cwd: dir });
    expect(reversed.status).toBe(2);
    expect(reversed.stderr).toContain('--since must be before --until');
  });

  it('matches sources against --proxy-list addresses and blocks, and refuses a list with bad lines', async () => {
    const list = write('proxies.txt', '# Tor exits\n203.0.113.250\n198.51.100.0/24  # a proxy range\n\n');
    const { stdout } = await cli(['audit', log, '-o', 'jsonl', '--proxy-list', list], { cwd: dir });
    const proxied = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((a) => a.rule === 'test-proxy');
    expect(proxied.map((alert) => alert.auditID)).toEqual(['exec-2']);
    const broken = write('broken.txt', '203.0.113.1\n10.0.0.0/33\nproxy.example.com\n');
    const refused = await cli(['audit', log, '--proxy-list', broken], { cwd: dir });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--proxy-list broken.txt: 2 bad lines');
    expect(refused.stderr).toContain('broken.txt:2:1: not an IP address or CIDR block');
  });

  it("extends the allow-list from the config's audit section, or replaces it", async () => {
    const node = write(
      'node.log',
      jsonl([exec('node', { user: { username: 'system:node:worker-1', groups: ['system:nodes'] } })]),
    );
    const rules = async (config: string, file: string) => {
      const { status, stdout } = await cli(['audit', file, '-o', 'jsonl', '-c', write('config.yaml', config)], {
        cwd: dir,
      });
      expect(status).toBe(0);
      return stdout
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).auditID);
    };
    expect(await rules('audit:\n  allow:\n    users: ["alice@*"]\n', log)).toEqual(['get-2']);
    expect(await rules('audit: {}\n', node)).toEqual([]);
    expect(await rules('audit:\n  allow: { users: [], replaceDefaults: true }\n', node)).toEqual(['exec-node']);
    const invalid = await cli(['audit', log, '-c', write('bad.yaml', 'audit:\n  allow:\n    user: [x]\n')], {
      cwd: dir,
    });
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('audit.allow: unknown field user');
  });

  it('exits 1 with --fail-on when an alert is at or above the severity', async () => {
    const failing = await cli(['audit', log, '--fail-on', 'high'], { cwd: dir });
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain('kubematrix: 2 alerts at or above high (--fail-on)');
    expect((await cli(['audit', log, '--fail-on', 'critical'], { cwd: dir })).status).toBe(0);
  });

  it('exits 2 when nothing could be read, and names what', async () => {
    const missing = await cli(['audit', 'missing.log'], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stdout).toContain('missing.log: cannot read: no such file or directory');
    const none = await cli(['audit'], { cwd: dir });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('give at least one audit log');
  });
});

describe('kubematrix scan --audit', () => {
  const logs = ['--audit', path.join(dir, log)];

  it('refuses standard input for both the manifests and the audit log', async () => {
    const { status, stderr } = await cli(['scan', '-', '--audit', '-'], { cwd: repoRoot });
    expect(status).toBe(2);
    expect(stderr).toContain("standard input ('-') can hold the manifests or an --audit log, not both");
  });

  it('marks the techniques the audit log shows happening, in the table, the JSON and Markdown', async () => {
    const table = await cli(['scan', 'examples/shop', ...logs], { cwd: repoRoot });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(
      /\nActive in the audit log \(2; \* in the matrix\):\n {2}MS-TA9006 Exec into container \(2 alerts, high\), MS-TA9005 .* \(1 alert, medium\)/,
    );
    expect(table.stdout).toMatch(/[!~#=+?]9006\*/);
    expect(table.stdout.replace(/\s+/g, ' ')).toContain('* alerts in the audit log (scan --audit)');

    const json = Report.parse(
      JSON.parse((await cli(['scan', 'examples/shop', ...logs, '-o', 'json'], { cwd: repoRoot })).stdout),
    );
    const exec = json.techniques.find((technique) => technique.id === 'MS-TA9006');
    expect(exec?.activity).toEqual({ alerts: 2, severity: 'high', rules: [{ id: 'test-exec', alerts: 2 }] });
    expect(json.techniques.find((technique) => technique.id === 'MS-TA9024')?.activity).toBeUndefined();
    expect(json.errors).toContainEqual({ source: path.join(dir, log), line: 3, message: 'not valid JSON' });

    const markdown = (await cli(['scan', 'examples/shop', ...logs, '-o', 'markdown'], { cwd: repoRoot })).stdout;
    expect(markdown).toContain('Audit log: 3 alerts on 2 techniques (marked `*`).');
    expect(markdown).toMatch(/9006 Exec into container( \(\d+\))? `\*` 2 alerts/);
  });

  it('leaves the report as it was without --audit', async () => {
    const { stdout } = await cli(['scan', 'examples/shop', '-o', 'json'], { cwd: repoRoot });
    expect(Report.parse(JSON.parse(stdout)).techniques.every((technique) => !technique.activity)).toBe(true);
  });
});

describe('parseTimeBound', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  it('reads RFC 3339 times, dates and durations back from now', () => {
    expect(parseTimeBound('2026-11-30T10:00:00.5+02:00', '--since', now).toISOString()).toBe(
      '2026-11-30T08:00:00.500Z',
    );
    expect(parseTimeBound('2026-11-29', '--since', now).toISOString()).toBe('2026-11-29T00:00:00.000Z');
    expect(parseTimeBound('90s', '--since', now).toISOString()).toBe('2026-11-30T11:58:30.000Z');
    expect(parseTimeBound('1h30m', '--since', now).toISOString()).toBe('2026-11-30T10:30:00.000Z');
    expect(parseTimeBound('7d', '--since', now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(parseTimeBound('2w', '--since', now).toISOString()).toBe('2026-11-16T12:00:00.000Z');
  });

  it('refuses times without a zone, and words', () => {
    for (const text of ['2026-11-30T10:00:00', '2h ago', 'now', '', '-2h', '2026-13-45T00:00:00Z']) {
      expect(() => parseTimeBound(text, '--until', now)).toThrow(/--until takes an RFC 3339 time/);
    }
  });
});
