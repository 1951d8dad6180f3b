import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS } from '../limits.js';
import { decodeRecord } from './decode.js';
import { stageBit } from './dedup.js';
import type { AuditEvent } from './event.js';
import { hashOf } from './recent-ids.js';
import { MAX_RECORD_LENGTH, RecordReader } from './records.js';

/**
 * Reading one large file of JSON lines on several threads. The file is cut into byte ranges; a worker reads the lines
 * that start in its range, parses and decodes each, and asks the detection pipeline's `wants` whether any rule could
 * take its events. It sends back, in line order, the text of the lines some rule wants (the reading thread parses
 * those again, a small share of a log), and of every other event only what de-duplication and the summary need, in
 * typed arrays handed over without copying: a byte of flags (stage, no auditID, outside the time window), the
 * auditID's hash, and the auditIDs as one string, looked at only when a hash is seen again. Lenient counts come back
 * per range. The reading thread replays them in input order, so that alerts, counts, copies and errors are those of
 * reading on one thread, at a cost per event of a few typed-array reads and one probe of the de-duplication table.
 *
 * A range is exact only if the lines before it left no multi-line document open: a worker marks its range unclean as
 * soon as a line is not a whole JSON record (a pretty-printed document, a line too long, not JSON), and the reading
 * thread reads from there to the end on its own, as one thread would.
 */

/** A worker's answer for one range. */
export interface ChunkResult {
  /** Every line of the range is a whole JSON record, or blank: its items are what one thread would read. */
  readonly clean: boolean;
  /** Where the line after the range's last starts (the next range's first line), and how many lines it holds. */
  readonly next: number;
  readonly lines: number;
  /** Per item, in line order: {@link PASSED} event, {@link WANTED} line, {@link INVALID} record. */
  readonly items: Uint8Array;
  /** Per passed event: its stage bit, with {@link NO_ID} and {@link OUTSIDE}. */
  readonly flags: Uint8Array;
  /** Per passed event: its auditID's `hashOf` with the request's seed (0: none), and where the auditID ends in `ids`. */
  readonly hashes: Int32Array;
  readonly idEnds: Int32Array;
  /** The passed events' auditIDs, one after another. */
  readonly ids: string;
  /** Of the passed events, how many were read without an auditID, and without a stage. */
  readonly withoutAuditID: number;
  readonly withoutStage: number;
  /** Per wanted line and invalid record: the line (from the range's first, 1-based); the text, or why invalid. */
  readonly at: Int32Array;
  readonly texts: string[];
}

export const PASSED = 0;
export const WANTED = 1;
export const INVALID = 2;
/** Flags above every stage bit: the event had no auditID; the time window leaves it out. */
export const NO_ID = 32;
export const OUTSIDE = 64;

export interface ChunkRequest {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly maxLength?: number;
  readonly maxNodes?: number;
  /** The seed of the reading thread's de-duplication hashes. */
  readonly seed: number;
}

/** Bytes read at a time, and looked at past a range's end to finish its last line. */
const READ_SIZE = 1 << 20;
const PEEK_SIZE = 64 * 1024;

/**
 * The worker's side: reads the lines that start in `[start, end)` (the first one after the line break before `start`,
 * the last one to its end even past `end`). `wants` tells whether a decoded event may go to a rule; `outside` whether
 * the run's time window leaves it out (none: no window).
 */
