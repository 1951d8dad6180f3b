import type { FieldPath } from '../inputs/path.js';
import { asRecord, type ContainerView, type Inventory, type PodSpecView, type Resource } from './index.js';

/** Namespaces where the cluster's own components run; workloads there are expected to hold node-level power. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** `CAP_SYS_ADMIN`, `sys_admin` and `SYS_ADMIN` are the same capability to the container runtime. */
export function normalizeCapability(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}

/** Capabilities a container adds or drops, normalized, each with the path of its list entry. */
export function capabilities(container: ContainerView, which: 'add' | 'drop'): Map<string, FieldPath> {
  const found = new Map<string, FieldPath>();
  const list = container.security('capabilities')?.value[which] ?? [];
  list.forEach((name, index) => {
    found.set(normalizeCapability(name), [...container.path, 'securityContext', 'capabilities', which, index]);
  });
  return found;
}

export interface TokenMount {
  /** Whether the kubelet mounts the service-account token into the pod's containers. */
  readonly mounted: boolean;
  /**
   * What decided it: the pod spec's field, the ServiceAccount's field, Kubernetes' default (mounted), or, with
   * automount off, a projected volume a container mounts that holds a token for the API server.
   */
  readonly decidedBy: 'pod' | 'serviceaccount' | 'default' | 'projected';
  /** The field that decided it, on `resource`; absent for the default. */
  readonly resource: Resource;
  readonly path: FieldPath;
  /** The ServiceAccount object when the input contains it. */
  readonly serviceAccount?: Resource;
}

/**
 * Resolves `automountServiceAccountToken` the way the API server does: the pod's field wins,
 * else the ServiceAccount's, else the token is mounted. With automount off, the pod may still ask for the
 * account's token in a projected volume: then it holds one all the same.
 */
export function tokenMount(pod: PodSpecView, inventory: Inventory): TokenMount {
  const decided = automount(pod, inventory);
  return decided.mounted ? decided : (projectedToken(pod, decided.serviceAccount) ?? decided);
}

function automount(pod: PodSpecView, inventory: Inventory): TokenMount {
  const serviceAccount = inventory.find('ServiceAccount', pod.owner.ref.namespace, pod.serviceAccountName, pod.owner);
  const own = pod.spec.automountServiceAccountToken;
  if (own !== undefined) {
    return {
      mounted: own,
      decidedBy: 'pod',
      resource: pod.owner,
      path: [...pod.path, 'automountServiceAccountToken'],
      serviceAccount,
    };
  }
  const fromAccount = serviceAccount?.object.automountServiceAccountToken;
  if (serviceAccount && typeof fromAccount === 'boolean') {
    return {
      mounted: fromAccount,
      decidedBy: 'serviceaccount',
      resource: serviceAccount,
      path: ['automountServiceAccountToken'],
      serviceAccount,
    };
  }
  return { mounted: true, decidedBy: 'default', resource: pod.owner, path: pod.path, serviceAccount };
}

/**
 * A `projected.sources[].serviceAccountToken` a container mounts, for the API server: no audience (the API
 * server's own) or one naming it. A token for another audience (Vault, a cloud's STS) is no API credential.
 */
function projectedToken(pod: PodSpecView, serviceAccount: Resource | undefined): TokenMount | undefined {
  for (const [index, volume] of (pod.spec.volumes ?? []).entries()) {
    const sources = asRecord(volume.projected).sources;
    if (!Array.isArray(sources) || !mountsOf(pod, volume.name).length) continue;
    const at = sources.findIndex((source) => {
      const token = asRecord(source).serviceAccountToken;
      if (token === undefined || token === null) return false;
      const { audience } = asRecord(token);
      return !audience || (typeof audience === 'string' && audience.includes('kubernetes.default.svc'));
    });
    if (at < 0) continue;
    return {
      mounted: true,
      decidedBy: 'projected',
      resource: pod.owner,
      path: [...pod.path, 'volumes', index, 'projected', 'sources', at, 'serviceAccountToken'],
      serviceAccount,
    };
  }
  return undefined;
}

export interface VolumeMountView {
  readonly container: ContainerView;
  readonly readOnly: boolean;
  /** `readOnly` with `recursiveReadOnly: Enabled`: mounts below the mounted path are read-only too. */
  readonly recursiveReadOnly: boolean;
  readonly mountPath: string;
  /** The part of the volume mounted, when not all of it. (`subPathExpr` depends on the environment: all of it.) */
  readonly subPath?: string;
  /** Path of the volumeMounts entry. */
  readonly path: FieldPath;
}

/** Every container mount of the named volume. */
export function mountsOf(pod: PodSpecView, volumeName: string): VolumeMountView[] {
  const mounts: VolumeMountView[] = [];
  for (const container of pod.containers) {
    container.spec.volumeMounts?.forEach((mount, index) => {
      if (mount.name !== volumeName) return;
      mounts.push({
        container,
        readOnly: mount.readOnly === true,
        // `IfPossible` falls back to a plain read-only mount on runtimes without support: not a guarantee.
        recursiveReadOnly: mount.readOnly === true && mount.recursiveReadOnly === 'Enabled',
        mountPath: mount.mountPath,
        ...(mount.subPath ? { subPath: mount.subPath } : {}),
        path: [...container.path, 'volumeMounts', index],
      });
    });
  }
  return mounts;
}

export interface CommandWord {
  readonly word: string;
  /** The `command` or `args` entry the word came from. */
  readonly path: FieldPath;
}

/**
 * The words of a container's command line, `command` then `args`. Entries are split on blanks, quotes and shell
 * operators so that `sh -c "sshd -D; sleep 1"` yields `sshd`: enough to spot a program or a flag, not a shell parser.
 */
export function commandWords(container: ContainerView): CommandWord[] {
  const words: CommandWord[] = [];
  for (const field of ['command', 'args'] as const) {
    container.spec[field]?.forEach((entry, index) => {
      for (const word of entry.split(/[\s;&|()'"`]+/)) {
        if (word) words.push({ word, path: [...container.path, field, index] });
      }
    });
  }
  return words;
}

/** The program a command word runs: `/usr/sbin/sshd` → `sshd`. */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}
