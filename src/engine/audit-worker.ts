/**
 * A worker thread of `auditLog` (see src/inputs/audit/chunks.ts): reads the ranges of a large audit log it is asked
 * for, and keeps back the events no rule of the run wants, as the run's own pipeline would judge them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyDetection, EventFilter } from '../detections/define.js';
import { type AllowList, createPipeline } from '../detections/pipeline.js';
import { answerPort, type ChunkRequest, readChunk, recycle, STARTED, transferred } from '../inputs/audit/chunks.js';

export interface AuditWorkerData {
  /**
   * What each rule of the run takes (the rules its settings enable): all that `wants` reads. Sent as data, so that a
   * worker loads none of the rules' code, whose loading cost as much as reading a few MB of log.
   */
  readonly rules: readonly WorkerRule[];
  readonly allow: AllowList;
  /** The run's time window, in epoch ms. */
  readonly since?: number;
  readonly until?: number;
}

export interface WorkerRule {
  readonly id: string;
  readonly everyone?: true;
  readonly on: Omit<EventFilter, 'enabled'>;
}

const data = workerData as AuditWorkerData;
const pipeline = createPipeline({
  // Only `wants` and `outside` run here: no event is pushed, so no rule needs its code.
  detections: data.rules.map((rule) => ({ ...rule, detect: () => {} }) as unknown as AnyDetection),
  allow: data.allow,
  ...(data.since !== undefined ? { since: new Date(data.since) } : {}),
  ...(data.until !== undefined ? { until: new Date(data.until) } : {}),
});
// Requests come on the worker's own port; answers go on the one the reading thread takes them from as they come.
const answers = parentPort && answerPort();
// One range at a time, answered in the order asked: the reading thread matches answers to requests by order. Memory
// of an answer read comes back, to be used again.
let queue = Promise.resolve();
parentPort?.on('message', (request: ChunkRequest | ArrayBuffer) => {
  if (request instanceof ArrayBuffer) {
    recycle(request);
    return;
  }
  queue = queue.then(async () => {
    const result = await readChunk(request, pipeline.wants, pipeline.outside);
    answers?.postMessage(result, transferred(result));
  });
});
answers?.postMessage(STARTED);
