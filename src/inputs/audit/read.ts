import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ScanError } from '../../model/report.js';
import { eachInOrder } from '../../util/in-order.js';
import { DecompressionLimitError, decompressed, isGzip } from '../gunzip.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { ChunkPool, type ChunkResult, NO_ID, OUTSIDE, PASSED, rangesOf, readChunk, WANTED } from './chunks.js';
import { decodeRecord } from './decode.js';
import { Deduplicator, stageBit } from './dedup.js';
import type { AuditEvent, AuditEventHead, AuditEventTimes, SourcedEvent } from './event.js';
import { hashOf } from './recent-ids.js';
import { MAX_RECORD_LENGTH, RecordReader } from './records.js';
import { skimmerFor } from './skim.js';

export { MAX_RECORD_LENGTH, RecordReader };

/** Malformed records listed per input; past that they are only counted, so a file of garbage cannot flood a report. */
export const LISTED_PER_INPUT = 100;

export interface AuditReadOptions {
  /** Relative paths are read from here; the process's by default. */
  readonly cwd?: string;
  /** Standard input as it arrives (`-`); the process's by default. */
  readonly stdin?: () => AsyncIterable<Uint8Array>;
  readonly maxRecordLength?: number;
  /** What one gzipped input may expand to; `limits.decompressedBytes` of the config. */
  readonly maxDecompressedBytes?: number;
  /** Mappings and lists one record may hold; `limits.nodesPerDocument` of the config. */
  readonly maxNodes?: number;
  /** The de-duplication window; see {@link Deduplicator}. */
  readonly dedupWindow?: number;
  /**
   * Large files read on worker threads, which keep back the events no rule wants (`unwanted`); on this thread alone
   * when either is absent.
   */
  readonly parallel?: ParallelReading;
  readonly unwanted?: UnwantedEvents;
}

export interface UnwantedEvents {
  /**
   * Whether a rule may want the event: the pipeline's `wants`. Its answer for the same head is remembered (see
   * skim.ts), so it must depend on nothing else.
   */
  readonly wants: (event: AuditEventHead) => boolean;
  /** Hears each event kept back for that reason, once de-duplicated, and whether the time window leaves it out. */
  readonly pass: (outside: boolean) => void;
  /** Whether the run's time window leaves the event out: the pipeline's `outside`; none, no window. */
  readonly outside?: ((event: AuditEventTimes) => boolean) | undefined;
}

/** How to read large files on worker threads: see chunks.ts. */
export interface ParallelReading {
  /**
   * The worker's script: it answers each {@link ChunkRequest} with {@link readChunk}, given `workerData`, on the port
   * `answerPort()` finds in it.
   */
  readonly worker: URL;
  readonly workerData: object;
  readonly threads: number;
  /** Plain (not gzipped) files at least this large are read in ranges of `chunkBytes`; smaller ones on this thread. */
  readonly minBytes: number;
  readonly chunkBytes: number;
}

export interface AuditReadStats {
  /** Files read (each file of a directory, `-` once). */
  files: number;
  /** Physical lines read. */
  lines: number;
  /** Events handed on, and copies of an event already handed on (same auditID and stage) left out. */
  events: number;
  duplicates: number;
  /** Records (lines, or multi-line documents) that held no audit event: listed in the errors, the first of each input. */
  malformed: number;
  /** Per input that had any, the events read although a pipeline had dropped their `auditID` or `stage`. */
  lenient: LenientCount[];
}

/** Events of one input read without fields a pipeline dropped: counted, so that a user knows what was assumed. */
export interface LenientCount {
  readonly file: string;
  /** Events without an `auditID`: none of them is taken for a copy of another. */
  withoutAuditID: number;
  /** Events without a `stage`: taken as `ResponseComplete`. */
  withoutStage: number;
}

export interface AuditReadResult {
  readonly stats: AuditReadStats;
  /** Unreadable inputs and malformed records, by input and line; never quoting the input. */
  readonly errors: ScanError[];
}

/**
 * Reads audit logs from files, directories (every file below, in name order) and `-` (standard input), and hands
 * each event to `onEvent` with where it starts. Streams in bounded memory whatever the size: gzip (by its magic
 * bytes, any file name), JSON lines of Events or of any record {@link decodeRecord} knows, and multi-line JSON
 * documents (a pretty-printed Event, EventList or export: one that opens with a line holding only `{` or `[`, as every
 * pretty-printer writes them). An event of a multi-line list gets the line its own `{` is on; the document's first
 * line when the list's shape does not tell (a list of lists). `onEvent` may return a promise (a slow writer): reading
 * waits for it. Malformed records and unreadable inputs are reported and the rest is read.
 */
