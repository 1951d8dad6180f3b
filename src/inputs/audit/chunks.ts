import { open } from 'node:fs/promises';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { DEFAULT_LIMITS } from '../limits.js';
import { decodeRecord } from './decode.js';
import { stageBit } from './dedup.js';
import type { AuditEventHead, AuditEventTimes } from './event.js';
import { hashOf } from './recent-ids.js';
import { MAX_RECORD_LENGTH, RecordReader } from './records.js';
import { skimmerFor } from './skim.js';

/**
 * Reading one large file of JSON lines on several threads. The file is cut into byte ranges, taken in file order by
 * the workers and by the reading thread itself whenever it would otherwise wait (see {@link rangesOf}). Whoever reads
 * a range reads the lines that start in it, judges each from its bytes (skim.ts; a line it cannot read plainly is
 * parsed and decoded) and asks the detection pipeline's `wants` whether any rule could take its events. Its answer
 * holds, in line order, the lines some rule wants (as their UTF-8 bytes, unparsed, that the reading thread parses
 * when their turn comes, a small share of a log), and of every other event only what de-duplication and the summary
 * need, in typed arrays handed over without copying: a byte of flags (stage, no auditID, outside the time window),
 * the auditID's hash, and the auditIDs as one string, which the de-duplication table keeps as it is (no string per
 * ID) and reads only when a hash is seen again. Lenient counts come back per range. The reading thread replays the
 * answers in input order, so that alerts, counts, copies and errors are those of reading on one thread, at a cost per
 * event of a few typed-array reads and one probe of the de-duplication table.
 *
 * A range is exact only if the lines before it left no multi-line document open: a range is marked unclean as soon as
 * a line is not a whole JSON record (a pretty-printed document, a line too long, not JSON), and the reading thread
 * reads from there to the end on its own, as one thread would.
 */

/** The answer for one range, a worker's or the reading thread's. */
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
  /** Per wanted line and invalid record: its line, from the range's first (1-based). */
  readonly at: Int32Array;
  /**
   * Per wanted line: its UTF-8 bytes, one line after another, and where each ends. Bytes, not text or events, on the
   * reading thread's own ranges too: handed over without copying, they stay off its heap until their turn comes, where
   * anything waiting that long outlived a young collection or two and cost the old generation's.
   */
  readonly wanted: Uint8Array;
  readonly wantedEnds: Int32Array;
  /** Per invalid record: why. */
  readonly reasons: string[];
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
 * Reads the lines that start in `[start, end)` (the first one after the line break before `start`, the last one to its
 * end even past `end`), on a worker or on the reading thread. `wants` tells whether a decoded event may go to a rule;
 * `outside` whether the run's time window leaves it out (none: no window).
 */
export async function readChunk(
  request: ChunkRequest,
  wants: (event: AuditEventHead) => boolean,
  outside?: (event: AuditEventTimes) => boolean,
): Promise<ChunkResult> {
  const items = new Column(Uint8Array);
  const flags = new Column(Uint8Array);
  const hashes = new Column(Int32Array);
  const idEnds = new Column(Int32Array);
  const ids: string[] = [];
  let idLength = 0;
  let withoutAuditID = 0;
  let withoutStage = 0;
  const at = new Column(Int32Array);
  const wanted = new Utf8Column();
  const wantedEnds = new Column(Int32Array);
  const reasons: string[] = [];
  let clean = true;
  /** An event no rule wants: what de-duplication and the counts need. */
  const pass = (auditID: string | undefined, hash: number, stage: number, staged: boolean, outsideWindow: boolean) => {
    items.push(PASSED);
    let flag = stage;
    if (!staged) withoutStage++;
    if (auditID === undefined) {
      withoutAuditID++;
      flag |= NO_ID;
    } else {
      ids.push(auditID);
      idLength += auditID.length;
    }
    hashes.push(hash);
    idEnds.push(idLength);
    if (outsideWindow) flag |= OUTSIDE;
    flags.push(flag);
  };
  const skimmer = skimmerFor(wants);
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
        reasons.push(decoded);
      } else if (decoded.some(wants)) {
        items.push(WANTED);
        at.push(line);
        wantedEnds.push(wanted.push(text));
      } else {
        for (const event of decoded) {
          const { auditID, stage } = event;
          const hash = auditID === undefined ? 0 : hashOf(auditID, request.seed);
          pass(auditID, hash, stageBit(stage), stage !== undefined, outside?.(event) ?? false);
        }
      }
      return undefined;
    },
    () => {
      clean = false;
    },
    request.maxNodes ?? DEFAULT_LIMITS.nodesPerDocument,
    // Lines judged from their bytes: those no rule wants (most of a log) are never parsed, nor here those some rule
    // may want, which the reading thread parses in its turn.
    skimmer &&
      ((bytes, start, end) => {
        const judged = skimmer.judge(bytes, start, end, request.seed);
        if (judged === 'parse') return false;
        if (judged === 'wanted') {
          items.push(WANTED);
          at.push(reader.line);
          wantedEnds.push(wanted.pushBytes(bytes, start, end));
        } else {
          const { auditID } = skimmer;
          pass(auditID, skimmer.auditHash, skimmer.stageBit, skimmer.staged, outside?.(skimmer.times) ?? false);
        }
        return true;
      }),
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
    items: items.filled(),
    flags: flags.filled(),
    hashes: hashes.filled(),
    idEnds: idEnds.filled(),
    ids: ids.join(''),
    withoutAuditID,
    withoutStage,
    at: at.filled(),
    wanted: wanted.filled(),
    wantedEnds: wantedEnds.filled(),
    reasons,
  };
}

