/**
 * The fields of an `audit.k8s.io/v1` Event that detections read. Everything is optional beyond what every rule
 * dispatches on (verb, user, and an objectRef or request URI): API servers, audit levels, managed-cluster exports,
 * SIEMs and log shippers each leave different parts out, and a rule that needs a field it does not get stays quiet
 * rather than guessing.
 */
export interface AuditEvent {
  /** Absent when a pipeline dropped it: the event is read, and never taken for a copy of another. */
  readonly auditID?: string;
  /**
   * `RequestReceived`, `ResponseStarted` (long-running requests such as exec and watch), `ResponseComplete`, `Panic`.
   * Absent when a pipeline dropped it, and then taken as `ResponseComplete` (what exports keep, when they keep one).
   */
  readonly stage?: string;
  /** `Metadata`, `Request` or `RequestResponse`: what the audit policy logged of the request. */
  readonly level?: string;
  /** The API verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, …). */
  readonly verb: string;
  /** As the client sent it, query string included: exec commands only show here, URL-encoded. */
  readonly requestURI?: string;
  readonly user: AuditUser;
  readonly impersonatedUser?: AuditUser;
  readonly sourceIPs?: readonly string[];
  readonly userAgent?: string;
  readonly objectRef?: AuditObjectRef;
  readonly responseStatus?: { readonly code?: number; readonly status?: string; readonly reason?: string };
  /** The object sent (level `Request` and above); may hold secret values, never to be copied into an alert. */
  readonly requestObject?: unknown;
  /** The object returned (level `RequestResponse`); same caution. */
  readonly responseObject?: unknown;
  readonly requestReceivedTimestamp?: string;
  readonly stageTimestamp?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * What decides whether a rule may want an event, before the event is read in full: every rule's `on` filter reads
 * these fields and no other (verb, resource, user, code), so a reader may judge an event from them and remember the
 * answer for their values. Every event is one.
 */
export type AuditEventHead = Pick<AuditEvent, 'verb'> & {
  readonly user: Pick<AuditEvent['user'], 'username' | 'groups'>;
  readonly objectRef?: Pick<NonNullable<AuditEvent['objectRef']>, 'resource' | 'subresource'>;
  readonly responseStatus?: Pick<NonNullable<AuditEvent['responseStatus']>, 'code'>;
};

/** What tells when an event happened: the time window's business. */
export type AuditEventTimes = Pick<AuditEvent, 'requestReceivedTimestamp' | 'stageTimestamp'>;

export interface AuditUser {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export interface AuditObjectRef {
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Empty or absent for the core group. */
  readonly apiGroup?: string;
  readonly apiVersion?: string;
  readonly uid?: string;
}

/** Where an event was read: the input as the user named it (`-` for standard input) and the line it starts on. */
export interface EventSource {
  readonly file: string;
  /** 1-based physical line where the event's JSON begins. */
  readonly line: number;
}

export interface SourcedEvent {
  readonly event: AuditEvent;
  readonly source: EventSource;
}
