import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/paths.js';
import { defineDetection } from '../../detections/define.js';
import { createPipeline } from '../../detections/pipeline.js';
import { auditEvent } from '../../detections/tester.js';
import { Alert } from '../../model/alert.js';
import type { AuditEvent } from './event.js';
import { type AuditWebhook, createAuditWebhook, type WebhookOptions } from './webhook.js';

const tls = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/tls', name));
const TOKEN = 'test-token-0123456789';

/** Alerts on every event it sees: what reaches the output then says exactly which events were run. */
const everyEvent = defineDetection({
  id: 'test-every-event',
  title: 'Every event',
  severity: 'low',
  techniques: ['MS-TA9006'],
  description: 'Alerts on every event, for the webhook tests.',
  rationale: 'None: a test rule.',
  response: 'None.',
  fields: ['auditID'],
  level: 'Metadata',
  benign: 'Everything.',
  on: {},
  detect(_event, context) {
    context.alert({ message: 'seen' });
  },
});

/** Only exec into pods, under a second technique, for the per-rule and per-technique metrics. */
const execOnly = defineDetection({
  ...everyEvent,
  id: 'test-exec',
  techniques: ['MS-TA9006', 'MS-TA9007'],
  on: { resources: ['pods/exec'] },
  detect(_event, context) {
    context.alert({ message: 'exec' });
  },
});

/** An output that takes the first write and holds it until `release()`: the worker then waits, and the queue fills. */
class HeldOutput extends Writable {
  text = '';
  private held: (() => void)[] = [];
  private holding: boolean;
  constructor(holding = false) {
    super({ highWaterMark: 1 });
    this.holding = holding;
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    if (this.holding) this.held.push(done);
    else done();
  }
  release(): void {
    this.holding = false;
    for (const done of this.held.splice(0)) done();
  }
  alerts(): Alert[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => Alert.parse(JSON.parse(line)));
  }
}

let backend: AuditWebhook | undefined;
let port = 0;
afterEach(async () => {
  await backend?.close().catch(() => {});
  backend = undefined;
});

async function start(options: Partial<WebhookOptions> = {}): Promise<HeldOutput> {
  const output = (options.output as HeldOutput | undefined) ?? new HeldOutput();
  backend = createAuditWebhook({
    cert: tls('server.crt'),
    key: tls('server.key'),
    token: TOKEN,
    pipeline: createPipeline({ detections: [everyEvent, execOnly] }),
    output,
    maxBody: 64 * 1024,
    queue: 1000,
    ...options,
  });
  port = (await backend.listen('127.0.0.1', 0)).port;
  return output;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Send {
  method?: string;
  path?: string;
  token?: string | null;
  body?: string;
  headers?: Record<string, string>;
  cert?: string;
  /** Sends the headers only, and the body never: the answer must come without it. */
  headersOnly?: boolean;
  /** Sends the body chunked, without a length. */
  chunked?: boolean;
}

function send({ method = 'POST', path = '/', token = TOKEN, body = '', headers = {}, ...rest }: Send): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: tls('ca.crt'),
        agent: false,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(method !== 'POST' || rest.headersOnly
            ? {}
            : rest.chunked
              ? { 'transfer-encoding': 'chunked' }
              : { 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
        ...(rest.cert ? { cert: tls(`${rest.cert}.crt`), key: tls(`${rest.cert}.key`) } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
          if (rest.headersOnly) req.destroy();
        });
      },
    );
    req.on('error', reject);
    if (rest.headersOnly) req.flushHeaders();
    else req.end(body);
  });
}

const eventList = (events: readonly AuditEvent[]) =>
  JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: events });
const batch = (size: number) => Array.from({ length: size }, () => auditEvent());

/** Posts until accepted, waiting between tries as an API server would (here without the wait, for speed). */
async function postUntilAccepted(body: string, before: () => void = () => {}): Promise<number> {
  for (let tries = 1; ; tries++) {
    const answer = await send({ body });
    if (answer.status === 200) return tries;
    expect(answer.status).toBe(503);
    before();
  }
}