/** A typed array filled an item at a time: no array of numbers to copy from at the end. */
class Column<A extends Uint8Array | Int32Array> {
  private array: A;
  private length = 0;

  constructor(private readonly make: new (length: number) => A) {
    this.array = new make(1024);
  }

  push(value: number): void {
    if (this.length === this.array.length) {
      const larger = new this.make(this.length * 2);
      larger.set(this.array);
      this.array = larger;
    }
    this.array[this.length++] = value;
  }

  /** What was pushed, in memory of its own (to be handed over). */
  filled(): A {
    return this.array.subarray(0, this.length) as A;
  }
}

/**
 * Texts as UTF-8, one after another, in memory the reading thread hands back once it has read them ({@link recycle}):
 * memory handed over stays until the receiving thread collects its garbage, and the reading thread's collections of
 * the old generation are rare, so a new buffer per range had the process hold tens of MB of them.
 */
class Utf8Column {
  private bytes = EMPTY_BYTES;
  private length = 0;

  /** Appends the text; returns where it ends. */
  push(text: string): number {
    // At most three bytes per UTF-16 unit.
    this.reserve(3 * text.length);
    this.length += ENCODER.encodeInto(text, this.bytes.subarray(this.length)).written;
    return this.length;
  }

  /** Appends text that is UTF-8 already; returns where it ends. */
  pushBytes(bytes: Uint8Array, start: number, end: number): number {
    this.reserve(end - start);
    this.bytes.set(bytes.subarray(start, end), this.length);
    this.length += end - start;
    return this.length;
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.bytes.length) return;
    const spare = spares.pop();
    const larger =
      spare && spare.byteLength >= needed ? new Uint8Array(spare) : new Uint8Array(Math.max(2 * needed, 1 << 16));
    larger.set(this.bytes.subarray(0, this.length));
    if (this.bytes.length) recycle(this.bytes.buffer as ArrayBuffer);
    this.bytes = larger;
  }

  /** The bytes pushed, in memory of their own (to be handed over). */
  filled(): Uint8Array {
    return this.length ? this.bytes.subarray(0, this.length) : new Uint8Array(0);
  }
}

/** Shared, so never handed over: see {@link Utf8Column.filled}. */
const EMPTY_BYTES = new Uint8Array(0);
const ENCODER = new TextEncoder();
/** Buffers of wanted lines handed back, for the next ranges. */
const spares: ArrayBuffer[] = [];

/** Takes back a buffer of wanted lines (a {@link ChunkResult}'s `wanted`) that the reading thread has read. */
export function recycle(buffer: ArrayBuffer): void {
  if (spares.length < 4) spares.push(buffer);
}

