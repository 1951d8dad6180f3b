import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { allDetections } from '../../detections/index.js';
import { createPipeline } from '../../detections/pipeline.js';
import { readFailure } from '../../inputs/audit/read.js';
import { createAuditWebhook } from '../../inputs/audit/webhook.js';
import { describe } from '../../inputs/cluster/connect.js';
import { type Io, UsageError } from '../io.js';
import { detectionOptions } from './audit.js';

export interface ServeOptions {
  listen: string;
  tlsCert: string;
  tlsKey: string;
  tokenFile?: string;
  clientCa?: string;
  /** `jsonl` (standard output) or `jsonl=FILE` (appended to). */
  output: string;
  maxBody: string;
  queue: string;
  config?: string;
  proxyList?: string;
}

/**
 * `kubematrix audit serve`: the audit-webhook backend, until SIGTERM or SIGINT; then it stops taking batches, runs
 * the detections on what it took, and exits 0 once every alert is written. A second signal ends it at once.
 */
export default async function serve(io: Io, options: ServeOptions): Promise<number> {
  const { host, port } = parseListen(options.listen);
  const maxBody = positive('--max-body', options.maxBody);
  const queue = positive('--queue', options.queue);
  if (!options.tokenFile && !options.clientCa) {
    throw new UsageError(
      'give --token-file, --client-ca (mutual TLS), or both: the backend never serves unauthenticated',
    );
  }
  const token = options.tokenFile ? readToken(io, options.tokenFile) : undefined;
  const tls = readTls(io, options);
  const detection = await detectionOptions(io, options);
  const output = await openOutput(io, options.output);
  const pipeline = createPipeline({ detections: allDetections, ...detection });
  const backend = tlsErrors(options, () =>
    createAuditWebhook({
      ...tls,
      ...(token ? { token } : {}),
      pipeline,
      output: output.stream,
      maxBody,
      queue,
      log: (line) => io.stderr.write(`kubematrix: ${line}\n`),
    }),
  );
  const address = await backend.listen(host, port).catch((error: unknown) => {
    throw new UsageError(`cannot listen on ${options.listen}: ${describe(error, 'listen failed')}`);
  });
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.stderr.write(
    `kubematrix: audit webhook listening on https://${shown}:${address.port} (${allDetections.length} detections)\n`,
  );

  let signalled = (_signal: string) => {};
  const stop = await new Promise<string>((resolve) => {
    signalled = resolve;
    process.once('SIGTERM', signalled).once('SIGINT', signalled);
    void backend.failed.then(() => resolve('the output failed'));
  });
  // From here the next signal finds no handler and ends the process at once.
  process.off('SIGTERM', signalled).off('SIGINT', signalled);
  io.stderr.write(`kubematrix: stopping (${stop}): draining ${backend.counters.queueDepth} queued events\n`);
  let failed = false;
  await backend.close().catch(() => {
    failed = true;
  });
  await output.close().catch((error: unknown) => {
    failed = true;
    io.stderr.write(`kubematrix: cannot finish ${options.output}: ${describe(error, 'write failed')}\n`);
  });
  const { eventsReceived, eventsProcessed } = backend.counters;
  io.stderr.write(
    `kubematrix: stopped: ${eventsReceived} events received, ${eventsProcessed} run, ${pipeline.stats.alerts} alerts\n`,
  );
  return failed ? 2 : 0;
}

function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || port > 65_535)
    throw new UsageError(`--listen must be HOST:PORT, such as 127.0.0.1:8443 (got '${listen}')`);
  return { host: (match[1] ?? match[2]) as string, port };
}

function positive(option: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1)
    throw new UsageError(`${option} must be a positive whole number (got '${value}')`);
  return number;
}

function read(io: Io, file: string, option: string): Buffer {
  try {
    return readFileSync(path.resolve(io.cwd, file));
  } catch (error) {
    throw new UsageError(`${option} ${file}: ${readFailure(error)}`);
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * The certificate, key and CA files, checked here so that each mistake is one sentence naming the file, not an
 * OpenSSL error from deep in the TLS server: PEM as the server needs it, every certificate parseable, and the key
 * the one of the first certificate.
 */
function readTls(
  io: Io,
  { tlsCert, tlsKey, clientCa }: ServeOptions,
): { cert: Buffer; key: Buffer; clientCa?: Buffer } {
  const cert = read(io, tlsCert, '--tls-cert');
  const [leaf] = certificates(cert, '--tls-cert', tlsCert);
  const key = read(io, tlsKey, '--tls-key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // Node's error for a passphrase it was not given differs between versions: the PEM headers say it.
    const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key.toString('latin1'));
    throw new UsageError(
      encrypted
        ? `--tls-key ${tlsKey} is encrypted: give the key unencrypted (openssl pkey -in KEY -out KEY.plain)`
        : `--tls-key ${tlsKey} holds no PEM private key`,
    );
  }
  if (!leaf?.checkPrivateKey(privateKey)) {
    throw new UsageError(`--tls-key ${tlsKey} is not the key of the first certificate in --tls-cert ${tlsCert}`);
  }
  if (clientCa === undefined) return { cert, key };
  const ca = read(io, clientCa, '--client-ca');
  certificates(ca, '--client-ca', clientCa);
  return { cert, key, clientCa: ca };
}

/** What OpenSSL still refuses after the checks above (a key too small for its security level): one sentence too. */
function tlsErrors<T>({ tlsCert, tlsKey }: ServeOptions, create: () => T): T {
  try {
    return create();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (!code?.startsWith('ERR_OSSL')) throw error;
    throw new UsageError(`cannot serve TLS with --tls-cert ${tlsCert} and --tls-key ${tlsKey}: ${message}`);
  }
}

/** Every PEM certificate of a file, at least one, each parseable. */
function certificates(pem: Buffer, option: string, file: string): X509Certificate[] {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (!blocks.length) throw new UsageError(`${option} ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new UsageError(`${option} ${file}: certificate ${i + 1} of ${blocks.length} cannot be parsed`);
    }
  });
}

/** The token file's content without its final line break; never printed. */
function readToken(io: Io, file: string): string {
  const token = read(io, file, '--token-file').toString('utf8').trim();
  if (!token) throw new UsageError(`--token-file ${file} is empty`);
  if (/\s/.test(token)) throw new UsageError(`--token-file ${file} must hold one token, without spaces or line breaks`);
  return token;
}

interface Output {
  readonly stream: Writable;
  /** Flushes what is written; a file is closed, standard output stays open. */
  close(): Promise<void>;
}

async function openOutput(io: Io, output: string): Promise<Output> {
  const [format, file] = output.split(/=(.*)/s, 2);
  if (format !== 'jsonl') throw new UsageError(`--output must be jsonl or jsonl=FILE (got '${output}')`);
  if (!file) {
    const stream =
      io.stdout instanceof Writable
        ? io.stdout
        : new Writable({
            write(chunk: Buffer, _encoding, done) {
              io.stdout.write(chunk.toString());
              done();
            },
          });
    return {
      stream,
      close: async () => {
        if (stream.writableNeedDrain) await once(stream, 'drain');
      },
    };
  }
  // Appended to: a restarted backend adds to the alerts of the previous run rather than replacing them.
  const stream = createWriteStream(path.resolve(io.cwd, file), { flags: 'a' });
  await once(stream, 'open').catch((error: unknown) => {
    throw new UsageError(`cannot write ${file}: ${describe(error, 'open failed')}`);
  });
  return {
    stream,
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
  };
}