export async function readAuditLog(
  inputs: readonly string[],
  onEvent: (sourced: SourcedEvent) => void | Promise<void>,
  options: AuditReadOptions = {},
): Promise<AuditReadResult> {
  const stats: AuditReadStats = { files: 0, lines: 0, events: 0, duplicates: 0, malformed: 0, lenient: [] };
  const errors: ScanError[] = [];
  const seen = new Deduplicator(options.dedupWindow);
  const maxLength = options.maxRecordLength ?? MAX_RECORD_LENGTH;
  const maxDecompressed = options.maxDecompressedBytes ?? DEFAULT_LIMITS.decompressedBytes;
  const cwd = options.cwd ?? process.cwd();

  const unwanted = options.unwanted;
  const skimmer = unwanted && skimmerFor(unwanted.wants);
  const parallel = unwanted && options.parallel;
  let pool: ChunkPool | undefined;

  const readOne = async (name: string, bytes: (start: number) => AsyncIterable<Uint8Array>, file?: string) => {
    stats.files++;
    let listed = 0;
    const lenient: LenientCount = { file: name, withoutAuditID: 0, withoutStage: 0 };
    const report = (message: string, line?: number) => {
      if (listed++ < LISTED_PER_INPUT) errors.push({ source: name, message, ...(line ? { line } : {}) });
    };
    /** Counts an event read, leniently or not; true when it is a copy of one already read. */
    const copy = (auditID: string | undefined, stage: number, staged: boolean, hash?: number): boolean => {
      if (auditID === undefined) lenient.withoutAuditID++;
      if (!staged) lenient.withoutStage++;
      if (auditID === undefined) return false;
      if (!seen.copyHashed(auditID, 0, auditID.length, hash ?? hashOf(auditID, seen.seed), stage)) return false;
      stats.duplicates++;
      return true;
    };
    /** A record's events that are no copies, with where each starts. */
    const sourcedOf = (
      decoded: readonly AuditEvent[],
      line: number,
      itemLine?: (index: number, count: number) => number,
    ): SourcedEvent[] => {
      const sourced: SourcedEvent[] = [];
      for (let index = 0; index < decoded.length; index++) {
        const event = decoded[index] as AuditEvent;
        if (!copy(event.auditID, stageBit(event.stage), event.stage !== undefined)) {
          const at = itemLine ? itemLine(index, decoded.length) : line;
          sourced.push({ event, source: { file: name, line: at } });
        }
      }
      return sourced;
    };
    const records = new RecordReader(
      maxLength,
      (record, line, itemLine) => {
        const decoded = decodeRecord(record);
        if (typeof decoded === 'string') {
          stats.malformed++;
          report(decoded, line);
          return undefined;
        }
        return sourcedOf(decoded, line, itemLine);
      },
      (message, line) => {
        stats.malformed++;
        report(message, line);
      },
      options.maxNodes,
      // The lines no rule wants, judged from their bytes (most of a log): counted as the pipeline would count them.
      skimmer &&
        ((bytes, start, end) => {
          if (skimmer.judge(bytes, start, end, seen.seed) !== 'unwanted') return false;
          if (!copy(skimmer.auditID, skimmer.stageBit, skimmer.staged, skimmer.auditHash)) {
            stats.events++;
            unwanted?.pass(unwanted.outside?.(skimmer.times) ?? false);
          }
          return true;
        }),
    );
    // The events, in order: per wanted line, synchronously until an event's alerts make the output wait.
    const handOnEvent = (sourced: SourcedEvent) => {
      stats.events++;
      return onEvent(sourced);
    };
    const handOnBatch = (batch: readonly SourcedEvent[]) => eachInOrder(batch, handOnEvent);
    const handOn = (batches: readonly SourcedEvent[][]) => eachInOrder(batches, handOnBatch);
    /** The items of a range, in order, its lines after `before` lines. */
    const replay = async (result: ChunkResult, before: number) => {
      lenient.withoutAuditID += result.withoutAuditID;
      lenient.withoutStage += result.withoutStage;
      const { items, flags, hashes, idEnds, ids } = result;
      const text = Buffer.from(result.wanted.buffer, result.wanted.byteOffset, result.wanted.length);
      let passed = 0;
      let idStart = 0;
      let other = 0;
      let wanted = 0;
      let invalid = 0;
      let textStart = 0;
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        if (item === PASSED) {
          const flag = flags[passed] as number;
          const idEnd = idEnds[passed] as number;
          if (
            !(flag & NO_ID) &&
            seen.copyHashed(ids, idStart, idEnd, hashes[passed] as number, flag & ~(NO_ID | OUTSIDE))
          ) {
            stats.duplicates++;
          } else {
            stats.events++;
            unwanted?.pass((flag & OUTSIDE) !== 0);
          }
          idStart = idEnd;
          passed++;
          continue;
        }
        const line = before + (result.at[other++] as number);
        if (item !== WANTED) {
          stats.malformed++;
          report(result.reasons[invalid++] as string, line);
        } else {
          const end = result.wantedEnds[wanted++] as number;
          const waiting = handOn(records.lineAt(text.toString('utf8', textStart, end), line));
          if (waiting) await waiting;
          textStart = end;
        }
      }
    };
    try {
      // A large plain file: its ranges on the workers and on this thread (see `rangesOf`), in order, until one is not
      // plain JSON lines (a pretty-printed document, an overlong line); from there on, this thread reads as it would
      // have from the start.
      let resume = 0;
      const size = file && parallel ? await plainSize(file) : undefined;
      if (file && unwanted && parallel && size !== undefined && size >= parallel.minBytes) {
        pool ??= new ChunkPool(parallel.worker, parallel.workerData, parallel.threads);
        const request = { file, seed: seen.seed, maxLength, maxNodes: options.maxNodes };
        const here = (start: number, end: number) =>
          readChunk({ ...request, start, end }, unwanted.wants, unwanted.outside).catch(
            (error: unknown) => new Error(readFailure(error)),
          );
        const sizes = {
          worker: parallel.chunkBytes,
          here: Math.ceil(parallel.chunkBytes / 4),
          held: RANGES_HELD * parallel.threads * parallel.chunkBytes,
        };
        const ranges = rangesOf(pool, request, size, sizes, here);
        let lines = 0;
        for await (const result of ranges) {
          if (result instanceof Error || !result.clean) break;
          await replay(result, lines);
          lines += result.lines;
          resume = result.next;
        }
        records.line = lines;
        if (resume >= size) return;
      }
      // Past the start, the bytes are known to be plain.
      const source = resume ? bytes(resume) : decompressed(bytes(0), maxDecompressed);
      for await (const chunk of source) await handOn(records.push(chunk));
      await handOn(records.end());
    } catch (error) {
      // What was read before stays read; the error says where the input stopped making sense.
      report(readFailure(error), records.line || undefined);
    } finally {
      stats.lines += records.line;
      if (lenient.withoutAuditID || lenient.withoutStage) stats.lenient.push(lenient);
      if (listed > LISTED_PER_INPUT) {
        errors.push({ source: name, message: `${listed - LISTED_PER_INPUT} more malformed records, not listed` });
      }
    }
  };

  try {
    for (const input of inputs) {
      if (input === '-') {
        await readOne('-', options.stdin ?? (() => process.stdin));
        continue;
      }
      let files: string[];
      try {
        files = await filesOf(path.resolve(cwd, input));
      } catch (error) {
        stats.files++;
        errors.push({ source: input, message: readFailure(error) });
        continue;
      }
      for (const file of files) {
        // Named as the user would: the input as given, or the file's path from it when the input is a directory.
        const name =
          file === path.resolve(cwd, input) ? input : path.join(input, path.relative(path.resolve(cwd, input), file));
        await readOne(name, (start) => createReadStream(file, { start, highWaterMark: 1 << 20 }), file);
      }
    }
  } finally {
    await pool?.close();
  }
  return { stats, errors };
}

/** Workers' ranges taken past the one replayed, per worker: enough to keep every thread busy, few enough to hold. */
const RANGES_HELD = 4;

/** A file's size when it is not gzipped (by its magic bytes), else undefined. */
async function plainSize(file: string): Promise<number | undefined> {
  const handle = await open(file);
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    if (isGzip(head.subarray(0, bytesRead))) return undefined;
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

/** The file itself, or every file below a directory in name order. */
async function filesOf(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  const entries = await readdir(target, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Why an input could not be read, from the error's code: never its text, which may quote the input. */
export function readFailure(error: unknown): string {
  if (error instanceof DecompressionLimitError) return `${error.message}; the events before were read`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'cannot read: no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read: permission denied';
    case 'EISDIR':
      return 'cannot read: a directory';
    case 'Z_BUF_ERROR':
      return 'the gzip stream ends early (a truncated file?); the events before were read';
    case 'Z_DATA_ERROR':
    case 'Z_STREAM_ERROR':
      return 'corrupt gzip data; the events before were read';
    default:
      return `cannot read${code ? `: ${code}` : ''}`;
  }
}
