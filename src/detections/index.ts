import type { AnyDetection } from './define.js';
import execCopyFromPod from './exec-copy-from-pod/index.js';
import execMetadataAddress from './exec-metadata-address/index.js';
import execShell from './exec-shell/index.js';
import podExec from './pod-exec/index.js';

/** Every detection, sorted by folder name. Each lives in its own folder beside its test table. */
export const allDetections: readonly AnyDetection[] = [execCopyFromPod, execMetadataAddress, execShell, podExec];
