import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLogOptions, AuditLogResult } from '../src/engine/audit.js';
import type { AuditEventHead, AuditEventTimes, SourcedEvent } from '../src/inputs/audit/event.js';
import type { AuditReadOptions, AuditReadResult } from '../src/inputs/audit/read.js';
import type { Alert } from '../src/model/alert.js';
import { describeShared, repoRoot, sharedDir } from './paths.js';

/**
 * Reading on worker threads must change nothing but the time: alerts, their order and file:line, every count and
 * error equal reading on one thread. A worker runs JavaScript, so these run the built package (`npm test` builds it
 * first). Ranges are cut small (a few hundred bytes) so that cuts fall everywhere: inside multi-byte characters,
 * between two copies of one event, inside a burst a windowed rule counts.
 */
const dist = (file: string) => path.join(repoRoot, 'dist', file);
const worker = dist('engine/audit-worker.js');
/** The CLI bundle's copy (scripts/build-cli.mjs), which the bundle starts from beside itself. */
const bundleWorker = dist('cli-bundle/audit-worker.js');
let auditLog: (inputs: readonly string[], options?: AuditLogOptions) => Promise<AuditLogResult>;
let readAuditLog: (
  inputs: readonly string[],
  onEvent: (sourced: SourcedEvent) => void,
  options?: AuditReadOptions,
) => Promise<AuditReadResult>;
let dir: string;
/** Each run starts two workers: slow on a loaded machine. */
const slow = 180_000;

beforeAll(async () => {
  ({ auditLog } = await import(dist('engine/audit.js')));
  ({ readAuditLog } = await import(dist('inputs/audit/read.js')));
  dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-audit-threads-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(inputs: readonly string[], options: AuditLogOptions) {
  const alerts: Alert[] = [];
  const result = await auditLog(inputs, { ...options, onAlert: (alert) => void alerts.push(alert) });
  return { alerts, result };
}

/** Both ways (the threaded one with two workers), each range size given; returns the one-thread run. */
async function same(inputs: readonly string[], chunkSizes: readonly number[], options: AuditLogOptions = {}) {
  const one = await run(inputs, { ...options, threads: { count: 1 } });
  for (const chunkBytes of chunkSizes) {
    const threaded = await run(inputs, { ...options, threads: { count: 3, minBytes: 1, chunkBytes } });
    expect(threaded, `ranges of ${chunkBytes} bytes`).toEqual(one);
  }
  return one;
}

/**
 * How many events the workers kept back. This thread wants every event and the workers (no rules) none: only events
 * of a worker's ranges are passed. None means the workers did not run.
 */
async function keptBack(file: string, chunkBytes: number, script = worker): Promise<number> {
  let passed = 0;
  await readAuditLog([file], () => {}, {
    unwanted: {
      wants: () => true,
      pass: () => {
        passed++;
      },
    },
    parallel: {
      worker: new URL(`file://${script}`),
      workerData: { rules: [], allow: { users: [], groups: [] } },
      threads: 2,
      minBytes: 1,
      chunkBytes,
    },
  });
  return passed;
}

const event = (n: number, fields: Record<string, unknown> = {}) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: `id-${n}`,
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/shop/pods',
  verb: 'list',
  user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
  sourceIPs: ['10.0.0.7'],
  objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
  requestReceivedTimestamp: `2026-11-30T10:00:${String(n % 60).padStart(2, '0')}.000000Z`,
  stageTimestamp: `2026-11-30T10:00:${String(n % 60).padStart(2, '0')}.100000Z`,
  ...fields,
});

const execCreate = (n: number, command: string) =>
  event(n, {
    stage: 'ResponseStarted',
    verb: 'create',
    requestURI: `/api/v1/namespaces/shop/pods/web-1/exec?command=${command}&stdin=true&tty=true`,
    user: { username: 'mallory@example.com', groups: ['system:authenticated'] },
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-1', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 101 },
  });

