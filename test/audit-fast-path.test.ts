import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benignDay } from '../src/detections/benign-day.fixtures.js';
import { execEvent } from '../src/detections/exec.fixtures.js';
import { allDetections } from '../src/detections/index.js';
import { createPipeline } from '../src/detections/pipeline.js';
import { auditEvent } from '../src/detections/tester.js';
import { type AuditLogOptions, auditLog } from '../src/engine/audit.js';
import type { AuditEvent } from '../src/inputs/audit/event.js';
import { lineFacts } from '../src/inputs/audit/line-facts.js';
import type { Alert } from '../src/model/alert.js';
import { describeShared, sharedDir } from './paths.js';

/** A run's alerts and counts, parsing only the events some rule needs (the default) or every one. */
async function run(inputs: string[], options: AuditLogOptions) {
  const alerts: Alert[] = [];
  const result = await auditLog(inputs, { ...options, onAlert: (alert) => void alerts.push(alert) });
  return { alerts, source: result.source, errors: result.errors };
}

async function expectSameRuns(inputs: string[], options: AuditLogOptions) {
  const fast = await run(inputs, options);
  const full = await run(inputs, { ...options, parseEvery: true });
  expect(fast).toEqual(full);
  return fast;
}

const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-fast-path-'));
const jsonl = (events: readonly unknown[]) => events.map((event) => `${JSON.stringify(event)}\n`).join('');

/** Ordinary traffic with attacks among it, by allow-listed and other identities, some stripped by an export. */
function mixedLog(): AuditEvent[] {
  const day = benignDay(6);
  const controller = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
  const attacks: AuditEvent[] = [
    execEvent({ command: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'] }),
    execEvent({ command: ['sh'], interactive: true }, { verb: 'get' }),
    auditEvent({ verb: 'list', objectRef: { resource: 'secrets' }, responseStatus: { code: 200 } }),
    auditEvent({
      verb: 'get',
      user: { username: 'system:anonymous' },
      objectRef: { resource: 'pods' },
      responseStatus: { code: 200 },
    }),
    ...Array.from({ length: 12 }, (_, i) =>
      auditEvent({ verb: 'get', objectRef: { resource: `thing${i}` }, responseStatus: { code: 403 } }),
    ),
    auditEvent({
      user: controller,
      objectRef: { resource: 'pods', namespace: 'kube-system', name: 'evil' },
      requestObject: {
        kind: 'Pod',
        spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] },
      },
    }),
    auditEvent({
      verb: 'list',
      user: { username: 'system:serviceaccount:shop:web' },
      userAgent: 'kubectl/v1.31.0',
      objectRef: { resource: 'pods', namespace: 'shop' },
      responseStatus: { code: 200 },
    }),
  ];
  const { auditID: _id, stage: _stage, ...stripped } = attacks[0] as AuditEvent;
  const events = [...day];
  attacks.forEach((attack, index) => events.splice(((index + 1) * 97) % events.length, 0, attack));
  events.push(stripped as AuditEvent, day[5] as AuditEvent, day[5] as AuditEvent);
  return events;
}

describe('the fast path: parsing only what some rule needs', () => {
  it('skips most ordinary traffic without parsing it, and no line a rule could alert on', () => {
    const pipeline = createPipeline({ detections: allDetections });
    const lines = mixedLog().map((event) => JSON.stringify(event));
    const skipped = lines.filter((line) => {
      const facts = lineFacts(line);
      return facts !== undefined && !pipeline.needs(facts, line);
    });
    expect(skipped.length / lines.length).toBeGreaterThan(0.5);
    const alerting = createPipeline({ detections: allDetections });
    for (const line of skipped) {
      expect(alerting.push({ event: JSON.parse(line), source: { file: 'x', line: 1 } })).toEqual([]);
    }
  });

  it('parses every event inside a --since/--until window, and every event when a proxy list is given', () => {
    const line = JSON.stringify(auditEvent({ verb: 'get', user: { username: 'system:kube-scheduler' } }));
    const facts = lineFacts(line);
    if (!facts) throw new Error('a compact event line has facts');
    expect(createPipeline({ detections: allDetections }).needs(facts, line)).toBe(false);
    expect(createPipeline({ detections: allDetections, since: new Date(0) }).needs(facts, line)).toBe(true);
    const proxies = createPipeline({ detections: allDetections, settings: { proxyAddresses: new Set(['10.0.0.1']) } });
    expect(proxies.needs(facts, line)).toBe(true);
  });

  it('raises the same alerts, in the same order, with the same counts as parsing everything, on a generated log', async () => {
    writeFileSync(path.join(dir, 'mixed.log'), jsonl(mixedLog()));
    const { alerts, source } = await expectSameRuns(['mixed.log'], { cwd: dir });
    expect([...new Set(alerts.map((alert) => alert.rule))].sort()).toEqual([
      'anonymous-request',
      'denied-request-burst',
      'exec-credential-read',
      'exec-shell',
      'pod-exec',
      'privileged-pod-created',
      'secrets-list',
      'serviceaccount-client-tool',
      // The web account, used with kubectl from a person's address, is also new there.
      'serviceaccount-new-source',
      'workload-in-system-namespace',
    ]);
    expect(source).toMatchObject({
      duplicates: 2,
      lenient: [{ file: 'mixed.log', withoutAuditID: 1, withoutStage: 1 }],
    });
  });

  it('is the same on a log written with spaces after colons, as Python and some shippers write JSON', async () => {
    const spaced = mixedLog().map((event) => `${JSON.stringify(event, null, 1).replace(/\n */g, ' ')}\n`);
    writeFileSync(path.join(dir, 'spaced.log'), spaced.join(''));
    expect((await expectSameRuns(['spaced.log'], { cwd: dir })).alerts.length).toBeGreaterThan(10);
  });

  it('is the same on the empty input', async () => {
    writeFileSync(path.join(dir, 'empty.log'), '');
    expect((await expectSameRuns(['empty.log'], { cwd: dir })).alerts).toEqual([]);
  });
});

describeShared('the fast path on the Falco corpus', () => {
  it('raises the same alerts and counts as parsing everything, file by file', async () => {
    const corpus = path.join(sharedDir, 'corpora/auditlogs');
    const files = readdirSync(path.join(corpus, 'falco')).filter((name) => name.endsWith('.json'));
    let alerts = 0;
    for (const file of files) alerts += (await expectSameRuns([`falco/${file}`], { cwd: corpus })).alerts.length;
    expect(alerts).toBeGreaterThan(20);
  });
});
