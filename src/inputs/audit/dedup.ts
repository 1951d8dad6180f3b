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
  let current = new Set<string>();
  let previous = new Set<string>();
  return (event) => {
    const key = `${event.auditID}\0${event.stage}`;
    if (current.has(key) || previous.has(key)) return true;
    current.add(key);
    if (current.size >= window) {
      previous = current;
      current = new Set();
    }
    return false;
  };
}