const secretRead = (n: number, name: string) =>
  event(n, {
    verb: 'get',
    requestURI: `/api/v1/namespaces/shop/secrets/${name}`,
    user: { username: 'eve@example.com', groups: ['system:authenticated'] },
    objectRef: { resource: 'secrets', namespace: 'shop', name, apiVersion: 'v1' },
  });

/** Lines that read as events in ways a worker must not get wrong, among ordinary controller traffic. */
function adversarialLines(): string[] {
  const lines: string[] = [];
  let n = 0;
  const plain = () => JSON.stringify(event(n++));
  for (let i = 0; i < 5; i++) lines.push(plain());
  // Keys in another order, a `"verb"` inside a request body, an escaped user name, spaces after colons, CRLF.
  const { verb, user, ...rest } = execCreate(n++, 'sh');
  lines.push(JSON.stringify({ ...rest, user, verb }));
  lines.push(
    JSON.stringify(
      event(n++, {
        verb: 'create',
        level: 'Request',
        objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'coredns', apiVersion: 'v1' },
        user: { username: 'alice@example.com' },
        requestObject: { data: { note: '"verb":"get", "user": {"username": "system:node:x"}' } },
      }),
    ),
  );
  lines.push(JSON.stringify(execCreate(n++, 'bash')).replace('mallory@example.com', '\\u006dallory@example.com'));
  lines.push(JSON.stringify(event(n++), null, 0).replace(/":/g, '": ').replace(/,"/g, ', "'));
  lines.push(`${plain()}\r`);
  lines.push('   ', '');
  // Multi-byte characters where ranges are cut.
  for (let i = 0; i < 6; i++) {
    lines.push(JSON.stringify(event(n++, { userAgent: 'kübectl/ünïcödé 😀😀😀😀😀😀😀😀 €€€€€€€€€€' })));
  }
  // The same event twice, then a third copy much later: copies are left out wherever the cut falls.
  const copy = JSON.stringify(execCreate(n++, 'id'));
  lines.push(copy, copy);
  for (let i = 0; i < 4; i++) lines.push(plain());
  lines.push(copy);
  // A burst of secret reads a windowed rule counts, across many ranges.
  for (let i = 0; i < 12; i++) {
    lines.push(JSON.stringify(secretRead(n++, `db-${i}`)));
    lines.push(plain());
  }
  // Leniently read events: no auditID, no stage.
  const { auditID: _id, ...withoutID } = execCreate(n++, 'ls');
  lines.push(JSON.stringify(withoutID));
  const { stage: _stage, ...withoutStage } = event(n++);
  lines.push(JSON.stringify(withoutStage));
  // GKE and AKS shapes, an EventList on one line, JSON that is no event.
  lines.push(
    JSON.stringify({
      insertId: 'gke-1',
      timestamp: '2026-11-30T10:01:00Z',
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        methodName: 'io.k8s.core.v1.secrets.list',
        resourceName: 'core/v1/secrets',
        authenticationInfo: { principalEmail: 'eve@example.com' },
        status: { code: 0 },
      },
    }),
  );
  lines.push(JSON.stringify({ properties: { log: JSON.stringify(execCreate(n++, 'sh')) } }));
  // Exports that dropped the IDs and stages of ordinary traffic: a GKE entry without insertId or operation, an AKS
  // record without either.
  lines.push(
    JSON.stringify({
      timestamp: '2026-11-30T10:01:01Z',
      protoPayload: {
        methodName: 'io.k8s.core.v1.pods.list',
        resourceName: 'core/v1/namespaces/shop/pods',
        authenticationInfo: { principalEmail: 'system:kube-scheduler' },
        status: { code: 0 },
      },
    }),
  );
  const { auditID: _aksID, stage: _aksStage, ...aks } = event(n++);
  lines.push(JSON.stringify({ properties: { log: JSON.stringify(aks) } }));
  lines.push(JSON.stringify({ kind: 'EventList', items: [execCreate(n++, 'sh'), event(n++)] }));
  lines.push('{"hello": "world"}', '[1, 2]');
  for (let i = 0; i < 5; i++) lines.push(plain());
  return lines;
}

