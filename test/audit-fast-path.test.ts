import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benignDay } from '../src/detections/benign-day.fixtures.js';
import { ALICE, CI_BOT, pod } from '../src/detections/events.fixtures.js';
import { execEvent } from '../src/detections/exec.fixtures.js';
import { allDetections } from '../src/detections/index.js';
import { createPipeline } from '../src/detections/pipeline.js';
import { auditEvent } from '../src/detections/tester.js';
import { type AuditLogOptions, auditLog } from '../src/engine/audit.js';
import type { AuditEvent } from '../src/inputs/audit/event.js';
import { lineFacts } from '../src/inputs/audit/line-facts.js';
import type { Alert } from '../src/model/alert.js';
import { describeShared, sharedDir } from './paths.js';

/**
 * `kubematrix audit` leaves unparsed the lines whose facts, read off their bytes, show that no rule wants them. It
 * must raise the same alerts, in the same order, with the same counts and errors, as parsing every event.
 */
async function run(inputs: string[], options: AuditLogOptions) {
  const alerts: Alert[] = [];
  const result = await auditLog(inputs, { ...options, onAlert: (alert) => void alerts.push(alert) });
  return { alerts, source: result.source, errors: result.errors };
}

async function expectSameRuns(inputs: string[], options: AuditLogOptions) {
  const skimmed = await run(inputs, options);
  expect(skimmed).toEqual(await run(inputs, { ...options, parseEvery: true }));
  return skimmed;
}

const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-fast-path-'));
const jsonl = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');

/** Ordinary traffic with attacks among it, by allow-listed identities and others. */
function mixedLog(): AuditEvent[] {
  const day = benignDay(6);
  const controller = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
  const attacks: AuditEvent[] = [
    execEvent({ command: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'] }),
    execEvent({ command: ['sh'], interactive: true }, { verb: 'get' }),
    auditEvent({ verb: 'list', objectRef: { resource: 'secrets' }, responseStatus: { code: 200 } }),
    auditEvent({
      verb: 'get',
      user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
      objectRef: { resource: 'pods' },
      responseStatus: { code: 200 },
    }),
    // Anonymous by its group only, under a name an allow-list glob takes.
    auditEvent({
      verb: 'list',
      user: { username: 'system:node:fake', groups: ['system:unauthenticated'] },
      objectRef: { resource: 'configmaps' },
      responseStatus: { code: 200 },
    }),
    ...Array.from({ length: 12 }, (_, i) =>
      auditEvent({ verb: 'get', objectRef: { resource: `thing${i}` }, responseStatus: { code: 403 } }),
    ),
    auditEvent({
      user: controller,
      objectRef: { resource: 'pods', namespace: 'kube-system', name: 'evil' },
      requestObject: pod({
        namespace: 'kube-system',
        name: 'evil',
        spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] },
      }),
    }),
    auditEvent({
      verb: 'list',
      user: CI_BOT,
      userAgent: 'kubectl/v1.31.0',
      sourceIPs: ['198.51.100.9'],
      objectRef: { resource: 'pods', namespace: 'shop' },
      responseStatus: { code: 200 },
    }),
    auditEvent({
      verb: 'get',
      user: ALICE,
      objectRef: { resource: 'secrets', name: 'db' },
      responseStatus: { code: 403 },
    }),
  ];
  const events = [...day];
  for (const [index, attack] of attacks.entries()) events.splice(((index + 1) * 97) % events.length, 0, attack);
  return events;
}

/**
 * Lines written to mislead a reader of raw bytes, each next to the plain line of the same event: keys in another
 * order, escapes where facts are (a `"verb":"get"` inside a request body, unicode escapes in a user name), spacing
 * and pretty-printing, a key given twice, GKE and AKS shapes, an EventList, copies, lines stripped by an export,
 * and malformed lines, which must be reported the same.
 */
function adversarialLines(): string[] {
  const anonymous = auditEvent({
    verb: 'get',
    user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    objectRef: { resource: 'configmaps', namespace: 'shop' },
    responseStatus: { code: 200 },
  });
  const secretsList = auditEvent({ verb: 'list', objectRef: { resource: 'secrets' }, responseStatus: { code: 200 } });
  const controllerRead = auditEvent({
    verb: 'list',
    user: { username: 'system:kube-controller-manager' },
    objectRef: { resource: 'secrets' },
    responseStatus: { code: 200 },
  });
  const lines: string[] = [];
  for (const event of [anonymous, secretsList, controllerRead]) {
    const line = JSON.stringify(event);
    lines.push(
      line,
      JSON.stringify(Object.fromEntries(Object.entries(event).reverse())),
      JSON.stringify(event, null, 1).replaceAll('\n', ''),
      line.replace('"verb":', '"\\u0076erb":'),
      line.replace('{', '{"verb":"get",'),
      `${line}\r`,
      JSON.stringify({ kind: 'EventList', items: [event, event] }),
      JSON.stringify({ properties: { log: JSON.stringify(event) } }),
      line.slice(0, -2),
      `${line} trailing`,
    );
  }
  // A verb and a user name in a request body, escaped quotes around them; an allow-listed name spelled with escapes.
  lines.push(
    JSON.stringify(
      auditEvent({
        verb: 'create',
        objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'coredns' },
        requestObject: { data: { note: '"verb":"list","user":{"username":"system:anonymous"}' } },
      }),
    ),
    JSON.stringify(controllerRead).replace('system:kube-controller-manager', 'system:kube-controller\\u002dmanager'),
    JSON.stringify(controllerRead).replace('system:kube-controller-manager', 'system:kube-contröller-manager'),
  );
  // GKE: the methodName, not a verb.
  lines.push(
    JSON.stringify({
      insertId: 'gke-1',
      timestamp: '2026-11-30T10:00:00Z',
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        methodName: 'io.k8s.core.v1.secrets.list',
        resourceName: 'core/v1/secrets',
        authenticationInfo: { principalEmail: 'mallory@example.com' },
        requestMetadata: { callerIp: '203.0.113.9' },
        status: {},
      },
    }),
  );
  // An export without auditID and stage; then the same event twice (a copy left out).
  const { auditID: _id, stage: _stage, ...stripped } = secretsList;
  lines.push(JSON.stringify(stripped), JSON.stringify(controllerRead), JSON.stringify(controllerRead));
  return lines;
}

