import type { ContainerView, Located, PodSpecView } from '../inventory/index.js';
import { capabilities, type VolumeMountView } from '../inventory/pods.js';
import type { Severity } from '../model/report.js';

/** `privileged: true`, where the container sets it. */
export function privileged(container: ContainerView): Located<boolean> | undefined {
  const field = container.security('privileged');
  return field?.value === true ? field : undefined;
}

/**
 * Capabilities that override file permissions (DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, CHOWN), switch to root's user
 * or group (SETUID, SETGID) or do all of it and more (SYS_ADMIN, ALL): with one of them a non-root user is root to
 * the node's files.
 */
const FILE_ACCESS_CAPABILITIES = new Set([
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'CHOWN',
  'SETUID',
  'SETGID',
  'SYS_ADMIN',
  'ALL',
]);

/**
 * Group ids below 1000 are the node's system groups: root (0) reaches the files of group root (containerd's socket is
 * 0660 root:root), and the packages' groups hold more: `docker` owns the Docker socket, `adm` reads /var/log, `shadow`
 * /etc/shadow. Which number each has is the node's choice, so none of them is provably harmless.
 */
const FIRST_USER_GID = 1000;

/** A container that provably reaches only what the node leaves world-readable or world-writable. */
export interface UnprivilegedUser {
  /** `as UID 65534 without DAC capabilities`, for messages. */
  readonly text: string;
}

/**
 * The container's effective identity on the node's files, when it is provably unprivileged: a non-root UID
 * (`runAsUser` non-zero, or `runAsNonRoot: true`, which the kubelet enforces), a primary group and every
 * supplementary group (`runAsGroup`, `supplementalGroups`, `fsGroup`) outside the system range, none of the
 * file-access capabilities added, not privileged and `allowPrivilegeEscalation: false`, on Linux. Undefined otherwise:
 * the image's default user may be root, and a process that may escalate (setuid binaries) may become it.
 *
 * Capabilities of the runtime's default set that are not dropped do not count: the kernel gives a non-root process
 * none of them, and `allowPrivilegeEscalation: false` (no_new_privs) keeps file capabilities from adding them back.
 * Without `runAsGroup` the primary group is the image's (0 when its /etc/passwd does not list the UID): not provable.
 * Groups the image's /etc/group gives the user (`supplementalGroupsPolicy: Merge`, the default) are not in the input.
 */
export function unprivilegedUser(pod: PodSpecView, container: ContainerView): UnprivilegedUser | undefined {
  // Windows has neither UIDs nor these groups; a HostProcess container runs as a node account.
  if (pod.spec.os?.name === 'windows' || pod.spec.securityContext?.windowsOptions) return undefined;
  if (container.spec.securityContext?.windowsOptions || privileged(container)) return undefined;
  if (container.security('allowPrivilegeEscalation')?.value !== false) return undefined;
  const uid = container.security('runAsUser')?.value;
  if (uid === 0 || (uid === undefined && container.security('runAsNonRoot')?.value !== true)) return undefined;
  const { supplementalGroups = [], fsGroup } = pod.spec.securityContext ?? {};
  const gid = container.security('runAsGroup')?.value;
  const groups = [gid, ...supplementalGroups, fsGroup];
  if (gid === undefined || groups.some((group) => group !== undefined && group < FIRST_USER_GID)) return undefined;
  if ([...capabilities(container, 'add').keys()].some((name) => FILE_ACCESS_CAPABILITIES.has(name))) return undefined;
  return { text: `as ${uid === undefined ? 'a non-root UID' : `UID ${uid}`} without DAC capabilities` };
}

/**
 * What makes the node's root-owned files out of reach for every container among the mounts, for messages (`as UID
 * 65534 without DAC capabilities`); undefined when one of them may act as root.
 */
export function unprivilegedMounts(pod: PodSpecView, mounts: readonly VolumeMountView[]): string | undefined {
  const texts = new Set<string>();
  for (const { container } of mounts) {
    const user = unprivilegedUser(pod, container);
    if (!user) return undefined;
    texts.add(user.text);
  }
  return texts.size ? [...texts].join(', ') : undefined;
}

/**
 * The severity of a host access whose root-owned socket and files are out of reach: what is left is what the node
 * leaves world-readable (some logs, host processes' command lines under /proc) or world-writable (/tmp, a socket
 * someone made 0666), not the node.
 */
export const OUT_OF_REACH_SEVERITY: Severity = 'low';