export async function readChunk(
  request: ChunkRequest,
  wants: (event: AuditEvent) => boolean,
  outside?: (event: AuditEvent) => boolean,
): Promise<ChunkResult> {
  const items: number[] = [];
  const flags: number[] = [];
  const hashes: number[] = [];
  const idEnds: number[] = [];
  const ids: string[] = [];
  let idLength = 0;
  let withoutAuditID = 0;
  let withoutStage = 0;
  const at: number[] = [];
  const texts: string[] = [];
  let clean = true;
  const reader = new RecordReader<true>(
    request.maxLength ?? MAX_RECORD_LENGTH,
    (record, line, itemLine, text) => {
      // A multi-line document: its item lines and lengths are the one-thread reader's business.
      if (itemLine || text === undefined) {
        clean = false;
        return undefined;
      }
      const decoded = decodeRecord(record);
      if (typeof decoded === 'string') {
        items.push(INVALID);
        at.push(line);
        texts.push(decoded);
      } else if (decoded.some(wants)) {
        items.push(WANTED);
        at.push(line);
        texts.push(text);
      } else {
        for (const event of decoded) {
          items.push(PASSED);
          const { auditID, stage } = event;
          let flag = stageBit(stage);
          if (stage === undefined) withoutStage++;
          if (auditID === undefined) {
            withoutAuditID++;
            flag |= NO_ID;
            hashes.push(0);
          } else {
            hashes.push(hashOf(auditID, request.seed));
            ids.push(auditID);
            idLength += auditID.length;
          }
          idEnds.push(idLength);
          if (outside?.(event)) flag |= OUTSIDE;
          flags.push(flag);
        }
      }
      return undefined;
    },
    () => {
      clean = false;
    },
    request.maxNodes ?? DEFAULT_LIMITS.nodesPerDocument,
  );
  const range = new FileRange(request.file, request.start, request.end);
  for await (const bytes of range.bytes(() => reader.pending)) {
    reader.push(bytes);
    if (!clean) break;
  }
  if (range.ended) reader.end();
  // A document the range opened goes on in the next: the reading thread reads it, and on from there.
  if (reader.inDocument) clean = false;
  return {
    clean,
    next: range.next,
    lines: reader.line,
    items: Uint8Array.from(items),
    flags: Uint8Array.from(flags),
    hashes: Int32Array.from(hashes),
    idEnds: Int32Array.from(idEnds),
    ids: ids.join(''),
    withoutAuditID,
    withoutStage,
    at: Int32Array.from(at),
    texts,
  };
}