describe('parsing only the events some rule wants', () => {
  it('leaves most ordinary traffic unparsed, and no event any rule alerts on', () => {
    const pipeline = createPipeline({ detections: allDetections });
    const needs = pipeline.needs;
    if (!needs) throw new Error('the default rules do not read every event');
    const lines = mixedLog().map((event) => Buffer.from(`${JSON.stringify(event)}\n`));
    const unwanted = lines.filter((line) => {
      const facts = lineFacts(line, 0);
      return facts !== undefined && !needs(facts);
    });
    expect(unwanted.length / lines.length).toBeGreaterThan(0.5);
    const alerting = createPipeline({ detections: allDetections });
    for (const line of unwanted) {
      expect(alerting.push({ event: JSON.parse(line.toString()), source: { file: 'x', line: 1 } })).toEqual([]);
    }
  });

  it('parses every event inside a --since/--until window, and every event when a proxy list is given', () => {
    expect(createPipeline({ detections: allDetections }).needs).toBeDefined();
    expect(createPipeline({ detections: allDetections, since: new Date(0) }).needs).toBeUndefined();
    const proxies = createPipeline({ detections: allDetections, settings: { proxyAddresses: new Set(['10.0.0.1']) } });
    expect(proxies.needs).toBeUndefined();
  });

  it('raises the same alerts, in the same order, with the same counts as parsing everything, on a generated log', async () => {
    writeFileSync(path.join(dir, 'mixed.log'), jsonl(mixedLog().map((event) => JSON.stringify(event))));
    const { alerts } = await expectSameRuns(['mixed.log'], { cwd: dir });
    expect(new Set(alerts.map((alert) => alert.rule))).toEqual(
      new Set([
        'anonymous-request',
        'denied-request-burst',
        'exec-credential-read',
        'exec-shell',
        'pod-exec',
        'privileged-pod-created',
        'secrets-access-denied',
        'secrets-list',
        'serviceaccount-client-tool',
        'workload-in-system-namespace',
      ]),
    );
  });

  it('is the same on adversarial lines: odd key orders, escapes, spacing, wrappers, copies, malformed lines', async () => {
    writeFileSync(path.join(dir, 'adversarial.log'), jsonl(adversarialLines()));
    const { alerts, source, errors } = await expectSameRuns(['adversarial.log'], { cwd: dir });
    expect(alerts.filter((alert) => alert.rule === 'anonymous-request').length).toBeGreaterThan(0);
    expect(alerts.filter((alert) => alert.rule === 'secrets-list').length).toBeGreaterThan(0);
    expect(source).toMatchObject({ duplicates: expect.any(Number), malformed: 6 });
    expect(source.duplicates).toBeGreaterThan(0);
    expect(errors).toHaveLength(6);
  });

  it('is the same on the empty input, and in chunks that cut lines anywhere', async () => {
    writeFileSync(path.join(dir, 'empty.log'), '');
    expect((await expectSameRuns(['empty.log'], { cwd: dir })).alerts).toEqual([]);
    const bytes = Buffer.from(jsonl([...mixedLog().map((event) => JSON.stringify(event)), ...adversarialLines()]));
    const stdin = (size: number) =>
      async function* () {
        for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
      };
    const whole = await run(['-'], { stdin: stdin(bytes.length), parseEvery: true });
    for (const size of [1, 7, 700, 4096]) expect(await run(['-'], { stdin: stdin(size) })).toEqual(whole);
  });
});

describeShared('parsing only the events some rule wants, on the corpora', () => {
  it('raises the same alerts and counts as parsing everything on the Falco captures, file by file', async () => {
    const corpus = path.join(sharedDir, 'corpora/auditlogs');
    const files = readdirSync(path.join(corpus, 'falco')).filter((name) => name.endsWith('.json'));
    let alerts = 0;
    for (const file of files) alerts += (await expectSameRuns([`falco/${file}`], { cwd: corpus })).alerts.length;
    expect(alerts).toBeGreaterThan(20);
  });

  it("raises the same alerts and counts as parsing everything on gen.py's generated traffic", async () => {
    const file = path.join(dir, 'gen-py.log');
    execFileSync('python3', [path.join(sharedDir, 'bench/gen.py'), 'audit', file, '30000']);
    const { alerts, source } = await expectSameRuns([file], {});
    expect(source.events).toBe(30_000);
    expect(alerts.length).toBeGreaterThan(10);
  });
});
