import { type hashOf, RecentIds } from './recent-ids.js';

/**
 * How many (auditID, stage) pairs are remembered: copies of one event (two log shippers, overlapping exports, a
 * webhook batch retried) arrive close together, so a bounded window catches them and memory stays flat.
 */
export const DEDUP_WINDOW = 65_536;

/**
 * Tells an event (its auditID and {@link stageBit}) already seen (same `auditID` and `stage`) within the last `window`
 * to `2 × window` distinct auditIDs; one without an `auditID` is never a copy. Stages of one request are distinct
 * events: rules see `RequestReceived` and `ResponseComplete` both, and the pipeline alerts once per request.
 */
export class Deduplicator {
  // Per auditID, the stages seen as bits: no key to build per event, which a million events a second would feel.
  readonly #seen: RecentIds<number>;

  constructor(window = DEDUP_WINDOW) {
    this.#seen = new RecentIds<number>(window);
  }

  /** The seed of the auditIDs' hashes: workers that read ranges of a log hash the IDs they send back with it. */
  get seed(): number {
    return this.#seen.seed;
  }

  /**
   * Whether the event (its auditID `text.slice(start, end)`, {@link hashOf} it with {@link seed}) is a copy of one
   * seen; remembers it.
   */
  copyHashed(text: string, start: number, end: number, hash: number, stage: number): boolean {
    const stages = this.#seen.getHashed(text, start, end, hash) ?? 0;
    if (stages & stage) return true;
    this.#seen.setHashed(text, start, end, hash, stages | stage);
    return false;
  }
}

/**
 * The stage's bit, as the de-duplicator takes it; a stage this version does not know shares one with every other
 * unknown stage. Bits 1 to 16: a reader may carry more flags above.
 */
export function stageBit(stage: string | undefined): number {
  switch (stage) {
    case 'RequestReceived':
      return 1;
    case 'ResponseStarted':
      return 2;
    case undefined:
    case 'ResponseComplete':
      return 4;
    case 'Panic':
      return 8;
    default:
      return 16;
  }
}
