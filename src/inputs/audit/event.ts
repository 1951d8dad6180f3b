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
