import type { FieldPath } from '../inputs/path.js';
import type { ContainerView, PodSpecView } from '../inventory/index.js';
import { capabilities, type VolumeMountView } from '../inventory/pods.js';
import type { Severity } from '../model/report.js';
import { type HostPathVolume, mountedHostPaths, writableBelow, writableMounts } from './host-paths.js';
import { OUT_OF_REACH_SEVERITY, privileged, unprivilegedMounts } from './identity.js';

/** Capabilities that let a container break out to the node, and how. */
const ESCAPE_CAPABILITIES: Readonly<Record<string, { severity: Severity; grants: string }>> = {
  ALL: { severity: 'critical', grants: 'what every capability allows, SYS_ADMIN and SYS_MODULE included' },
  SYS_ADMIN: { severity: 'critical', grants: 'mounting file systems and cgroup release_agent escapes' },
  SYS_MODULE: { severity: 'critical', grants: 'loading kernel modules' },
  SYS_RAWIO: { severity: 'high', grants: 'raw access to devices and kernel memory' },
  DAC_READ_SEARCH: { severity: 'high', grants: 'reading any host file by handle (open_by_handle_at)' },
  BPF: { severity: 'high', grants: 'loading eBPF programs into the kernel' },
};

/** The capabilities {@link escapeCapabilities} reports whatever else the pod sets. */
export const ESCAPE_CAPABILITY_NAMES: readonly string[] = Object.keys(ESCAPE_CAPABILITIES);

export interface EscapeCapability {
  readonly name: string;
  /** The `capabilities.add` entry. */
  readonly path: FieldPath;
  readonly severity: Severity;
  readonly grants: string;
}

/** Added capabilities that reach the node. Empty for privileged containers, which hold them all anyway. */
export function escapeCapabilities(pod: PodSpecView, container: ContainerView): EscapeCapability[] {
  if (privileged(container)) return [];
  const found: EscapeCapability[] = [];
  for (const [name, path] of capabilities(container, 'add')) {
    const known = ESCAPE_CAPABILITIES[name];
    if (known) found.push({ name, path, ...known });
    // Only in the host's PID namespace are there host processes to attach to.
    else if (name === 'SYS_PTRACE' && pod.spec.hostPID === true) {
      found.push({ name, path, severity: 'critical', grants: 'injecting code into host processes (with hostPID)' });
    }
  }
  return found;
}

/**
 * The capabilities containerd and Docker give every container (and the baseline Pod Security Standard lets one add),
 * NET_RAW included: adding one of these changes nothing.
 */
const RUNTIME_DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/**
 * Added capabilities beyond the runtime's default set that escape-capabilities does not report (NET_ADMIN, SYS_TIME,
 * SYS_PTRACE without hostPID, …), each with the path of its list entry. Empty for privileged containers.
 */
export function extraCapabilities(pod: PodSpecView, container: ContainerView): { name: string; path: FieldPath }[] {
  if (privileged(container)) return [];
  const escapes = new Set(escapeCapabilities(pod, container).map((capability) => capability.name));
  return [...capabilities(container, 'add')]
    .filter(([name]) => !RUNTIME_DEFAULT_CAPABILITIES.has(name) && !escapes.has(name))
    .map(([name, path]) => ({ name, path }));
}

export interface NodeLevelExposure {
  /** What kind of setting grants it: audit detections split these between techniques. */
  readonly setting: 'privileged' | 'capability' | 'runtime-socket' | 'host-path' | 'host-namespace';
  /** The field that grants it. */
  readonly path: FieldPath;
  /** Short and concrete, for messages: `privileged container 'agent'`. */
  readonly what: string;
  /** How much of the node it hands over. */
  readonly severity: Severity;
  /**
   * Set where the containers using it provably run as an unprivileged user (`as UID 65534 without DAC capabilities`):
   * the root-owned socket and files are out of its reach, and the exposure is `low`.
   */
  readonly outOfReach?: string;
}

/** Whether some exposure hands over the node: one not merely out of an unprivileged user's reach. */
export function reachesNode(exposures: readonly NodeLevelExposure[]): boolean {
  return exposures.some((exposure) => !exposure.outOfReach);
}

/**
 * Everything in a pod template that reaches the node itself: privilege, escape capabilities, writable hostPaths,
 * runtime sockets and host namespaces. Built from the predicates of the node checks, so it agrees with them.
 */
export function nodeLevelExposures(pod: PodSpecView): NodeLevelExposure[] {
  const found: NodeLevelExposure[] = [];
  for (const container of pod.containers) {
    const privilege = privileged(container);
    if (privilege) {
      found.push({
        setting: 'privileged',
        path: privilege.path,
        what: `privileged container '${container.spec.name}'`,
        severity: 'critical',
      });
    }
    for (const capability of escapeCapabilities(pod, container)) {
      found.push({
        setting: 'capability',
        path: capability.path,
        what: `capability ${capability.name} in container '${container.spec.name}'`,
        severity: capability.severity,
      });
    }
  }
  for (const volume of mountedHostPaths(pod)) found.push(...hostPathExposures(pod, volume));
  // The node's processes, and its network stack with what listens only there (the kubelet, the metadata endpoint).
  if (pod.spec.hostNetwork === true) {
    found.push({
      setting: 'host-namespace',
      path: [...pod.path, 'hostNetwork'],
      what: 'hostNetwork',
      severity: 'medium',
    });
  }
  if (pod.spec.hostPID === true) {
    found.push({ setting: 'host-namespace', path: [...pod.path, 'hostPID'], what: 'hostPID', severity: 'high' });
  }
  return found;
}

/** A runtime socket and writable node files, as the volume's containers reach them. */
function hostPathExposures(pod: PodSpecView, volume: HostPathVolume): NodeLevelExposure[] {
  const found: NodeLevelExposure[] = [];
  const reach = (mounts: readonly VolumeMountView[], exposure: Omit<NodeLevelExposure, 'outOfReach'>) => {
    const user = unprivilegedMounts(pod, mounts);
    found.push(
      user
        ? {
            ...exposure,
            what: `${exposure.what} (out of reach ${user})`,
            severity: OUT_OF_REACH_SEVERITY,
            outOfReach: user,
          }
        : exposure,
    );
  };
  if (volume.hostPath.runtimeSocket) {
    reach(volume.mounts, {
      setting: 'runtime-socket',
      path: volume.path,
      what: `container runtime socket in hostPath '${volume.declared}'`,
      severity: 'critical',
    });
  }
  const writable = writableMounts(volume);
  if (writable.length > 0) {
    reach(writable, {
      setting: 'host-path',
      path: volume.path,
      what: `writable hostPath '${volume.declared}'`,
      severity: volume.hostPath.writeSeverity,
    });
    return found;
  }
  const below = writableBelow(volume);
  if (below) {
    reach(below.mounts, {
      setting: 'host-path',
      path: volume.path,
      what: `hostPath '${volume.declared}', writable below (not recursively read-only)`,
      severity: below.hostPath.writeSeverity,
    });
  }
  return found;
}