/** The memory of a result's typed arrays, to be handed to the reading thread rather than copied. */
export function transferred(result: ChunkResult): ArrayBuffer[] {
  return [result.items, result.flags, result.hashes, result.idEnds, result.at].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

/**
 * The lines of a file that start in `[start, end)`: the first one after the line break before `start`, the last one
 * to its end even past `end`. Whichever thread reads a range, its lines are the same.
 */
export class FileRange {
  /** Once read: where the next range's first line starts (or the file's end). */
  next: number;
  /** Whether the file ended before a line break ended the range's last line. */
  ended = false;

  constructor(
    private readonly file: string,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.next = start;
  }

  /**
   * The range's bytes, a read at a time (each in the same buffer: use it before asking for the next). Past `end`, reads
   * go on while `pending` (the reader has a line no line break has ended) and stop at the line break that ends it.
   */
  async *bytes(pending: () => boolean): AsyncGenerator<Buffer> {
    const file = await open(this.file);
    let position = this.start;
    try {
      const buffer = Buffer.allocUnsafe(READ_SIZE);
      // The range's first line starts after the first line break at or after `start - 1`.
      if (position > 0) {
        position--;
        for (;;) {
          const { bytesRead } = await file.read(buffer, 0, PEEK_SIZE, position);
          if (!bytesRead) break;
          const newline = buffer.subarray(0, bytesRead).indexOf(10);
          if (newline !== -1) {
            position += newline + 1;
            break;
          }
          position += bytesRead;
        }
      }
      this.next = position;
      while (position < this.end || pending()) {
        // Whole reads up to the range's end; past it, only up to the line break that ends its last line.
        const finishing = position >= this.end;
        const length = finishing ? PEEK_SIZE : Math.min(READ_SIZE, this.end - position);
        const { bytesRead } = await file.read(buffer, 0, length, position);
        if (!bytesRead) {
          this.ended = true;
          break;
        }
        let bytes = buffer.subarray(0, bytesRead);
        if (finishing) {
          const newline = bytes.indexOf(10);
          if (newline !== -1) bytes = bytes.subarray(0, newline + 1);
        }
        position += bytes.length;
        this.next = position;
        yield bytes;
      }
    } finally {
      await file.close();
    }
  }
}

/** The reading thread's side: worker threads that each take ranges in turn and answer them in the order asked. */
export class ChunkPool {
  private readonly workers: Entry[];

  constructor(script: URL, workerData: unknown, threads: number) {
    const execArgv = workerExecArgv();
    this.workers = Array.from({ length: threads }, () => {
      const entry: Entry = { worker: new Worker(script, { workerData, execArgv }), waiting: [], stopped: false };
      entry.worker.on('message', (result: ChunkResult) => entry.waiting.shift()?.(result));
      const stop = (error: Error) => {
        entry.stopped = true;
        for (const settle of entry.waiting.splice(0)) settle(error);
      };
      entry.worker.on('error', stop);
      entry.worker.on('exit', () => stop(new Error('the worker stopped')));
      return entry;
    });
  }

  /** The range read by the worker with the fewest ranges waiting; an Error when the worker failed. */
  read(request: ChunkRequest): Promise<ChunkResult | Error> {
    const entry = this.workers.reduce((least, entry) => (entry.waiting.length < least.waiting.length ? entry : least));
    if (entry.stopped) return Promise.resolve(new Error('the worker stopped'));
    return new Promise((resolve) => {
      entry.waiting.push(resolve);
      entry.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}

/**
 * The process's Node options, which workers inherit, less `--input-type`: under `node --input-type=module -e` every
 * worker fails at its start on it, and the reading thread would read each range alone.
 */
function workerExecArgv(): string[] {
  const args: string[] = [];
  for (let index = 0; index < process.execArgv.length; index++) {
    const arg = process.execArgv[index] as string;
    if (arg === '--input-type') index++;
    else if (!arg.startsWith('--input-type=')) args.push(arg);
  }
  return args;
}

interface Entry {
  readonly worker: Worker;
  /** Who waits for each range asked, in the order asked. */
  readonly waiting: ((result: ChunkResult | Error) => void)[];
  stopped: boolean;
}

/**
 * One file's ranges from the `first`th on, read by the pool and yielded in file order, a few ahead of the reader so
 * that memory stays bounded: at most `ahead` ranges' answers wait at once. The first ranges are asked at once (the
 * reading thread may read ranges before `first` itself meanwhile). Stop consuming and the ranges asked are dropped.
 */
export function chunksOf(
  pool: ChunkPool,
  request: Omit<ChunkRequest, 'start' | 'end'>,
  size: number,
  chunkBytes: number,
  ahead: number,
  first = 0,
): AsyncGenerator<ChunkResult | Error> {
  const pending: Promise<ChunkResult | Error>[] = [];
  let asked = first;
  const ask = () => {
    const start = asked * chunkBytes;
    if (start >= size) return;
    pending.push(pool.read({ ...request, start, end: Math.min(size, start + chunkBytes) }));
    asked++;
  };
  for (let i = 0; i < ahead; i++) ask();
  return (async function* () {
    for (let index = 0; index < pending.length; index++) {
      const result = await (pending[index] as Promise<ChunkResult | Error>);
      pending[index] = Promise.resolve(result instanceof Error ? result : EMPTY);
      ask();
      yield result;
    }
  })();
}

const EMPTY: ChunkResult = {
  clean: true,
  next: 0,
  lines: 0,
  items: new Uint8Array(0),
  flags: new Uint8Array(0),
  hashes: new Int32Array(0),
  idEnds: new Int32Array(0),
  ids: '',
  withoutAuditID: 0,
  withoutStage: 0,
  at: new Int32Array(0),
  texts: [],
};