describe('the audit webhook backend', () => {
  it('takes an EventList, answers 200 with a Status, and writes one alert line per detection and event', async () => {
    const output = await start();
    const events = [
      auditEvent(),
      auditEvent({ verb: 'create', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'web' } }),
    ];
    const answer = await send({ body: eventList(events) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', status: 'Success', code: 200 });
    await backend?.close();
    const alerts = output.alerts();
    expect(alerts.map((alert) => [alert.rule, alert.auditID, alert.source])).toEqual([
      ['test-every-event', events[0]?.auditID, { file: 'webhook', line: 1 }],
      ['test-every-event', events[1]?.auditID, { file: 'webhook', line: 2 }],
      ['test-exec', events[1]?.auditID, { file: 'webhook', line: 2 }],
    ]);
  });

  it('numbers events across batches, so that each alert names the event it came from', async () => {
    const output = await start();
    const first = batch(2);
    const second = batch(3);
    expect((await send({ body: eventList(first) })).status).toBe(200);
    expect((await send({ body: eventList(second) })).status).toBe(200);
    await backend?.close();
    const lines = new Map(output.alerts().map((alert) => [alert.auditID, alert.source.line]));
    expect([...first, ...second].map((event) => lines.get(event.auditID))).toEqual([1, 2, 3, 4, 5]);
  });

  it.each([
    ['without a token', null],
    ['with a wrong token', 'test-token-0123456788'],
    ['with a longer token', `${TOKEN}0`],
    ['with an empty token', ''],
  ])('refuses a batch %s with 401, and runs nothing', async (_name, token) => {
    const output = await start();
    const answer = await send({ token, body: eventList(batch(1)) });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    await backend?.close();
    expect(output.text).toBe('');
    expect(backend?.counters.eventsReceived).toBe(0);
  });

  it('refuses a body over the limit with 413: at once when its length says so, before reading it', async () => {
    await start({ maxBody: 1024 });
    const answer = await send({ headersOnly: true, headers: { 'content-length': '1025' } });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
  });

  it('refuses a body over the limit with 413 when it passes the limit while streaming (no length given)', async () => {
    const output = await start({ maxBody: 1024 });
    const body = eventList(batch(10));
    expect(body.length).toBeGreaterThan(1024);
    const answer = await send({ body, chunked: true });
    expect(answer.status).toBe(413);
    await backend?.close();
    expect(output.text).toBe('');
  });

  it.each([
    ['not JSON', '{"kind":"EventList","items":[', /not valid JSON/],
    ['a single Event, not an EventList', JSON.stringify(auditEvent()), /not an audit.k8s.io EventList/],
    ['a JSON array', '[]', /not an audit.k8s.io EventList/],
    [
      'an EventList holding a non-event',
      eventList([{ verb: 'get' } as AuditEvent]),
      /an EventList item is an audit event without a user/,
    ],
  ])('refuses %s with 400, naming the problem without quoting the body', async (_name, body, reason) => {
    const output = await start();
    const answer = await send({ body });
    expect(answer.status).toBe(400);
    const status = JSON.parse(answer.body) as { message: string; reason: string };
    expect(status.reason).toBe('BadRequest');
    expect(status.message).toMatch(reason);
    expect(status.message).not.toContain('EventList","items');
    await backend?.close();
    expect(output.text).toBe('');
  });

  it('refuses a batch with 503 and Retry-After while the queue is full, and takes it once there is room', async () => {
    const output = new HeldOutput(true);
    await start({ output, queue: 3, retryAfter: 7 });
    const first = batch(2);
    const second = batch(2);
    expect((await send({ body: eventList(first) })).status).toBe(200);
    // The worker is held on its first write: the first batch's events stay counted, the second cannot fit beside them.
    const refused = await send({ body: eventList(second) });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('7');
    expect(JSON.parse(refused.body)).toMatchObject({ reason: 'ServiceUnavailable', details: { retryAfterSeconds: 7 } });
    expect(backend?.counters.eventsDropped.get('queue_full')).toBe(2);
    // The API server retries; in between, the output is freed and the worker drains the queue.
    expect(await postUntilAccepted(eventList(second), () => output.release())).toBeGreaterThan(0);
    await backend?.close();
    expect(
      output
        .alerts()
        .filter((alert) => alert.rule === 'test-every-event')
        .map((alert) => alert.auditID),
    ).toEqual([...first, ...second].map((event) => event.auditID));
  });

  it('loses no event when a client retries every refused batch, however small the queue', async () => {
    const output = new HeldOutput(true);
    await start({ output, queue: 4 });
    const batches = Array.from({ length: 12 }, (_, index) => batch(1 + (index % 3)));
    let released = false;
    await Promise.all(
      batches.map((events) =>
        postUntilAccepted(eventList(events), () => {
          if (!released) output.release();
          released = true;
        }),
      ),
    );
    await backend?.close();
    const seen = output.alerts().filter((alert) => alert.rule === 'test-every-event');
    expect(seen.map((alert) => alert.auditID).sort()).toEqual(
      batches.flatMap((events) => events.map((event) => event.auditID)).sort(),
    );
    expect(new Set(seen.map((alert) => alert.source.line)).size).toBe(seen.length);
    expect(backend?.counters.batchesRejected.get('queue_full')).toBeGreaterThan(0);
  });

  it('on close, refuses new batches but writes the alerts of every event it accepted before returning', async () => {
    const output = new HeldOutput(true);
    await start({ output });
    const accepted = [batch(3), batch(4)];
    for (const events of accepted) expect((await send({ body: eventList(events) })).status).toBe(200);
    expect(backend?.counters.queueDepth).toBeGreaterThan(0);
    const closing = backend?.close();
    // The listening socket is closed at once: a new connection is refused.
    await expect(send({ body: eventList(batch(1)) })).rejects.toThrow(/ECONNREFUSED/);
    output.release();
    await closing;
    expect(backend?.counters.queueDepth).toBe(0);
    expect(output.alerts().filter((alert) => alert.rule === 'test-every-event')).toHaveLength(7);
  });

  it('answers /healthz without credentials, and /metrics only with them', async () => {
    await start();
    expect(await send({ method: 'GET', path: '/healthz', token: null })).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await send({ method: 'GET', path: '/metrics', token: null })).status).toBe(401);
    expect((await send({ method: 'GET', path: '/' })).status).toBe(405);
  });

  it('exposes events, alerts by rule and technique, rejections, drops and the queue on /metrics', async () => {
    await start({ maxBody: 4096 });
    const events = [auditEvent(), auditEvent({ objectRef: { resource: 'pods', subresource: 'exec' } })];
    expect((await send({ body: eventList(events) })).status).toBe(200);
    expect((await send({ body: 'nope' })).status).toBe(400);
    expect((await send({ token: 'wrong', body: 'x' })).status).toBe(401);
    expect((await send({ body: eventList(batch(40)) })).status).toBe(413);
    await waitFor(() => backend?.counters.eventsProcessed === 2);
    const answer = await send({ method: 'GET', path: '/metrics' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = answer.body.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(samples).toEqual(
      expect.arrayContaining([
        'kubematrix_audit_events_received_total 2',
        'kubematrix_audit_events_processed_total 2',
        'kubematrix_audit_batches_accepted_total 1',
        'kubematrix_audit_batches_rejected_total{reason="malformed"} 1',
        'kubematrix_audit_batches_rejected_total{reason="too_large"} 1',
        'kubematrix_audit_batches_rejected_total{reason="unauthorized"} 1',
        'kubematrix_audit_queue_depth 0',
        'kubematrix_audit_queue_capacity 1000',
        'kubematrix_audit_alerts_total{rule="test-every-event"} 2',
        'kubematrix_audit_alerts_total{rule="test-exec"} 1',
        'kubematrix_audit_technique_alerts_total{technique="MS-TA9006"} 3',
        'kubematrix_audit_technique_alerts_total{technique="MS-TA9007"} 1',
      ]),
    );
    for (const name of ['kubematrix_audit_events_dropped_total', 'kubematrix_audit_events_failed_total']) {
      expect(answer.body).toContain(`# TYPE ${name} counter`);
    }
  });

  describe('with mutual TLS', () => {
    it('accepts a client certificate from the client CA without a token', async () => {
      await start({ token: undefined, clientCa: tls('ca.crt') });
      expect((await send({ token: null, cert: 'client', body: eventList(batch(1)) })).status).toBe(200);
    });

    it('refuses a client without a certificate, or with one from another CA, with 401', async () => {
      await start({ token: undefined, clientCa: tls('ca.crt') });
      expect((await send({ token: null, body: eventList(batch(1)) })).status).toBe(401);
      expect((await send({ token: null, cert: 'stranger', body: eventList(batch(1)) })).status).toBe(401);
      expect(backend?.counters.eventsReceived).toBe(0);
    });

    it('needs both when both a token and a client CA are set', async () => {
      await start({ clientCa: tls('ca.crt') });
      expect((await send({ cert: 'client', token: null, body: eventList(batch(1)) })).status).toBe(401);
      expect((await send({ body: eventList(batch(1)) })).status).toBe(401);
      expect((await send({ cert: 'client', body: eventList(batch(1)) })).status).toBe(200);
    });
  });

  it('stops taking batches when the output fails, and says why on close', async () => {
    const output = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    await start({ output });
    expect((await send({ body: eventList(batch(1)) })).status).toBe(200);
    await expect(backend?.failed).resolves.toHaveProperty('message', 'disk full');
    expect((await send({ body: eventList(batch(1)) })).status).toBe(503);
    await expect(backend?.close()).rejects.toThrow('disk full');
  });
});

/** Polls a condition the worker reaches asynchronously (no timing asserted: vitest's timeout bounds it). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