/**
 * Copies of events near the edges of a small de-duplication window (4 auditIDs: copies 3, 4, 7, 8 and 9 IDs apart),
 * wanted and unwanted events sharing an auditID and stage, and IDs crafted against the way workers send them: one
 * string of all IDs (IDs that are prefixes of each other, or join to the same text), the empty ID, escapes and
 * characters beyond ASCII.
 */
function copyLines(): string[] {
  const lines: string[] = [];
  const crafted = ['ab', 'c', 'a', 'bc', 'abc', '', 'é', 'e\u0301', '😀', 'line\nbreak', 'quote"d', 'x'.repeat(300)];
  let n = 0;
  const fresh = () => JSON.stringify(event(1000 + n++));
  for (const gap of [3, 4, 7, 8, 9]) {
    const first = event(n++, { auditID: `gap-${gap}` });
    lines.push(JSON.stringify(first));
    for (let i = 0; i < gap; i++) lines.push(fresh());
    lines.push(JSON.stringify(first));
    // The same request's other stage is another event; an exec under the same auditID and stage is a copy.
    lines.push(JSON.stringify({ ...first, stage: 'RequestReceived' }));
    lines.push(JSON.stringify({ ...execCreate(n++, 'sh'), auditID: `gap-${gap}`, stage: 'ResponseComplete' }));
  }
  // Each crafted ID twice in a row (a copy), once more as JSON escapes write it, and once as the text holds it.
  for (const id of crafted) {
    const line = JSON.stringify(event(n++, { auditID: id }));
    lines.push(line, line, line.replace(/\\\\u/g, '\\u'));
  }
  // Wanted copies of unwanted events, and the other way round, right after each other.
  for (let i = 0; i < 6; i++) {
    const shared = `shared-${i}`;
    const exec = JSON.stringify({ ...execCreate(n++, 'bash'), auditID: shared });
    const list = JSON.stringify({ ...event(n++), auditID: shared, stage: 'ResponseStarted' });
    lines.push(...(i % 2 ? [exec, list, exec] : [list, exec, list]));
  }
  // Events without an auditID are never copies, however alike.
  const { auditID: _id, ...anonymous } = event(n++);
  lines.push(JSON.stringify(anonymous), JSON.stringify(anonymous));
  return lines;
}

