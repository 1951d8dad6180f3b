import type { FieldPath } from '../inputs/path.js';
import type { PodSpecView } from '../inventory/index.js';
import { mountsOf, type VolumeMountView } from '../inventory/pods.js';
import type { TechniqueId } from '../matrix/types.js';
import { type Severity, severityRank } from '../model/basics.js';
import { listSome } from '../rbac/format.js';

type WriteSeverity = Extract<Severity, 'critical' | 'high' | 'medium'>;

/** What a node directory hands to whoever mounts it. */
export interface HostPathClass {
  /** The normalized path, as the node resolves it. */
  readonly path: string;
  /** Worst outcome of write access: critical where it hands over the node. */
  readonly writeSeverity: WriteSeverity;
  /** Credential-access techniques that merely reading the path allows. */
  readonly credentials: readonly TechniqueId[];
  /** Reaches the kubelet's static pod directory: a manifest written there runs as a pod the API cannot delete. */
  readonly staticPods: boolean;
  /** Reaches the node's container log files, which writing lets an attacker erase (MS-TA9021). */
  readonly containerLogs: boolean;
  /** Reaches a container runtime's API socket, itself or a directory holding it; read-only does not help. */
  readonly runtimeSocket: 'socket' | 'directory' | undefined;
}

/** Writing here runs code as root on the node or controls its kubelet, runtime, boot or devices. */
const NODE_TAKEOVER_PATHS = [
  '/etc',
  '/root',
  '/proc',
  '/sys',
  '/boot',
  '/dev',
  '/run',
  '/var/run',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/containers',
  '/var/lib/etcd',
  // The runtime executes CNI plugins as root for every pod it starts.
  '/opt/cni',
];
/** Writing here plants data other node software reads: logs the kubelet serves, user homes, installed software. */
const NODE_DATA_PATHS = ['/home', '/var/log', '/var/lib', '/opt'];

const KUBELET_DIR = '/var/lib/kubelet';
/** The kubelet's default `staticPodPath`. */
const STATIC_POD_DIR = '/etc/kubernetes/manifests';
/** Where the kubelet and the runtimes keep container logs. */
const CONTAINER_LOG_PATHS = ['/var/log', '/var/lib/docker/containers'];
/** Holds cloud provider credentials such as azure.json, and the cluster's PKI on control-plane nodes. */
const KUBERNETES_CONFIG_DIR = '/etc/kubernetes';
/** SSH keys, password hashes and users' dotfiles. */
const USER_CREDENTIAL_PATHS = ['/root', '/home', '/etc/ssh', '/etc/shadow', '/etc/gshadow'];

/** Other file systems the node mounts at these paths: kernel interfaces, and the tmpfs holding runtime state. */
const MOUNT_POINTS = ['/proc', '/sys', '/dev', '/run'];
/** The node mounts every pod's volumes (emptyDirs, token tmpfs, CSI) and every container's root file system below these. */
const MOUNT_PARENTS = ['/var/lib/kubelet/pods', '/var/lib/docker/overlay2', '/var/lib/containers/storage/overlay'];

const SOCKET_FILES = [
  'docker.sock',
  'dockershim.sock',
  'cri-dockerd.sock',
  'containerd/containerd.sock',
  'k3s/containerd/containerd.sock',
  'crio/crio.sock',
  'podman/podman.sock',
];
/** Where the container runtimes put their API sockets. */
export const RUNTIME_SOCKETS = ['/run', '/var/run'].flatMap((dir) => SOCKET_FILES.map((file) => `${dir}/${file}`));
/** Sockets moved elsewhere keep their name. */
export const SOCKET_NAMES: ReadonlySet<string | undefined> = new Set(SOCKET_FILES.map((file) => file.split('/').pop()));

/** Resolves `//`, `.`, `..` and a trailing `/` the way the node does, so `//etc/` is no way around a rule. */
export function normalizeHostPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

function within(path: string, base: string): boolean {
  return base === '/' || path === base || path.startsWith(`${base}/`);
}

/** A mount of `path` reaches `target` if one contains the other: mounting `/var` exposes `/var/lib/kubelet`. */
function reaches(path: string, target: string): boolean {
  return within(path, target) || within(target, path);
}

export function classifyHostPath(declared: string): HostPathClass {
  const path = normalizeHostPath(declared);
  const credentials: TechniqueId[] = [];
  if (reaches(path, KUBELET_DIR)) credentials.push('MS-TA9016');
  if (reaches(path, KUBERNETES_CONFIG_DIR)) credentials.push('MS-TA9026');
  if (USER_CREDENTIAL_PATHS.some((target) => reaches(path, target)) || path.split('/').includes('.ssh')) {
    credentials.push('MS-TA9027');
  }
  return {
    path,
    writeSeverity: NODE_TAKEOVER_PATHS.some((target) => reaches(path, target))
      ? 'critical'
      : NODE_DATA_PATHS.some((target) => within(path, target))
        ? 'high'
        : 'medium',
    credentials,
    staticPods: reaches(path, STATIC_POD_DIR),
    containerLogs: CONTAINER_LOG_PATHS.some((target) => reaches(path, target)),
    runtimeSocket: SOCKET_NAMES.has(path.split('/').pop())
      ? 'socket'
      : RUNTIME_SOCKETS.some((socket) => within(socket, path))
        ? 'directory'
        : undefined,
  };
}

