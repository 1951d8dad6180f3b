import type { AuditEvent } from './event.js';

/**
 * Turns one parsed JSON record into the audit events it holds: an `audit.k8s.io` `Event`, an `EventList` (what the
 * audit webhook POSTs), or a managed-cluster export wrapping an Event. Returns the reason, in our words, when the
 * record holds none; never quotes the record.
 */
export function decodeRecord(record: unknown): AuditEvent[] | string {
  if (!isObject(record)) return 'not a JSON object';
  if (record.kind === 'EventList' || Array.isArray(record.items)) {
    if (!Array.isArray(record.items)) return 'an EventList without items';
    const events: AuditEvent[] = [];
    for (const item of record.items) {
      const event = asEvent(item);
      if (typeof event === 'string') return `an EventList item is ${event}`;
      events.push(event);
    }
    return events;
  }
  const event = asEvent(record);
  return typeof event === 'string' ? event : [event];
}

/** An Event needs what identifies it and what every rule dispatches on; the rest is optional (see {@link AuditEvent}). */
function asEvent(value: unknown): AuditEvent | string {
  if (!isObject(value)) return 'not a JSON object';
  if (typeof value.auditID !== 'string' || !value.auditID) return 'not an audit event (no auditID)';
  if (typeof value.verb !== 'string') return 'an audit event without a verb';
  if (typeof value.stage !== 'string') return 'an audit event without a stage';
  if (!isObject(value.user)) return 'an audit event without a user';
  if (value.objectRef !== undefined && !isObject(value.objectRef))
    return 'an audit event whose objectRef is not an object';
  if (value.sourceIPs !== undefined && !Array.isArray(value.sourceIPs))
    return 'an audit event whose sourceIPs is not a list';
  return value as unknown as AuditEvent;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