describe('audit logs read on worker threads', () => {
  it('runs from the built package', () => {
    expect(existsSync(worker)).toBe(true);
  });

  it(
    'alerts, counts and errors equal one thread on adversarial lines, wherever the ranges are cut',
    async () => {
      const file = path.join(dir, 'adversarial.log');
      writeFileSync(file, adversarialLines().join('\n'));
      const one = await same([file], [1, 300, 1500]);
      expect(one.alerts.length).toBeGreaterThan(5);
      expect(one.alerts.map((alert) => alert.rule)).toContain('secrets-bulk-read');
      expect(one.result.source.duplicates).toBe(2);
      expect(one.result.source.lenient).toEqual([{ file, withoutAuditID: 3, withoutStage: 2 }]);
      expect(one.result.errors.length).toBe(2);
      expect(await keptBack(file, 300)).toBeGreaterThan(0);
      // The installed CLI runs the bundle: without its own worker it would read every log on one thread.
      expect(await keptBack(file, 300, bundleWorker)).toBeGreaterThan(0);
    },
    slow,
  );

  it(
    'a pretty-printed document or a line that is not JSON hands the rest of the file to one thread',
    async () => {
      const lines = adversarialLines();
      const pretty = JSON.stringify({ kind: 'EventList', items: [execCreate(900, 'sh'), event(901)] }, null, 2);
      lines.splice(20, 0, ...pretty.split('\n'), 'not json at all');
      const file = path.join(dir, 'documents.log');
      writeFileSync(file, `${lines.join('\r\n')}\r\n`);
      const one = await same([file], [1, 250, 2048]);
      expect(one.result.errors.map((error) => error.message)).toContain('not valid JSON');
      // The document starts on line 21, its first item (an exec) on line 24.
      expect(one.alerts.some((alert) => alert.rule === 'pod-exec' && alert.source.line === 24)).toBe(true);
    },
    slow,
  );

  it(
    'leaves out the same copies as one thread, at the edges of the de-duplication window and for crafted auditIDs',
    async () => {
      const file = path.join(dir, 'copies.log');
      writeFileSync(file, `${copyLines().join('\n')}\n`);
      const one = await same([file], [1, 200, 700], { dedupWindow: 4 });
      // Within the window: the copies 3 IDs apart and the exec after them, each crafted ID, the shared ones.
      expect(one.result.source.duplicates).toBeGreaterThanOrEqual(2 + 12 + 12);
      expect(one.alerts.some((alert) => alert.auditID === 'shared-1')).toBe(true);
      await same([file], [300]);
    },
    slow,
  );

  it(
    'parses a line only when some rule may want it, and none twice, whichever thread reads it',
    async () => {
      const lines: string[] = [];
      for (let n = 0; n < 2000; n++) lines.push(JSON.stringify(event(n)));
      for (let n = 0; n < 20; n++) lines.splice(n * 100, 0, JSON.stringify(execCreate(5000 + n, 'sh')));
      const file = path.join(dir, 'mostly-unwanted.log');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const parse = JSON.parse;
      const parsed: string[] = [];
      // Workers parse in their own isolates: what is counted here is this thread's work.
      JSON.parse = (...args: Parameters<typeof JSON.parse>) => {
        parsed.push(args[0]);
        return parse(...args);
      };
      // And the events this thread de-duplicates: every one, once, whichever thread read it.
      const { Deduplicator } = await import(dist('inputs/audit/dedup.js'));
      const copyHashed = Deduplicator.prototype.copyHashed;
      let checked = 0;
      Deduplicator.prototype.copyHashed = function (this: unknown, ...args: unknown[]) {
        checked++;
        return copyHashed.apply(this, args);
      };
      try {
        const one = await run([file], { threads: { count: 1 } });
        expect(checked).toBe(lines.length);
        // The lines no rule wants are judged from their bytes (src/inputs/audit/skim.ts): only the 20 execs parse.
        expect(parsed.filter((text) => text.includes('"exec"'))).toHaveLength(20);
        expect(parsed.filter((text) => lines.includes(text))).toHaveLength(20);
        parsed.length = 0;
        checked = 0;
        const threaded = await run([file], { threads: { count: 2, minBytes: 1, chunkBytes: 4096 } });
        expect(threaded).toEqual(one);
        // Each wanted line once (the lines differ), whether this thread read its range or a worker handed it over.
        const lineTexts = new Set(lines);
        const here = parsed.filter((text) => lineTexts.has(text));
        expect(new Set(here).size).toBe(here.length);
        expect(here).toHaveLength(20);
        expect(checked).toBe(lines.length);
      } finally {
        JSON.parse = parse;
        Deduplicator.prototype.copyHashed = copyHashed;
      }
    },
    slow,
  );

  it(
    'starts its workers in a program run with node --input-type=module -e',
    () => {
      const file = path.join(dir, 'eval.log');
      writeFileSync(file, adversarialLines().join('\n'));
      const script = `
        const { readAuditLog } = await import(${JSON.stringify(dist('inputs/audit/read.js'))});
        let passed = 0;
        await readAuditLog([${JSON.stringify(file)}], () => {}, {
          unwanted: { wants: () => false, pass: () => void passed++ },
          parallel: {
            worker: new URL(${JSON.stringify(`file://${worker}`)}),
            workerData: { rules: [], allow: { users: [], groups: [] } },
            threads: 2, minBytes: 1, chunkBytes: 300,
          },
        });
        console.log(passed);`;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(Number(output.trim())).toBeGreaterThan(20);
    },
    slow,
  );

  it(
    'equals one thread when this thread reads ranges among the workers’, wherever a document makes a range unclean',
    async () => {
      // A worker that answers every other range late, so that this thread reads ranges itself in between: copies,
      // a windowed count and the unclean range fall on either side of boundaries between the two.
      const slowWorker = path.join(dir, 'slow-worker.mjs');
      writeFileSync(
        slowWorker,
        `import { parentPort, workerData } from 'node:worker_threads';
        const { answerPort, readChunk, recycle, STARTED, transferred } = await import(workerData.chunks);
        const wants = (event) => event.verb === 'create';
        const outside = (event) => !(event.requestReceivedTimestamp >= workerData.since);
        let queue = Promise.resolve();
        parentPort.on('message', (request) => {
          if (request instanceof ArrayBuffer) return recycle(request);
          queue = queue.then(async () => {
            const result = await readChunk(request, wants, outside);
            if (Math.floor(request.start / workerData.chunkBytes) % 2 === 0) await new Promise((r) => setTimeout(r, 25));
            answerPort().postMessage(result, transferred(result));
          });
        });
        answerPort().postMessage(STARTED);`,
      );
      const since = '2026-11-30T10:00:20';
      const wants = (event: AuditEventHead) => event.verb === 'create';
      const outside = (event: AuditEventTimes) => !((event.requestReceivedTimestamp ?? '') >= since);
      const base = [...adversarialLines(), ...copyLines()];
      const pretty = JSON.stringify({ kind: 'EventList', items: [execCreate(900, 'sh'), event(901)] }, null, 2);
      const chunkBytes = 1200;
      for (const at of [0, 3, 30, base.length - 2, base.length]) {
        const lines = [...base];
        lines.splice(at, 0, ...pretty.split('\n'));
        const file = path.join(dir, `interleaved-${at}.log`);
        writeFileSync(file, `${lines.join('\n')}\n`);
        const one: SourcedEvent[] = [];
        const expected = await readAuditLog([file], (sourced) => void one.push(sourced), { dedupWindow: 4 });
        const threaded: SourcedEvent[] = [];
        let passed = 0;
        let passedOutside = 0;
        let here = 0;
        const result = await readAuditLog([file], (sourced) => void threaded.push(sourced), {
          dedupWindow: 4,
          unwanted: {
            wants: (event) => {
              here++;
              return wants(event);
            },
            outside,
            pass: (left) => {
              passed++;
              if (left) passedOutside++;
            },
          },
          parallel: {
            worker: new URL(`file://${slowWorker}`),
            workerData: { chunks: `file://${dist('inputs/audit/chunks.js')}`, since, chunkBytes },
            threads: 1,
            minBytes: 1,
            chunkBytes,
          },
        });
        const where = `a document at line ${at + 1}`;
        expect(result, where).toEqual(expected);
        // Every wanted event in order, at its line; every other one handed on or kept back, with the window's count.
        const wanted = (list: SourcedEvent[]) => list.filter(({ event }) => wants(event));
        expect(wanted(threaded), where).toEqual(wanted(one));
        expect(threaded.length + passed, where).toBe(one.length);
        const left = (list: SourcedEvent[]) => list.filter(({ event }) => !wants(event) && outside(event)).length;
        expect(left(threaded) + passedOutside, where).toBe(left(one));
        // Both threads read ranges: this one judged some events (the first range's at least), the worker others.
        if (at > 3) expect(here, where).toBeGreaterThan(0);
        if (at > 30) expect(passed, where).toBeGreaterThan(here);
      }
    },
    slow,
  );

  it(
    'starts its workers in a program run with a Node option workers refuse (node --trace-gc)',
    () => {
      const file = path.join(dir, 'trace-gc.log');
      writeFileSync(file, adversarialLines().join('\n'));
      const script = `
        const { auditLog } = await import(${JSON.stringify(dist('engine/audit.js'))});
        const result = await auditLog([${JSON.stringify(file)}], { threads: { count: 2, minBytes: 1, chunkBytes: 300 } });
        console.log(JSON.stringify(result.source.events));`;
      const output = execFileSync(process.execPath, ['--trace-gc', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      // Refused, the file was not read at all ("cannot read: ERR_WORKER_INVALID_EXEC_ARGV").
      expect(Number(output.trim().split('\n').at(-1))).toBeGreaterThan(40);
    },
    slow,
  );

  it(
    'reads every line where WebAssembly is not available (node --jitless), with the same alerts and counts',
    async () => {
      const file = path.join(dir, 'jitless.log');
      writeFileSync(file, adversarialLines().join('\n'));
      const script = `
        const { auditLog } = await import(${JSON.stringify(dist('engine/audit.js'))});
        const alerts = [];
        for (const threads of [{ count: 1 }, { count: 2, minBytes: 1, chunkBytes: 300 }]) {
          const result = await auditLog([${JSON.stringify(file)}], { threads, onAlert: (alert) => void alerts.push(alert) });
          console.log(JSON.stringify({ alerts: alerts.splice(0), result }));
        }`;
      const output = execFileSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      const runs = output
        .trim()
        .split('\n')
        .slice(-2)
        .map((line) => JSON.parse(line));
      const here = JSON.parse(JSON.stringify(await run([file], { threads: { count: 1 } })));
      expect(here.alerts.length).toBeGreaterThan(0);
      for (const jitless of runs) expect(jitless).toEqual(here);
    },
    slow,
  );

  it(
    'a time window counts the events workers kept back as one thread does',
    async () => {
      const file = path.join(dir, 'window.log');
      writeFileSync(file, adversarialLines().join('\n'));
      const one = await same([file], [300], {
        since: new Date('2026-11-30T10:00:10Z'),
        until: new Date('2026-11-30T10:00:30Z'),
      });
      expect(one.result.source.outsideWindow).toBeGreaterThan(0);
    },
    slow,
  );
});

