import { asRecord, type Resource } from '../inventory/index.js';
import { DEFAULT_CLUSTER_ROLE_BINDINGS } from './defaults.js';
import type { Binding, Subject, SubjectKind } from './types.js';

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';

/** Subjects that stand for "everyone" (or every workload): granting them anything is never routine. */
function isBroadSubject(subject: Subject): boolean {
  if (subject.kind === 'User') return subject.name === ANONYMOUS;
  if (subject.kind !== 'Group') return false;
  return (
    subject.name === AUTHENTICATED ||
    subject.name === UNAUTHENTICATED ||
    subject.name === ALL_SERVICE_ACCOUNTS ||
    subject.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`)
  );
}

const group = (name: string): Subject => ({ kind: 'Group', namespace: null, name });

export function subjectKey(subject: Subject): string {
  return `${subject.kind}\u0000${subject.namespace ?? ''}\u0000${subject.name}`;
}

export function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;
}

/**
 * The subject itself and the groups Kubernetes puts it in: every ServiceAccount is in `system:serviceaccounts`,
 * its namespace's group and `system:authenticated`; every user but `system:anonymous` is authenticated.
 */
export function memberships(subject: Subject): Subject[] {
  const all = [subject];
  if (subject.kind === 'ServiceAccount') {
    all.push(group(ALL_SERVICE_ACCOUNTS));
    if (subject.namespace !== null) all.push(group(`${ALL_SERVICE_ACCOUNTS}:${subject.namespace}`));
    all.push(group(AUTHENTICATED));
  } else if (subject.kind === 'User') {
    all.push(group(subject.name === ANONYMOUS ? UNAUTHENTICATED : AUTHENTICATED));
  } else if (subject.name !== AUTHENTICATED && subject.name !== UNAUTHENTICATED) {
    if (subject.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`)) all.push(group(ALL_SERVICE_ACCOUNTS));
    all.push(group(AUTHENTICATED));
  }
  return all;
}

/**
 * A binding's `subjects` entry as the authorizer reads it: a ServiceAccount without namespace is in the
 * RoleBinding's, and the user `system:serviceaccount:NS:NAME` is that ServiceAccount.
 */
export function toSubject(value: unknown, bindingNamespace: string | null): Subject | undefined {
  const record = asRecord(value);
  const { kind, name } = record;
  if (typeof name !== 'string' || !name) return undefined;
  if (kind === 'ServiceAccount') {
    const namespace = typeof record.namespace === 'string' && record.namespace ? record.namespace : bindingNamespace;
    return { kind, namespace, name };
  }
  if (kind !== 'User' && kind !== 'Group') return undefined;
  const account = kind === 'User' ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name) : null;
  if (account) return { kind: 'ServiceAccount', namespace: account[1] ?? null, name: account[2] ?? name };
  return { kind, namespace: null, name };
}

const SUBJECT_KINDS: Readonly<Record<string, SubjectKind>> = {
  sa: 'ServiceAccount',
  serviceaccount: 'ServiceAccount',
  serviceaccounts: 'ServiceAccount',
  user: 'User',
  users: 'User',
  group: 'Group',
  groups: 'Group',
};

/** `sa`, `ServiceAccount`, `user`, `Group`… as typed on a command line. */
export function parseSubjectKind(text: string): SubjectKind | undefined {
  return SUBJECT_KINDS[text.toLowerCase()];
}

/**
 * Whether this subject holding this binding is how a cluster normally runs: a control-plane identity
 * (`system:` users and groups other than the "everyone" ones), a kube-system ServiceAccount, or a subject
 * Kubernetes' own default bindings name. Such grants are reported as info, so real findings stand out.
 */
export function isExpected(binding: Binding, subject: Subject): boolean {
  const builtIn = DEFAULT_CLUSTER_ROLE_BINDINGS.find(
    (entry) =>
      binding.kind === 'ClusterRoleBinding' && entry.name === binding.name && entry.role === binding.roleRef.name,
  );
  if (builtIn?.subjects.some((entry) => sameSubject(entry, subject))) return true;
  return isSystemSubject(subject);
}

export function isSystemSubject(subject: Subject): boolean {
  if (isBroadSubject(subject)) return false;
  return subject.kind === 'ServiceAccount' ? subject.namespace === 'kube-system' : subject.name.startsWith('system:');
}

/**
 * The subject as a finding's resource: a ServiceAccount is the object it names (its input object when there is one,
 * so that its annotations suppress), located at the binding's `subjects` entry that grants the permission.
 */
export function subjectResource(
  subject: Subject,
  binding: Resource,
  index: number,
  serviceAccount?: Resource,
): Resource {
  return {
    ref: {
      apiVersion: subject.kind === 'ServiceAccount' ? 'v1' : 'rbac.authorization.k8s.io/v1',
      kind: subject.kind,
      namespace: subject.namespace,
      name: subject.name,
    },
    ...(binding.file !== undefined ? { file: binding.file } : {}),
    object: serviceAccount?.object ?? {},
    labels: serviceAccount?.labels ?? {},
    annotations: serviceAccount?.annotations ?? {},
    locate: () => binding.locate(['subjects', index]),
  };
}
