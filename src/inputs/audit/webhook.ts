import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Pipeline } from '../../detections/pipeline.js';
import { jsonText } from '../../report/json/text.js';
import { decodeRecord } from './decode.js';
import type { SourcedEvent } from './event.js';

/**
 * The audit-webhook backend (`kubematrix audit serve`): the API server POSTs batches of events as `EventList`s; each
 * is checked, queued and answered at once, and a worker runs the detections off the request path and streams alerts
 * as JSON lines. Alerts name `webhook` as their file and, as their line, the event's 1-based sequence number among
 * the events accepted since the backend started (the `events_received` counter when it arrived).
 */
export interface WebhookOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** Bearer token every request must carry. */
  readonly token?: string;
  /** CA bundle client certificates must chain to (mutual TLS). With a token too, a request needs both. */
  readonly clientCa?: string | Buffer;
  readonly pipeline: Pipeline;
  /** Where alerts go, one JSON object a line; its backpressure holds the worker, which fills the queue. */
  readonly output: Writable;
  /** Largest request body accepted, in bytes. */
  readonly maxBody: number;
  /**
   * Events held between the request and the output (queued, or run and their alerts waiting for the output); a batch
   * that does not fit is refused with 503.
   */
  readonly queue: number;
  /** Seconds the API server is asked to wait before retrying a refused batch. */
  readonly retryAfter?: number;
  /** Operational messages (a failing detection, the output failing), one line each, without event contents. */
  readonly log?: (line: string) => void;
}

export interface AuditWebhook {
  readonly server: Server;
  /** Starts serving; port 0 picks a free one. */
  listen(host: string, port: number): Promise<AddressInfo>;
  /**
   * Graceful stop: refuses new batches, lets requests in flight finish, runs the detections on every queued event,
   * and waits until the output has taken every alert. Rejects with the output's error if it failed.
   */
  close(): Promise<void>;
  /** Resolves when the output fails: the backend then stops taking batches, and the caller should close it. */
  readonly failed: Promise<Error>;
  /** Prometheus text exposition of the counters below and the pipeline's. */
  metrics(): string;
  readonly counters: WebhookCounters;
}

/** Why a batch was refused, as the `reason` label of `kubematrix_audit_batches_rejected_total`. */
export type RejectReason =
  | 'unauthorized'
  | 'too_large'
  | 'malformed'
  | 'method_not_allowed'
  | 'queue_full'
  | 'shutting_down';

export interface WebhookCounters {
  batchesAccepted: number;
  batchesRejected: Map<RejectReason, number>;
  eventsReceived: number;
  eventsProcessed: number;
  /** Events in batches refused with 503: the API server retries those, but drops them once its own buffer is full. */
  eventsDropped: Map<RejectReason, number>;
  /** Events a detection threw on (a bug in a rule): logged and skipped, the other events carry on. */
  eventsFailed: number;
  queueDepth: number;
}

/** Events handed to the pipeline before the worker yields to the network again. */
const SLICE = 256;
/** Extra body bytes read and discarded after an early refusal, so that the client can still read the answer. */
const DISCARD_LIMIT = 1 << 20;
/** How long a graceful stop waits for requests in flight before cutting their connections. */
const GRACE_MS = 10_000;

