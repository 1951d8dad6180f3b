/**
 * A worker thread of `auditLog` (see src/inputs/audit/chunks.ts): reads the ranges of a large audit log it is asked
 * for, and keeps back the events no rule of the run wants, as the run's own pipeline would judge them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { allDetections } from '../detections/index.js';
import { type AllowList, createPipeline, eventTimeMs } from '../detections/pipeline.js';
import { type ChunkRequest, readChunk } from '../inputs/audit/chunks.js';

export interface AuditWorkerData {
  /** The ids of the run's detections (all of them built-in: functions do not cross threads). */
  readonly detections: readonly string[];
  readonly allow: AllowList;
}

const data = workerData as AuditWorkerData;
const ids = new Set(data.detections);
const pipeline = createPipeline({ detections: allDetections.filter(({ id }) => ids.has(id)), allow: data.allow });
const port = parentPort;
// One range at a time, answered in the order asked: the reading thread matches answers to requests by order.
let queue = Promise.resolve();
port?.on('message', (request: ChunkRequest) => {
  queue = queue.then(async () => {
    port.postMessage(await readChunk(request, pipeline.wants, eventTimeMs));
  });
});
