import addedCapabilities from './added-capabilities/index.js';
import admissionDrift from './admission-drift/index.js';
import admissionGap from './admission-gap/index.js';
import admissionPolicies from './admission-policies/index.js';
import admissionRejected from './admission-rejected/index.js';
import admissionWebhooks from './admission-webhooks/index.js';
import allowPrivilegeEscalation from './allow-privilege-escalation/index.js';
import apiserverAlwaysAllow from './apiserver-always-allow/index.js';
import apiserverAnonymousAccess from './apiserver-anonymous-access/index.js';
import apiserverAuditLog from './apiserver-audit-log/index.js';
import apiserverEncryptionAtRest from './apiserver-encryption-at-rest/index.js';
import apiserverNodeRestriction from './apiserver-node-restriction/index.js';
import apparmorProfile from './apparmor-profile/index.js';
import containerRuntimeSocket from './container-runtime-socket/index.js';
import corednsCorefile from './coredns-corefile/index.js';
import credentialsInConfigmap from './credentials-in-configmap/index.js';
import credentialsInEnv from './credentials-in-env/index.js';
import cronjob from './cronjob/index.js';
import cryptoMinerImage from './crypto-miner-image/index.js';
import daemonsetNodeAccess from './daemonset-node-access/index.js';
import type { AnyCheck } from './define.js';
import dropAllCapabilities from './drop-all-capabilities/index.js';
import escapeCapabilities from './escape-capabilities/index.js';
import etcdClientAuth from './etcd-client-auth/index.js';
import hostNetwork from './host-network/index.js';
import hostPidIpc from './host-pid-ipc/index.js';
import hostPort from './host-port/index.js';
import imageRegistry from './image-registry/index.js';
import imageTag from './image-tag/index.js';
import internetFacing from './internet-facing/index.js';
import kubeletApiAccess from './kubelet-api-access/index.js';
import kubeletStaticPodUrl from './kubelet-static-pod-url/index.js';
import legacyTokenSecret from './legacy-token-secret/index.js';
import managementInterface from './management-interface/index.js';
import metadataEgress from './metadata-egress/index.js';
import netRaw from './net-raw/index.js';
import networkPolicy from './network-policy/index.js';
import podSecurityAdmission from './pod-security-admission/index.js';
import privilegedContainer from './privileged-container/index.js';
import rbacAnonymousAccess from './rbac-anonymous-access/index.js';
import rbacClusterAdmin from './rbac-cluster-admin/index.js';
import rbacCoredns from './rbac-coredns/index.js';
import rbacCreateWorkloads from './rbac-create-workloads/index.js';
import rbacCronjobs from './rbac-cronjobs/index.js';
import rbacCsrApproval from './rbac-csr-approval/index.js';
import rbacDeleteEvents from './rbac-delete-events/index.js';
import rbacDestructiveDelete from './rbac-destructive-delete/index.js';
import rbacExec from './rbac-exec/index.js';
import rbacModifyWorkloads from './rbac-modify-workloads/index.js';
import rbacNodeProxy from './rbac-node-proxy/index.js';
import rbacPrivilegeEscalationVerbs from './rbac-privilege-escalation-verbs/index.js';
import rbacPullSecrets from './rbac-pull-secrets/index.js';
import rbacReadSecrets from './rbac-read-secrets/index.js';
import rbacServiceStatus from './rbac-service-status/index.js';
import rbacTokenCreation from './rbac-token-creation/index.js';
import rbacWebhookConfig from './rbac-webhook-config/index.js';
import readOnlyRootFilesystem from './read-only-root-filesystem/index.js';
import resourceLimits from './resource-limits/index.js';
import runAsNonRoot from './run-as-non-root/index.js';
import seccompProfile from './seccomp-profile/index.js';
import secretEnvReference from './secret-env-reference/index.js';
import sensitiveHostPathRead from './sensitive-host-path-read/index.js';
import serviceAccountToken from './service-account-token/index.js';
import sshServer from './ssh-server/index.js';
import systemNameImitation from './system-name-imitation/index.js';
import unexpectedStaticPod from './unexpected-static-pod/index.js';
import unmaskedProcMount from './unmasked-proc-mount/index.js';
import unsafeSysctls from './unsafe-sysctls/index.js';
import workloadIdentity from './workload-identity/index.js';
import workloadTokenPermissions from './workload-token-permissions/index.js';
import writableHostPath from './writable-host-path/index.js';

/** Every check kubematrix runs, in the order their docs list them. */
export const allChecks: readonly AnyCheck[] = [
  privilegedContainer,
  escapeCapabilities,
  addedCapabilities,
  unmaskedProcMount,
  writableHostPath,
  containerRuntimeSocket,
  sensitiveHostPathRead,
  hostNetwork,
  hostPidIpc,
  netRaw,
  daemonsetNodeAccess,
  cronjob,
  serviceAccountToken,
  rbacClusterAdmin,
  rbacPrivilegeEscalationVerbs,
  rbacCsrApproval,
  rbacAnonymousAccess,
  rbacCreateWorkloads,
  rbacExec,
  rbacModifyWorkloads,
  rbacCronjobs,
  rbacWebhookConfig,
  rbacReadSecrets,
  rbacPullSecrets,
  rbacTokenCreation,
  rbacNodeProxy,
  rbacCoredns,
  rbacServiceStatus,
  rbacDeleteEvents,
  rbacDestructiveDelete,
  workloadTokenPermissions,
  legacyTokenSecret,
  workloadIdentity,
  credentialsInEnv,
  credentialsInConfigmap,
  secretEnvReference,
  resourceLimits,
  runAsNonRoot,
  allowPrivilegeEscalation,
  readOnlyRootFilesystem,
  seccompProfile,
  apparmorProfile,
  dropAllCapabilities,
  unsafeSysctls,
  imageTag,
  imageRegistry,
  cryptoMinerImage,
  sshServer,
  internetFacing,
  managementInterface,
  hostPort,
  networkPolicy,
  admissionWebhooks,
  podSecurityAdmission,
  admissionDrift,
  admissionRejected,
  admissionGap,
  admissionPolicies,
  apiserverAnonymousAccess,
  apiserverAlwaysAllow,
  apiserverNodeRestriction,
  apiserverAuditLog,
  apiserverEncryptionAtRest,
  etcdClientAuth,
  kubeletApiAccess,
  kubeletStaticPodUrl,
  unexpectedStaticPod,
  systemNameImitation,
  corednsCorefile,
  metadataEgress,
];

export function getCheck(id: string): AnyCheck | undefined {
  return allChecks.find((check) => check.id === id);
}