export function createAuditWebhook(options: WebhookOptions): AuditWebhook {
  const { pipeline, output, maxBody, retryAfter = 1, log = () => {} } = options;
  if (!options.token && !options.clientCa) throw new Error('the audit webhook needs a token or a client CA');
  const expectedToken = options.token === undefined ? undefined : digest(options.token);
  const counters: WebhookCounters = {
    batchesAccepted: 0,
    batchesRejected: new Map(),
    eventsReceived: 0,
    eventsProcessed: 0,
    eventsDropped: new Map(),
    eventsFailed: 0,
    queueDepth: 0,
  };
  // Batches waiting for the worker; `counters.queueDepth` counts their events.
  const queue: SourcedEvent[][] = [];
  let closing = false;
  let working: Promise<void> | undefined;
  let outputError: Error | undefined;
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => {
    fail = resolve;
  });
  output.on('error', (error) => {
    if (outputError) return;
    outputError = error;
    closing = true;
    log(`the alert output failed: ${error.message}`);
    fail(error);
  });

  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
    },
    (request, response) => {
      handle(request, response).catch((error: Error) => {
        log(`request failed: ${error.message}`);
        if (!response.headersSent) response.writeHead(500).end();
      });
    },
  );
  // A client that trickles its headers or body must not hold a connection for ever.
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;

  const authenticated = (request: IncomingMessage): boolean => {
    if (options.clientCa && !(request.socket as TLSSocket).authorized) return false;
    if (!expectedToken) return true;
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1] as string), expectedToken);
  };

  const refuse = (
    request: IncomingMessage,
    response: ServerResponse,
    code: number,
    reason: RejectReason,
    message: string,
    events = 0,
  ): void => {
    counters.batchesRejected.set(reason, (counters.batchesRejected.get(reason) ?? 0) + 1);
    const busy = reason === 'queue_full' || reason === 'shutting_down';
    if (busy && events) counters.eventsDropped.set(reason, (counters.eventsDropped.get(reason) ?? 0) + events);
    const headers: Record<string, string> = busy ? { 'retry-after': String(retryAfter) } : {};
    if (reason === 'unauthorized') headers['www-authenticate'] = 'Bearer';
    if (!request.complete) {
      // Answered before the body was read: the rest is read and discarded up to a limit, so that the client, still
      // sending, is not reset before it reads the answer; past the limit the connection is cut.
      let discarded = 0;
      request.on('data', (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > DISCARD_LIMIT) request.socket.destroy();
      });
    }
    send(response, code, status(code, reason, message, busy ? retryAfter : undefined), headers);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (closing) response.setHeader('connection', 'close');
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz' && request.method === 'GET') {
      send(response, closing ? 503 : 200, closing ? 'shutting down\n' : 'ok\n');
      return;
    }
    if (!authenticated(request)) {
      refuse(request, response, 401, 'unauthorized', 'a valid bearer token or client certificate is required');
      return;
    }
    if (path === '/metrics' && request.method === 'GET') {
      send(response, 200, metrics(), { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      refuse(request, response, 405, 'method_not_allowed', 'audit batches are POSTed');
      return;
    }
    if (closing) {
      refuse(request, response, 503, 'shutting_down', 'the backend is shutting down');
      return;
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBody) {
      refuse(request, response, 413, 'too_large', `the body is larger than the ${maxBody}-byte limit`);
      return;
    }
    const body = await readBody(request, maxBody);
    if (body === undefined) {
      refuse(request, response, 413, 'too_large', `the body is larger than the ${maxBody}-byte limit`);
      return;
    }
    if (body === null) return; // the client went away mid-body
    const decoded = decodeBatch(body);
    if (typeof decoded === 'string') {
      refuse(request, response, 400, 'malformed', decoded);
      return;
    }
    if (closing) {
      refuse(request, response, 503, 'shutting_down', 'the backend is shutting down', decoded.length);
      return;
    }
    // A batch larger than the whole queue still goes through an empty one, or it could never be taken.
    if (counters.queueDepth > 0 && counters.queueDepth + decoded.length > options.queue) {
      refuse(request, response, 503, 'queue_full', 'the queue is full, retry later', decoded.length);
      return;
    }
    queue.push(decoded.map((event) => ({ event, source: { file: 'webhook', line: ++counters.eventsReceived } })));
    counters.queueDepth += decoded.length;
    counters.batchesAccepted++;
    send(response, 200, status(200));
    kick();
  };

  /** Runs the detections on the queue until it is empty, yielding between slices and waiting on the output. */
  const work = async (): Promise<void> => {
    let next = 0; // the first event of `queue[0]` not yet run
    for (let batch = queue[0]; batch && !outputError; batch = queue[0]) {
      await new Promise((resolve) => setImmediate(resolve));
      const start = next;
      const end = Math.min(start + SLICE, batch.length);
      let lines = '';
      for (; next < end; next++) {
        const sourced = batch[next] as SourcedEvent;
        try {
          for (const alert of pipeline.push(sourced)) lines += `${jsonText(alert)}\n`;
        } catch (error) {
          counters.eventsFailed++;
          log(`a detection failed on webhook event ${sourced.source.line}: ${(error as Error).message}`);
        }
      }
      counters.eventsProcessed += end - start;
      if (next === batch.length) {
        queue.shift();
        next = 0;
      }
      if (lines && !output.write(lines)) await once(output, 'drain').catch(() => {});
      // Counted out only now: while the output holds the worker, its alerts wait in memory like queued events.
      counters.queueDepth -= end - start;
    }
  };
  /** Starts the worker unless it runs; it checks the queue again as it stops, so no batch is left behind. */
  const kick = (): void => {
    working ??= work().finally(() => {
      working = undefined;
      if (queue.length && !outputError) kick();
    });
  };

  const metrics = (): string => {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [Record<string, string>, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labelText(labels)} ${value}`);
    };
    const byLabel = (label: string, map: ReadonlyMap<string, number>): [Record<string, string>, number][] =>
      [...map].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => [{ [label]: key }, value]);
    metric('kubematrix_audit_batches_accepted_total', 'counter', 'Batches accepted and queued.', [
      [{}, counters.batchesAccepted],
    ]);
    metric(
      'kubematrix_audit_batches_rejected_total',
      'counter',
      'Requests refused, by reason.',
      byLabel('reason', counters.batchesRejected),
    );
    metric('kubematrix_audit_events_received_total', 'counter', 'Events accepted into the queue.', [
      [{}, counters.eventsReceived],
    ]);
    metric('kubematrix_audit_events_processed_total', 'counter', 'Events the detections have run on.', [
      [{}, counters.eventsProcessed],
    ]);
    metric(
      'kubematrix_audit_events_dropped_total',
      'counter',
      'Events in batches refused with 503, by reason; the API server retries them while its buffer lasts.',
      byLabel('reason', counters.eventsDropped),
    );
    metric('kubematrix_audit_events_failed_total', 'counter', 'Events a detection failed on.', [
      [{}, counters.eventsFailed],
    ]);
    metric('kubematrix_audit_queue_depth', 'gauge', 'Events accepted whose alerts are not yet written.', [
      [{}, counters.queueDepth],
    ]);
    metric('kubematrix_audit_queue_capacity', 'gauge', 'Events the queue holds at most.', [[{}, options.queue]]);
    metric(
      'kubematrix_audit_alerts_total',
      'counter',
      'Alerts raised, by detection.',
      byLabel('rule', pipeline.stats.byRule),
    );
    metric(
      'kubematrix_audit_technique_alerts_total',
      'counter',
      'Alerts raised, by technique (an alert may name several).',
      byLabel('technique', pipeline.stats.byTechnique),
    );
    return `${lines.join('\n')}\n`;
  };

  return {
    server,
    counters,
    failed,
    metrics,
    async listen(host, port) {
      server.listen(port, host);
      await once(server, 'listening');
      return server.address() as AddressInfo;
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), GRACE_MS);
      await closed;
      clearTimeout(grace);
      while (working) await working;
      if (!outputError && output.writableNeedDrain) await once(output, 'drain').catch(() => {});
      if (outputError) throw outputError;
    },
  };
}

/** The body as an `EventList`'s events, or why it is not one (in our words, never quoting it). */
function decodeBatch(body: Buffer): SourcedEvent['event'][] | string {
  let record: unknown;
  try {
    record = JSON.parse(body.toString('utf8'));
  } catch {
    // JSON.parse's message quotes the text around the error: not repeated.
    return 'the body is not valid JSON';
  }
  if (typeof record !== 'object' || record === null || !Array.isArray((record as { items?: unknown }).items)) {
    return 'the body is not an audit.k8s.io EventList';
  }
  return decodeRecord(record);
}

/**
 * The whole body, `undefined` once it passes `limit` bytes (reading stops there; the caller decides what to do with
 * the rest), `null` if the client went away.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const take = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', take);
      resolve(undefined);
    };
    request.on('data', take);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('close', () => resolve(null));
  });
}

function send(response: ServerResponse, code: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(code, {
    'content-type': body.startsWith('{') ? 'application/json' : 'text/plain; charset=utf-8',
    ...headers,
  });
  response.end(body);
}

/** A Kubernetes `Status`, which the API server's webhook client reads for its logs and retry decision. */
function status(code: number, reason?: RejectReason, message?: string, retryAfterSeconds?: number): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code === 200 ? 'Success' : 'Failure',
    ...(message ? { message } : {}),
    ...(reason ? { reason: STATUS_REASONS[reason] } : {}),
    ...(retryAfterSeconds ? { details: { retryAfterSeconds } } : {}),
    code,
  });
}

const STATUS_REASONS: Record<RejectReason, string> = {
  unauthorized: 'Unauthorized',
  too_large: 'RequestEntityTooLarge',
  malformed: 'BadRequest',
  method_not_allowed: 'MethodNotAllowed',
  queue_full: 'ServiceUnavailable',
  shutting_down: 'ServiceUnavailable',
};

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  const quoted = (value: string) => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
  return `{${entries.map(([key, value]) => `${key}="${quoted(value)}"`).join(',')}}`;
}
