import anonymousRequest from './anonymous-request/index.js';
import type { AnyDetection } from './define.js';
import deniedRequestBurst from './denied-request-burst/index.js';
import eventsDeleted from './events-deleted/index.js';
import execCopyFromPod from './exec-copy-from-pod/index.js';
import execMetadataAddress from './exec-metadata-address/index.js';
import execShell from './exec-shell/index.js';
import nodeProxy from './node-proxy/index.js';
import permissionReview from './permission-review/index.js';
import podExec from './pod-exec/index.js';
import proxySource from './proxy-source/index.js';
import secretsBulkRead from './secrets-bulk-read/index.js';
import secretsList from './secrets-list/index.js';
import serviceaccountClientTool from './serviceaccount-client-tool/index.js';
import serviceaccountNewSource from './serviceaccount-new-source/index.js';
import serviceaccountTokenRequest from './serviceaccount-token-request/index.js';

/** Every detection, sorted by folder name. Each lives in its own folder beside its test table. */
export const allDetections: readonly AnyDetection[] = [
  anonymousRequest,
  deniedRequestBurst,
  eventsDeleted,
  execCopyFromPod,
  execMetadataAddress,
  execShell,
  nodeProxy,
  permissionReview,
  podExec,
  proxySource,
  secretsBulkRead,
  secretsList,
  serviceaccountClientTool,
  serviceaccountNewSource,
  serviceaccountTokenRequest,
];