/** The memory of a result's typed arrays, to be handed to the reading thread rather than copied. */
export function transferred(result: ChunkResult): ArrayBuffer[] {
  return [result.items, result.flags, result.hashes, result.idEnds, result.at, result.wanted, result.wantedEnds].map(
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
    const buffer = readBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_SIZE);
    try {
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
      readBuffers.push(buffer);
      await file.close();
    }
  }
}

/** Read buffers to use again: a thread reads range after range, and a new megabyte each time waited for collection. */
const readBuffers: Buffer[] = [];

/** The reading thread's side: worker threads that each take ranges in turn and answer them in the order asked. */
export class ChunkPool {
  private readonly workers: Entry[];

  constructor(script: URL, workerData: object, threads: number) {
    const execArgv = workerExecArgv();
    this.workers = Array.from({ length: threads }, () => {
      // A port of its own to answer on (see {@link collect}).
      const { port1: answers, port2 } = new MessageChannel();
      const entry: Entry = {
        worker: startWorker(script, { ...workerData, answers: port2 }, execArgv, [port2]),
        answers,
        waiting: [],
        started: false,
        stopped: false,
      };
      entry.answers.on('message', (result: ChunkResult | typeof STARTED) => deliver(entry, result));
      const stop = (error: Error) => {
        entry.stopped = true;
        for (const settle of entry.waiting.splice(0)) settle(error);
      };
      entry.worker.on('error', stop);
      entry.worker.on('exit', () => stop(new Error('the worker stopped')));
      return entry;
    });
  }

  /**
   * Takes the answers that have come but wait for this thread's event loop, which a thread busy replaying ranges does
   * not reach between two: without this, it found the next range unanswered and read one itself (a sixth of the file
   * on `gen.py`'s log) while the worker's answer sat in its queue and the worker waited for more to do. Whoever awaits
   * them is settled; returns whether there were any.
   */
  collect(): boolean {
    let any = false;
    for (const entry of this.workers) {
      for (let message = receiveMessageOnPort(entry.answers); message; message = receiveMessageOnPort(entry.answers)) {
        deliver(entry, message.message as ChunkResult | typeof STARTED);
        any = true;
      }
    }
    return any;
  }

  /**
   * Whether a worker can take a range: one with fewer than {@link WORKER_DEPTH} ranges waiting that has started, or,
   * with `starting`, that may still be starting.
   */
  ready(starting: boolean): boolean {
    return this.workers.some((entry) => usable(entry, starting) && entry.waiting.length < WORKER_DEPTH);
  }

  /** Hands the memory of a worker's answer that has been read back to a worker, to be used again. */
  recycle(result: ChunkResult): void {
    const buffer = result.wanted.buffer as ArrayBuffer;
    const entry = this.workers.find((entry) => !entry.stopped);
    if (buffer.byteLength && entry) entry.worker.postMessage(buffer, [buffer]);
  }

