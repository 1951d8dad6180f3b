import admissionWebhookWritten from './admission-webhook-written/index.js';
import configmapCredentialsWritten from './configmap-credentials-written/index.js';
import containerAddedToWorkload from './container-added-to-workload/index.js';
import corednsConfigChanged from './coredns-config-changed/index.js';
import cronjobWritten from './cronjob-written/index.js';
import daemonsetWritten from './daemonset-written/index.js';
import type { AnyDetection } from './define.js';
import destructiveDelete from './destructive-delete/index.js';
import powerfulRoleBound from './powerful-role-bound/index.js';
import powerfulRoleWritten from './powerful-role-written/index.js';
import privilegedPodCreated from './privileged-pod-created/index.js';
import staticPodCreated from './static-pod-created/index.js';
import systemNameWorkload from './system-name-workload/index.js';
import workloadCreatedByUser from './workload-created-by-user/index.js';
import workloadInSystemNamespace from './workload-in-system-namespace/index.js';
import writableHostPathPod from './writable-host-path-pod/index.js';

/** Every detection, in docs order (by technique, then id). Each lives in its own folder beside its test table. */
export const allDetections: readonly AnyDetection[] = [
  admissionWebhookWritten,
  configmapCredentialsWritten,
  containerAddedToWorkload,
  corednsConfigChanged,
  cronjobWritten,
  daemonsetWritten,
  destructiveDelete,
  powerfulRoleBound,
  powerfulRoleWritten,
  privilegedPodCreated,
  staticPodCreated,
  systemNameWorkload,
  workloadCreatedByUser,
  workloadInSystemNamespace,
  writableHostPathPod,
];
