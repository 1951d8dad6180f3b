import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AuditConfig } from '../config/index.js';
import type { AnyDetection, DetectionSettings } from '../detections/define.js';
import { allDetections } from '../detections/index.js';
import { type AllowList, createPipeline, DEFAULT_ALLOW } from '../detections/pipeline.js';
import { type AuditReadOptions, type ParallelReading, readAuditLog } from '../inputs/audit/read.js';
import { techniques as matrixTechniques } from '../matrix/index.js';
import type { Alert } from '../model/alert.js';
import type { AuditReport, AuditSource, AuditTechnique } from '../model/audit.js';
import { type ScanError, type Severity, severityRank } from '../model/report.js';
import { eachInOrder } from '../util/in-order.js';
import { version } from '../version.js';
import type { AuditWorkerData } from './audit-worker.js';
import { limitHeapGrowth } from './memory.js';

export interface AuditLogOptions extends Omit<AuditReadOptions, 'parallel'> {
  /** How large plain files are read on worker threads; see {@link ReadThreads}. */
  readonly threads?: ReadThreads;
  /** The detections to run; all of them by default. */
  readonly detections?: readonly AnyDetection[];
  readonly settings?: Partial<DetectionSettings>;
  /** Identities most rules skip; `DEFAULT_ALLOW` by default. */
  readonly allow?: AllowList;
  readonly since?: Date;
  readonly until?: Date;
  /**
   * Hears each alert as it is raised, in input order: stream them here, a log of millions of events may raise too
   * many to hold. A returned promise (a writer waiting to drain) pauses reading until it settles.
   */
  readonly onAlert?: (alert: Alert) => void | Promise<void>;
}

/**
 * Worker threads for large files. They are used when every detection is built in and no proxy list is given (the
 * proxy rule wants every event), and from the built package only (a worker runs JavaScript).
 */
export interface ReadThreads {
  /**
   * Threads that read, this one included: the machine's parallelism by default, so one worker per other core (this
   * thread runs the rules, the largest share of the work left after parsing). 1 or less reads on this thread alone.
   */
  readonly count?: number;
  /** Plain files at least this large are read in ranges; smaller ones on this thread. */
  readonly minBytes?: number;
  readonly chunkBytes?: number;
}

/** Below this a file is read on the calling thread: starting workers costs more than they save (see docs/audit.md). */
export const THREADED_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;
const WORKER = new URL('./audit-worker.js', import.meta.url);

export interface AuditLogResult {
  readonly source: AuditSource;
  /** Every technique of the matrix, in matrix order, with what the run saw of it. */
  readonly techniques: AuditTechnique[];
  readonly rules: AuditReport['rules'];
  readonly errors: ScanError[];
}

/**
 * Reads audit logs (files, directories, `-`; see `readAuditLog`) and runs the detections over every event, in one
 * pass and bounded memory: the library form of `kubematrix audit`.
 */
export async function auditLog(inputs: readonly string[], options: AuditLogOptions = {}): Promise<AuditLogResult> {
  const detections = options.detections ?? allDetections;
  const pipeline = createPipeline({
    detections,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.allow ? { allow: options.allow } : {}),
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
  });
  const tally = new ActivityTally();
  const onAlert = options.onAlert;
  const parallel = parallelReading(detections, options);
  const release = limitHeapGrowth(HEAP_GROWING_PERCENT);
  const raise = (alert: Alert) => {
    tally.add(alert);
    return onAlert?.(alert);
  };
  const { stats, errors } = await readAuditLog(inputs, (sourced) => eachInOrder(pipeline.push(sourced), raise), {
    ...options,
    unwanted: { wants: pipeline.wants, pass: pipeline.pass, outside: pipeline.outside },
    ...(parallel ? { parallel } : {}),
  }).finally(release);
  const source: AuditSource = {
    type: 'audit-log',
    inputs: [...inputs],
    files: stats.files,
    lines: stats.lines,
    events: stats.events,
    duplicates: stats.duplicates,
    malformed: stats.malformed,
    lenient: stats.lenient,
    outsideWindow: pipeline.stats.outsideWindow,
    ...(options.since ? { since: options.since.toISOString() } : {}),
    ...(options.until ? { until: options.until.toISOString() } : {}),
  };
  return { source, techniques: tally.techniques(detections), rules: tally.rules(detections), errors };
}

/**
 * How far, in percent, V8 lets a heap grow past what survived its last full collection while logs are read. Left to
 * itself it grows the old generation to up to four times that, and the rules' garbage (wanted events parsed and
 * dropped, alerts, windows' expired entries) fills it meanwhile: on a 1M-event log the reading thread's heap peaked
 * near 160 MB for some 40 MB alive. Doubling costs no measurable time there (its collections are mostly concurrent)
 * and took the process's peak RSS from 255–270 MB to about 200 (docs/audit.md, "Speed").
 */