  /** The range read by the worker {@link ready} with the fewest ranges waiting; an Error when the worker failed. */
  read(request: ChunkRequest, starting: boolean): Promise<ChunkResult | Error> {
    const entry = this.workers.reduce((least, entry) =>
      usable(entry, starting) && (!usable(least, starting) || entry.waiting.length < least.waiting.length)
        ? entry
        : least,
    );
    if (entry.stopped) return Promise.resolve(new Error('the worker stopped'));
    return new Promise((resolve) => {
      entry.waiting.push(resolve);
      entry.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
    for (const { answers } of this.workers) answers.close();
  }
}

/**
 * A worker's young generation, in MB: what it parses dies at once, so a small one costs it no more collecting and keeps
 * V8's default (tens of MB, per thread) off the process's peak memory.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/**
 * A worker with the process's Node options; without them when one is not for workers (`node --trace-gc` is refused
 * at the start, and the file would not be read at all).
 */
function startWorker(script: URL, workerData: unknown, execArgv: string[], transferList: MessagePort[]): Worker {
  const options = { workerData, transferList, resourceLimits: WORKER_LIMITS };
  try {
    return new Worker(script, { ...options, execArgv });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(script, { ...options, execArgv: [] });
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
  /** Where its answers and {@link STARTED} come. */
  readonly answers: MessagePort;
  /** Who waits for each range asked, in the order asked. */
  readonly waiting: ((result: ChunkResult | Error) => void)[];
  /** It has loaded and said so ({@link STARTED}). */
  started: boolean;
  stopped: boolean;
}

const usable = (entry: Entry, starting: boolean) => !entry.stopped && (entry.started || starting);

function deliver(entry: Entry, message: ChunkResult | typeof STARTED): void {
  if (message === STARTED) entry.started = true;
  else entry.waiting.shift()?.(message);
}

/** What a worker posts once it has loaded and can read ranges. */
export const STARTED = 'started';

/** In a worker of a {@link ChunkPool}: the port to post {@link STARTED} and the answers on. */
export function answerPort(): MessagePort {
  return (workerData as { answers: MessagePort }).answers;
}

/** Ranges a worker is given ahead of its answers, so that it does not wait for the reading thread between two. */
const WORKER_DEPTH = 2;

/**
 * One file's ranges, yielded in file order. Workers take them from the front, a few each; whenever the next range in
 * order is still a worker's, the reading thread reads the first range nobody has taken itself (`here`) rather than
 * wait, so that every thread stays busy whatever share of the work replaying and the rules take. Ranges are taken at
 * most `held` bytes past the one yielded, so that memory stays bounded. Stop consuming and no more are taken.
 */
export async function* rangesOf(
  pool: Pick<ChunkPool, 'ready' | 'read' | 'recycle' | 'collect'>,
  request: Omit<ChunkRequest, 'start' | 'end'>,
  size: number,
  sizes: RangeSizes,
  here: (start: number, end: number) => Promise<ChunkResult | Error>,
): AsyncGenerator<ChunkResult | Error> {
  /** Per range taken, in file order: where it starts, and its answer until yielded. */
  const starts: number[] = [];
  const answers: (Answer | undefined)[] = [];
  /** The range yielded next, and the first byte nobody has taken. */
  let index = 0;
  let taken = 0;
  let stopped = false;
  const room = () => !stopped && taken < size && taken - (starts[index] ?? taken) < sizes.held;
  const take = (answer: Answer, bytes: number) => {
    starts.push(taken);
    answers.push(answer);
    const start = taken;
    taken = Math.min(size, start + bytes);
    return { ...request, start, end: taken };
  };
  // Workers take ranges once they have started: a range given to one still starting (0.1 to 0.3 s) held up every range
  // after it, and the reading thread waited once it had read as far ahead as it may. Meanwhile this thread reads the
  // first ranges itself, in order; past `held` bytes, workers take ranges while they start too, so that a worker slow
  // to start does not leave this thread alone on the whole log (and small logs, as tests have them, still reach them).
  const starting = () => taken >= sizes.held;
  const feed = () => {
    while (room()) {
      const early = starting();
      if (!pool.ready(early)) break;
      const answer: Answer = {};
      answer.worker = true;
      answer.wait = pool.read(take(answer, sizes.worker), early).then((result) => {
        answer.result = result;
        feed();
      });
    }
  };
  const readHere = async () => {
    const answer: Answer = {};
    const { start, end } = take(answer, sizes.here);
    answer.result = await here(start, end);
  };
  try {
    // The first range here, while the workers start.
    const first = readHere();
    feed();
    await first;
    for (; index < answers.length || taken < size; index++) {
      if (index === answers.length) await readHere();
      const answer = answers[index] as Answer;
      while (answer.result === undefined) {
        // An answer taken settles its promise, whose reaction (setting `answer.result`) runs before this one resumes.
        if (pool.collect()) await undefined;
        else if (room()) await readHere();
        else await answer.wait;
      }
      answers[index] = undefined;
      const { result } = answer;
      yield result;
      if (answer.worker && !(result instanceof Error)) pool.recycle(result);
      feed();
    }
  } finally {
    stopped = true;
  }
}

/** In bytes: the ranges a worker reads, those the reading thread reads, and how far past the range yielded they go. */
export interface RangeSizes {
  readonly worker: number;
  /**
   * Smaller than a worker's: the reading thread reads one only while the next range in order is not answered, and
   * should not keep the answer waiting long.
   */
  readonly here: number;
  /** Bounds the answers waiting, so memory. */
  readonly held: number;
}

interface Answer {
  worker?: true;
  result?: ChunkResult | Error;
  wait?: Promise<void>;
}
