import type { AnyDetection } from './define.js';
import privilegedPodCreated from './privileged-pod-created/index.js';
import workloadCreatedByUser from './workload-created-by-user/index.js';
import writableHostPathPod from './writable-host-path-pod/index.js';

/** Every detection, in docs order (by technique, then id). Each lives in its own folder beside its test table. */
export const allDetections: readonly AnyDetection[] = [
  privilegedPodCreated,
  workloadCreatedByUser,
  writableHostPathPod,
];