const HEAP_GROWING_PERCENT = 100;

function parallelReading(detections: readonly AnyDetection[], options: AuditLogOptions): ParallelReading | undefined {
  const count = options.threads?.count ?? availableParallelism();
  if (count < 2) return undefined;
  if (options.settings?.proxyAddresses?.size) return undefined;
  if (!detections.every((detection) => allDetections.includes(detection))) return undefined;
  if (!existsSync(fileURLToPath(WORKER))) return undefined;
  const settings: DetectionSettings = { proxyAddresses: new Set(), ...options.settings };
  const workerData: AuditWorkerData = {
    rules: detections
      .filter(({ on }) => on.enabled?.(settings) ?? true)
      .map(({ id, everyone, on: { enabled: _, ...on } }) => ({ id, ...(everyone ? { everyone } : {}), on })),
    allow: options.allow ?? DEFAULT_ALLOW,
    ...(options.since ? { since: options.since.getTime() } : {}),
    ...(options.until ? { until: options.until.getTime() } : {}),
  };
  return {
    worker: WORKER,
    workerData,
    threads: count - 1,
    minBytes: options.threads?.minBytes ?? THREADED_BYTES,
    chunkBytes: options.threads?.chunkBytes ?? CHUNK_BYTES,
  };
}

/** The identities most rules skip: the built-in list, extended by the config's `audit.allow` or replaced by it. */
export function auditAllowList(config: AuditConfig | undefined): AllowList {
  const allow = config?.allow;
  if (!allow) return DEFAULT_ALLOW;
  if (allow.replaceDefaults) return { users: allow.users, groups: allow.groups };
  return { users: [...DEFAULT_ALLOW.users, ...allow.users], groups: [...DEFAULT_ALLOW.groups, ...allow.groups] };
}

/** The `kubematrix audit --output json` document: a run's result and the alerts it raised, kept by the caller. */
export function auditReport(result: AuditLogResult, alerts: readonly Alert[], now = new Date()): AuditReport {
  return { ...auditReportHead(now), alerts: [...alerts], ...auditReportTail(result) };
}

/** What {@link auditReport} holds before its alerts: known before the first one is raised. */
export function auditReportHead(now: Date): Pick<AuditReport, 'tool' | 'version' | 'analyzedAt'> {
  return { tool: 'kubematrix', version, analyzedAt: now.toISOString() };
}

/** What {@link auditReport} holds after its alerts: known once the run has ended. */
export function auditReportTail(
  result: AuditLogResult,
): Pick<AuditReport, 'source' | 'techniques' | 'rules' | 'errors'> {
  return { source: result.source, techniques: result.techniques, rules: result.rules, errors: result.errors };
}

/** Alerts counted per technique (how many, the worst severity, per rule) and per rule. */
export class ActivityTally {
  private readonly byTechnique = new Map<string, { alerts: number; severity: Severity; rules: Map<string, number> }>();
  private readonly byRule = new Map<string, number>();

  add(alert: Alert): void {
    this.byRule.set(alert.rule, (this.byRule.get(alert.rule) ?? 0) + 1);
    for (const id of alert.techniques) {
      let seen = this.byTechnique.get(id);
      if (!seen) {
        seen = { alerts: 0, severity: alert.severity, rules: new Map() };
        this.byTechnique.set(id, seen);
      }
      seen.alerts++;
      if (severityRank(alert.severity) < severityRank(seen.severity)) seen.severity = alert.severity;
      seen.rules.set(alert.rule, (seen.rules.get(alert.rule) ?? 0) + 1);
    }
  }

  /** Every detection that ran, with its alerts: most first, then by id. */
  rules(detections: readonly AnyDetection[]): AuditReport['rules'] {
    return detections
      .map(({ id }) => ({ id, alerts: this.byRule.get(id) ?? 0 }))
      .sort((a, b) => b.alerts - a.alerts || a.id.localeCompare(b.id));
  }

  /** Every technique of the matrix, in its order, with the status the alerts and the rules that ran give it. */
  techniques(detections: readonly AnyDetection[]): AuditTechnique[] {
    return matrixTechniques.map(({ id }) => {
      const assessedBy = detections.filter((detection) => detection.techniques.includes(id)).map(({ id }) => id);
      const seen = this.byTechnique.get(id);
      if (!seen) {
        return { id, status: assessedBy.length ? 'not-observed' : 'not-assessed', alerts: 0, rules: [], assessedBy };
      }
      const rules = [...seen.rules]
        .map(([rule, alerts]) => ({ id: rule, alerts }))
        .sort((a, b) => b.alerts - a.alerts || a.id.localeCompare(b.id));
      return { id, status: 'active', alerts: seen.alerts, severity: seen.severity, rules, assessedBy };
    });
  }
}
