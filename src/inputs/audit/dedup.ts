import type { AuditEvent } from './event.js';

/**
 * How many (auditID, stage) pairs are remembered: copies of one event (two log shippers, overlapping exports, a
 * webhook batch retried) arrive close together, so a bounded window catches them and memory stays flat.
 */
export const DEDUP_WINDOW = 65_536;

/**
 * A filter that is true for an event already seen (same `auditID` and `stage`) within the last `window` to
 * `2 × window` distinct events. Stages of one request are distinct events: rules see `RequestReceived` and
 * `ResponseComplete` both, and the pipeline alerts once per request.
 */
export function createDeduplicator(window = DEDUP_WINDOW): (event: AuditEvent) => boolean {
  // Per auditID, the stages seen as bits: no key to build per event, which a million events a second would feel.
  let current = new Map<string, number>();
  let previous = new Map<string, number>();
  return (event) => {
    const stage = stageBit(event.stage);
    const seen = (current.get(event.auditID) ?? 0) | (previous.get(event.auditID) ?? 0);
    if (seen & stage) return true;
    current.set(event.auditID, seen | stage);
    if (current.size >= window) {
      previous = current;
      current = new Map();
    }
    return false;
  };
}

/** The stage's bit; a stage this version does not know shares one with every other unknown stage. */
function stageBit(stage: string): number {
  switch (stage) {
    case 'RequestReceived':
      return 1;
    case 'ResponseStarted':
      return 2;
    case 'ResponseComplete':
      return 4;
    case 'Panic':
      return 8;
    default:
      return 16;
  }
}