describeShared('the shared corpora read on worker threads', () => {
  it(
    'equals one thread on gen.py traffic (several files, one of them gzipped)',
    async () => {
      const gen = path.join(sharedDir, 'bench/gen.py');
      const logs = path.join(dir, 'gen');
      execFileSync('mkdir', ['-p', logs]);
      execFileSync('python3', [gen, 'audit', path.join(logs, 'a.log'), '3000']);
      execFileSync('python3', [gen, 'audit', path.join(logs, 'b.log'), '1000']);
      execFileSync('sh', ['-c', `gzip -c ${path.join(logs, 'b.log')} > ${path.join(logs, 'c.log.gz')}`]);
      const one = await same([logs], [4096, 65_536]);
      expect(one.alerts.length).toBeGreaterThan(20);
      expect(one.result.source.files).toBe(3);
    },
    slow,
  );
  it(
    'every capture, and all of them as one log, alert as on one thread',
    async () => {
      const falco = path.join(sharedDir, 'corpora/auditlogs/falco');
      const files = readdirSync(falco).filter((name) => name.endsWith('.json'));
      const joined = path.join(dir, 'falco.log');
      writeFileSync(joined, files.map((name) => readFileSync(path.join(falco, name), 'utf8').trimEnd()).join('\n'));
      const one = await same([joined], [512, 8192]);
      expect(one.alerts.length).toBeGreaterThan(20);
      await same([falco], [2048]);
    },
    slow,
  );
});