export interface HostPathVolume {
  readonly name: string;
  /** The path as the manifest writes it, for messages. */
  readonly declared: string;
  readonly hostPath: HostPathClass;
  /** Where findings point: the volume's `hostPath.path`, or the `subPath` of a mount that narrows it. */
  readonly path: FieldPath;
  /** Never empty: a hostPath no container mounts exposes nothing. */
  readonly mounts: readonly VolumeMountView[];
}

/**
 * The node directories the pod's containers actually mount: one entry per hostPath volume and reached path, since
 * a mount with `subPath: app` of hostPath `/var/lib` reaches only `/var/lib/app`. Unmounted volumes expose nothing.
 */
export function mountedHostPaths(pod: PodSpecView): HostPathVolume[] {
  const found: HostPathVolume[] = [];
  pod.spec.volumes?.forEach((volume, index) => {
    if (!volume.hostPath) return;
    const byReach = new Map<string, VolumeMountView[]>();
    for (const mount of mountsOf(pod, volume.name)) {
      const reached = normalizeHostPath(`${volume.hostPath.path}/${mount.subPath ?? ''}`);
      byReach.set(reached, [...(byReach.get(reached) ?? []), mount]);
    }
    const declared = normalizeHostPath(volume.hostPath.path);
    for (const [reached, mounts] of byReach) {
      const [first] = mounts as [VolumeMountView];
      found.push({
        name: volume.name,
        declared: volume.hostPath.path,
        hostPath: classifyHostPath(reached),
        // A narrower reach is the subPath's doing: point there, one finding per reached path.
        path: reached === declared ? [...pod.path, 'volumes', index, 'hostPath', 'path'] : [...first.path, 'subPath'],
        mounts,
      });
    }
  });
  return found;
}

/** Mounts through which the container can change node files; a socket has none, writing to it is talking. */
export function writableMounts(volume: HostPathVolume): VolumeMountView[] {
  if (volume.hostPath.runtimeSocket === 'socket') return [];
  return volume.mounts.filter((mount) => !mount.readOnly);
}

/** Read-only mounts that leave the node's mounts below them writable, and what writing there hands over. */
export interface WritableBelow {
  readonly mounts: readonly VolumeMountView[];
  /** The node's mount points (or the directories holding them) in reach, for messages. */
  readonly paths: readonly string[];
  /** The worst of those paths, as if each were mounted writable. */
  readonly hostPath: Pick<HostPathClass, 'writeSeverity' | 'credentials' | 'staticPods' | 'containerLogs'>;
}

/**
 * A read-only bind mount is not recursive before `recursiveReadOnly: Enabled`: the kernel makes only the mounted
 * directory read-only, not the file systems mounted below it. Mounting `/` read-only still hands over a writable
 * `/proc`, `/sys`, `/run` and every pod's volumes. Undefined where some mount is fully writable (it says more).
 */
export function writableBelow(volume: HostPathVolume): WritableBelow | undefined {
  if (writableMounts(volume).length > 0 || volume.hostPath.runtimeSocket === 'socket') return undefined;
  const mounts = volume.mounts.filter((mount) => !mount.recursiveReadOnly);
  const { path } = volume.hostPath;
  const paths = [
    ...MOUNT_POINTS.filter((point) => point !== path && within(point, path)),
    // A mount at or inside these directories may itself hold mounts: the exact layout is the node's.
    ...MOUNT_PARENTS.flatMap((parent) => (within(parent, path) ? [parent] : within(path, parent) ? [path] : [])),
  ];
  if (mounts.length === 0 || paths.length === 0) return undefined;
  const classes = paths.map(classifyHostPath);
  return {
    mounts,
    paths,
    hostPath: {
      writeSeverity: classes.reduce<WriteSeverity>(
        (worst, { writeSeverity }) => (severityRank(writeSeverity) < severityRank(worst) ? writeSeverity : worst),
        'medium',
      ),
      credentials: [...new Set(classes.flatMap((c) => c.credentials))],
      staticPods: classes.some((c) => c.staticPods),
      containerLogs: classes.some((c) => c.containerLogs),
    },
  };
}

/** For a mount `writableBelow` reports: `the node's mounts below it (/proc, /sys, …) stay writable`. */
export function describeWritableBelow(below: WritableBelow): string {
  return `is read-only but not recursively: the node's mounts below it (${listSome(below.paths, 4)}) stay writable`;
}

export const RECURSIVE_READ_ONLY =
  'Add `recursiveReadOnly: Enabled` next to `readOnly: true` on the mount (Kubernetes 1.30+, on by default since 1.33, with a runtime that supports it), or mount a narrower path that holds no other mounts.';

/** `hostPath '//etc/' (/etc, volume 'etc') in container 'agent' at /host/etc`, naming every mount given. */
export function describeMounts(volume: HostPathVolume, mounts: readonly VolumeMountView[]): string {
  const resolved = volume.declared === volume.hostPath.path ? '' : `${volume.hostPath.path}, `;
  const where = mounts.map((mount) => `container '${mount.container.spec.name}' at ${mount.mountPath}`).join(', ');
  return `hostPath '${volume.declared}' (${resolved}volume '${volume.name}') in ${where}`;
}
