import admissionWebhookWritten from './admission-webhook-written/index.js';
import anonymousRequest from './anonymous-request/index.js';
import configmapCredentialsWritten from './configmap-credentials-written/index.js';
import containerAddedToWorkload from './container-added-to-workload/index.js';
import corednsConfigChanged from './coredns-config-changed/index.js';
import cronjobWritten from './cronjob-written/index.js';
import daemonsetWritten from './daemonset-written/index.js';
import type { AnyDetection } from './define.js';
import deniedRequestBurst from './denied-request-burst/index.js';
import destructiveDelete from './destructive-delete/index.js';
import eventsDeleted from './events-deleted/index.js';
import execCopyFromPod from './exec-copy-from-pod/index.js';
import execCredentialRead from './exec-credential-read/index.js';
import execMetadataAddress from './exec-metadata-address/index.js';
import execShell from './exec-shell/index.js';
import nodeProxy from './node-proxy/index.js';
import permissionReview from './permission-review/index.js';
import podExec from './pod-exec/index.js';
import powerfulRoleBound from './powerful-role-bound/index.js';
import powerfulRoleWritten from './powerful-role-written/index.js';
import privilegedPodCreated from './privileged-pod-created/index.js';
import proxySource from './proxy-source/index.js';
import rbacDiscovery from './rbac-discovery/index.js';
import secretsAccessDenied from './secrets-access-denied/index.js';
import secretsBulkRead from './secrets-bulk-read/index.js';
import secretsList from './secrets-list/index.js';
import serviceaccountClientTool from './serviceaccount-client-tool/index.js';
import serviceaccountInSystemNamespace from './serviceaccount-in-system-namespace/index.js';
import serviceaccountNewSource from './serviceaccount-new-source/index.js';
import serviceaccountTokenRequest from './serviceaccount-token-request/index.js';
import staticPodCreated from './static-pod-created/index.js';
import systemNameWorkload from './system-name-workload/index.js';
import workloadCreatedByUser from './workload-created-by-user/index.js';
import workloadInSystemNamespace from './workload-in-system-namespace/index.js';
import writableHostPathPod from './writable-host-path-pod/index.js';

/** Every detection, sorted by folder name. Each lives in its own folder beside its test table. */
export const allDetections: readonly AnyDetection[] = [
  admissionWebhookWritten,
  anonymousRequest,
  configmapCredentialsWritten,
  containerAddedToWorkload,
  corednsConfigChanged,
  cronjobWritten,
  daemonsetWritten,
  deniedRequestBurst,
  destructiveDelete,
  eventsDeleted,
  execCopyFromPod,
  execCredentialRead,
  execMetadataAddress,
  execShell,
  nodeProxy,
  permissionReview,
  podExec,
  powerfulRoleBound,
  powerfulRoleWritten,
  privilegedPodCreated,
  proxySource,
  rbacDiscovery,
  secretsAccessDenied,
  secretsBulkRead,
  secretsList,
  serviceaccountClientTool,
  serviceaccountInSystemNamespace,
  serviceaccountNewSource,
  serviceaccountTokenRequest,
  staticPodCreated,
  systemNameWorkload,
  workloadCreatedByUser,
  workloadInSystemNamespace,
  writableHostPathPod,
];
