/** Identities, user agents and request bodies as real API servers and clients write them, for detection tests. */
import type { AuditEvent, AuditUser } from '../inputs/audit/event.js';
import { auditEvent, type EventOverrides } from './tester.js';

export const KUBECTL = 'kubectl/v1.31.0 (linux/amd64) kubernetes/abcdef0';
export const HELM = 'Helm/3.16.2';
export const CONTROLLER_MANAGER_AGENT =
  'kube-controller-manager/v1.31.0 (linux/amd64) kubernetes/abcdef0/system:serviceaccount:kube-system:replicaset-controller';
export const KUBELET_AGENT = 'kubelet/v1.31.0 (linux/amd64) kubernetes/abcdef0';

export const ALICE: AuditUser = { username: 'alice@example.com', groups: ['developers', 'system:authenticated'] };
/** kubeadm's admin.conf client certificate. */
export const KUBERNETES_ADMIN: AuditUser = {
  username: 'kubernetes-admin',
  groups: ['kubeadm:cluster-admins', 'system:authenticated'],
};

function serviceAccount(namespace: string, name: string): AuditUser {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid: '6c1b5f2e-3f0a-4d8e-9b1c-2a7f0e4d5c6b',
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

export const REPLICASET_CONTROLLER = serviceAccount('kube-system', 'replicaset-controller');
export const DAEMONSET_CONTROLLER = serviceAccount('kube-system', 'daemon-set-controller');
export const ARGOCD = serviceAccount('argocd', 'argocd-application-controller');
export const CI_BOT = serviceAccount('ci', 'deployer');
export const NODE: AuditUser = { username: 'system:node:cp-1', groups: ['system:nodes', 'system:authenticated'] };

const GROUPS: Readonly<Record<string, string>> = {
  deployments: 'apps',
  daemonsets: 'apps',
  statefulsets: 'apps',
  replicasets: 'apps',
  jobs: 'batch',
  cronjobs: 'batch',
  clusterroles: 'rbac.authorization.k8s.io',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  roles: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
};

/** The URL path of a resource, as clients request it. */
function collection(resource: string, namespace: string | undefined): string {
  const group = GROUPS[resource];
  const base = group ? `/apis/${group}/v1` : '/api/v1';
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${resource}`;
}

export interface Write {
  readonly verb?: 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  /** Absent for a create (the name is in the body) and a deletecollection. */
  readonly name?: string;
  readonly body?: unknown;
  readonly response?: unknown;
  readonly user?: AuditUser;
  readonly userAgent?: string;
  readonly code?: number;
  /** Extra query, such as `dryRun=All` or `fieldManager=kubectl-client-side-apply`. */
  readonly query?: string;
  readonly overrides?: EventOverrides;
}

/** A write as kube-apiserver logs it at `ResponseComplete`: request URI, objectRef, bodies and status to match. */
export function write({
  verb = 'create',
  resource,
  subresource,
  namespace,
  name,
  body,
  response,
  user = ALICE,
  userAgent = KUBECTL,
  code,
  query,
  overrides,
}: Write): AuditEvent {
  const group = GROUPS[resource];
  const path = `${collection(resource, namespace)}${name ? `/${name}` : ''}${subresource ? `/${subresource}` : ''}`;
  // What kubectl adds to a write; controllers send none.
  const manager = userAgent.startsWith('kubectl/') && verb !== 'delete' && verb !== 'deletecollection';
  const fieldManager = manager ? `fieldManager=kubectl-${verb}&fieldValidation=Strict` : '';
  const search = [fieldManager, query].filter(Boolean).join('&');
  return auditEvent({
    verb,
    requestURI: `${path}${search ? `?${search}` : ''}`,
    user,
    userAgent,
    level: body === undefined ? 'Metadata' : response === undefined ? 'Request' : 'RequestResponse',
    objectRef: {
      resource,
      ...(subresource ? { subresource } : {}),
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(group ? { apiGroup: group } : {}),
      apiVersion: 'v1',
    },
    responseStatus: { code: code ?? (verb === 'create' ? 201 : 200) },
    ...(body !== undefined ? { requestObject: body } : {}),
    ...(response !== undefined ? { responseObject: response } : {}),
    ...overrides,
  });
}

export interface PodOptions {
  readonly name?: string;
  readonly namespace?: string;
  readonly spec?: Record<string, unknown>;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly ownerReferences?: readonly Record<string, unknown>[];
  readonly generateName?: string;
}

export const NGINX = { name: 'nginx', image: 'nginx:1.27' };

/** A Pod body as kubectl or a controller sends it. */
export function pod({
  name,
  namespace,
  spec = { containers: [NGINX] },
  labels,
  annotations,
  ownerReferences,
  generateName,
}: PodOptions = {}): Record<string, unknown> {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      ...(name ? { name } : {}),
      ...(generateName ? { generateName } : {}),
      ...(namespace ? { namespace } : {}),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(ownerReferences ? { ownerReferences } : {}),
      creationTimestamp: null,
    },
    spec,
    status: {},
  };
}

/** A workload controller with a pod template, as `kubectl apply` sends it. */
export function workload(
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet' | 'ReplicaSet',
  name: string,
  spec: Record<string, unknown> = { containers: [NGINX] },
  metadata: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kind,
    apiVersion: 'apps/v1',
    metadata: { name, ...metadata },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec },
    },
  };
}

/** A CronJob body. */
export function cronJob(
  name: string,
  spec: Record<string, unknown> = { containers: [NGINX] },
): Record<string, unknown> {
  return {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    metadata: { name },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', ...spec } } } },
    },
  };
}

/** The ownerReferences of a pod its ReplicaSet created. */
export function ownedBy(kind: string, name: string): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind,
      name,
      uid: '8c800470-d85f-11e8-88b6-080027728ac4',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}
