import type { FieldPath } from '../../inputs/path.js';
import { asRecord, type PodSpecView } from '../../inventory/index.js';
import type { PsaLevel } from '../../k8s/pod-security.js';

/**
 * The Pod Security Standards as upstream's `k8s.io/pod-security-admission` policy package checks them: each check
 * with the version it began at and the versions that changed it, on the pod as the API server receives it (a Pod,
 * or a controller's pod template). Only what the API server would accept is read: a field of the wrong type is
 * treated as unset, as the API server would have refused the object before admission.
 */

/** The newest minor version whose checks this table knows; `latest` and any newer version mean it. */
export const PSS_LATEST_MINOR = 35;

export type PssCheckId =
  | 'hostProcess'
  | 'hostNamespaces'
  | 'privileged'
  | 'capabilities_baseline'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'appArmorProfile'
  | 'seLinuxOptions'
  | 'procMount'
  | 'seccompProfile_baseline'
  | 'sysctls'
  | 'hostProbesAndhostLifecycle'
  | 'restrictedVolumes'
  | 'allowPrivilegeEscalation'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seccompProfile_restricted'
  | 'capabilities_restricted';

/** The standard's control a check implements, as the published standard (and Kyverno's `controlName`) names it. */
export const PSS_CONTROL_NAMES: Readonly<Record<PssCheckId, string>> = {
  hostProcess: 'HostProcess',
  hostNamespaces: 'Host Namespaces',
  privileged: 'Privileged Containers',
  capabilities_baseline: 'Capabilities',
  hostPathVolumes: 'HostPath Volumes',
  hostPorts: 'Host Ports',
  appArmorProfile: 'AppArmor',
  seLinuxOptions: 'SELinux',
  procMount: '/proc Mount Type',
  seccompProfile_baseline: 'Seccomp',
  sysctls: 'Sysctls',
  hostProbesAndhostLifecycle: 'Host Probes / Lifecycle Hooks',
  restrictedVolumes: 'Volume Types',
  allowPrivilegeEscalation: 'Privilege Escalation',
  runAsNonRoot: 'Running as Non-root',
  runAsUser: 'Running as Non-root user',
  seccompProfile_restricted: 'Seccomp',
  capabilities_restricted: 'Capabilities',
};

export interface PssViolation {
  readonly check: PssCheckId;
  /** The level whose check it is. */
  readonly level: Exclude<PsaLevel, 'privileged'>;
  /** Upstream's forbidden reason: `privileged`, `allowPrivilegeEscalation != false`. */
  readonly reason: string;
  /** What exactly: `container "app" must not set securityContext.privileged=true`. */
  readonly detail: string;
  /** The field to change, absolute in the object (`spec.containers[1].securityContext.privileged`). */
  readonly path: FieldPath;
  /** The container whose field it is; absent for a pod-level field. */
  readonly container?: { readonly name: string; readonly image: string };
}

/** A pod as admission sees it: its metadata and spec, and where they are in the object that declares them. */
export interface PssPod {
  readonly metadata: unknown;
  readonly spec: unknown;
  /** Default `['metadata']` and `['spec']`: a Pod. A Deployment's are `spec.template.metadata`/`spec.template.spec`. */
  readonly metadataPath?: FieldPath;
  readonly specPath?: FieldPath;
}

/** `latest`, or a minor version of v1 (`v1.25` → 25); a newer minor than the table knows reads as latest. */
export type PssVersion = 'latest' | number;

const CONTAINER_GROUPS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

interface ContainerAt {
  readonly name: string;
  readonly image: string;
  readonly security: Readonly<Record<string, unknown>>;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly path: FieldPath;
}

/** One evaluation's view of the pod: parsed once, read by every check. */
interface PodFacts {
  readonly spec: Readonly<Record<string, unknown>>;
  readonly podSecurity: Readonly<Record<string, unknown>>;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly containers: readonly ContainerAt[];
  readonly specPath: FieldPath;
  readonly metadataPath: FieldPath;
  readonly windows: boolean;
  readonly minor: number;
}

type Found = Omit<PssViolation, 'check' | 'level'>;

interface PssCheck {
  readonly id: PssCheckId;
  readonly level: 'baseline' | 'restricted';
  /** The first version with this check. */
  readonly since: number;
  /** Restricted checks that replace a baseline one from their first version on. */
  readonly overrides?: PssCheckId;
  run(pod: PodFacts): Found[];
}

const quoted = (names: readonly string[]) => names.map((name) => JSON.stringify(name)).join(', ');
const containerNoun = (names: readonly string[]) =>
  `${names.length === 1 ? 'container' : 'containers'} ${quoted(names)}`;
const containerRef = (container: ContainerAt) => ({ name: container.name, image: container.image });

/** A check of one container field against a test; one violation per container that fails it. */
function perContainer(
  reason: string,
  field: FieldPath,
  fails: (value: unknown, container: ContainerAt) => boolean,
  detail: (container: ContainerAt, value: unknown) => string,
): (pod: PodFacts) => Found[] {
  return (pod) =>
    pod.containers.flatMap((container) => {
      const value = valueAt(container.raw, field);
      if (!fails(value, container)) return [];
      return [
        {
          reason,
          detail: detail(container, value),
          path: [...container.path, ...field],
          container: containerRef(container),
        },
      ];
    });
}

function valueAt(object: unknown, path: FieldPath): unknown {
  let value: unknown = object;
  for (const key of path) value = asRecord(value)[key];
  return value;
}

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Sysctls the baseline allows, each with the version that allowed it. */
const SAFE_SYSCTLS: readonly [string, number][] = [
  ['kernel.shm_rmid_forced', 0],
  ['net.ipv4.ip_local_port_range', 0],
  ['net.ipv4.ip_unprivileged_port_start', 0],
  ['net.ipv4.tcp_syncookies', 0],
  ['net.ipv4.ping_group_range', 0],
  ['net.ipv4.ip_local_reserved_ports', 27],
  ['net.ipv4.tcp_keepalive_time', 29],
  ['net.ipv4.tcp_fin_timeout', 29],
  ['net.ipv4.tcp_keepalive_intvl', 29],
  ['net.ipv4.tcp_keepalive_probes', 29],
  ['net.ipv4.tcp_rmem', 32],
  ['net.ipv4.tcp_wmem', 32],
];

const SELINUX_TYPES: readonly [string, number][] = [
  ['container_t', 0],
  ['container_init_t', 0],
  ['container_kvm_t', 0],
  ['container_engine_t', 31],
];

const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The pod-level field and each container's, where the container's own setting wins. */
function podAndContainerField(
  pod: PodFacts,
  field: FieldPath,
): { pod: unknown; containers: { container: ContainerAt; value: unknown }[] } {
  return {
    pod: valueAt(pod.podSecurity, field),
    containers: pod.containers.map((container) => ({ container, value: valueAt(container.security, field) })),
  };
}

const CHECKS: readonly PssCheck[] = [
  {
    id: 'hostProcess',
    level: 'baseline',
    since: 0,
    run(pod) {
      const field = ['windowsOptions', 'hostProcess'];
      const found: Found[] = [];
      if (valueAt(pod.podSecurity, field) === true) {
        found.push({
          reason: 'hostProcess',
          detail: 'pod must not set securityContext.windowsOptions.hostProcess=true',
          path: [...pod.specPath, 'securityContext', ...field],
        });
      }
      for (const container of pod.containers) {
        if (valueAt(container.security, field) !== true) continue;
        found.push({
          reason: 'hostProcess',
          detail: `container ${JSON.stringify(container.name)} must not set securityContext.windowsOptions.hostProcess=true`,
          path: [...container.path, 'securityContext', ...field],
          container: containerRef(container),
        });
      }
      return found;
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    since: 0,
    run: (pod) =>
      (['hostNetwork', 'hostPID', 'hostIPC'] as const).flatMap((field) =>
        pod.spec[field] === true
          ? [{ reason: 'host namespaces', detail: `${field}=true`, path: [...pod.specPath, field] }]
          : [],
      ),
  },
  {
    id: 'privileged',
    level: 'baseline',
    since: 0,
    run: perContainer(
      'privileged',
      ['securityContext', 'privileged'],
      (value) => value === true,
      (container) => `${containerNoun([container.name])} must not set securityContext.privileged=true`,
    ),
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    since: 0,
    run: (pod) => addedCapabilities(pod, 'non-default capabilities', (name) => BASELINE_CAPABILITIES.has(name)),
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    since: 0,
    run: (pod) =>
      volumes(pod).flatMap(({ volume, path }) =>
        isObject(volume.hostPath)
          ? [
              {
                reason: 'hostPath volumes',
                detail: `volume ${JSON.stringify(String(volume.name))}`,
                path: [...path, 'hostPath'],
              },
            ]
          : [],
      ),
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    since: 0,
    run: (pod) =>
      pod.containers.flatMap((container) => {
        const ports = Array.isArray(container.raw.ports) ? container.raw.ports : [];
        return ports.flatMap((port, index) => {
          const hostPort = asRecord(port).hostPort;
          if (typeof hostPort !== 'number' || hostPort === 0) return [];
          return [
            {
              reason: 'hostPort',
              detail: `container ${JSON.stringify(container.name)} uses hostPort ${hostPort}`,
              path: [...container.path, 'ports', index, 'hostPort'],
              container: containerRef(container),
            },
          ];
        });
      }),
  },
  {
    id: 'appArmorProfile',
    level: 'baseline',
    since: 0,
    run(pod) {
      const found: Found[] = [];
      for (const [key, value] of Object.entries(pod.annotations)) {
        if (!key.startsWith(APPARMOR_ANNOTATION) || typeof value !== 'string') continue;
        if (value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
        const container = pod.containers.find((c) => c.name === key.slice(APPARMOR_ANNOTATION.length));
        found.push({
          reason: 'forbidden AppArmor profile',
          detail: `${key}=${JSON.stringify(value)}`,
          path: [...pod.metadataPath, 'annotations', key],
          ...(container ? { container: containerRef(container) } : {}),
        });
      }
      // From v1.30 the appArmorProfile fields replace the annotations, and are checked alongside them.
      if (pod.minor < 30) return found;
      const allowed = (type: unknown) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
      const fields = podAndContainerField(pod, ['appArmorProfile', 'type']);
      if (!allowed(fields.pod)) {
        found.push({
          reason: 'forbidden AppArmor profile',
          detail: `pod must not set securityContext.appArmorProfile.type to ${JSON.stringify(fields.pod)}`,
          path: [...pod.specPath, 'securityContext', 'appArmorProfile', 'type'],
        });
      }
      for (const { container, value } of fields.containers) {
        if (allowed(value)) continue;
        found.push({
          reason: 'forbidden AppArmor profile',
          detail: `container ${JSON.stringify(container.name)} must not set securityContext.appArmorProfile.type to ${JSON.stringify(value)}`,
          path: [...container.path, 'securityContext', 'appArmorProfile', 'type'],
          container: containerRef(container),
        });
      }
      return found;
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    since: 0,
    run(pod) {
      const types = new Set(SELINUX_TYPES.filter(([, since]) => pod.minor >= since).map(([type]) => type));
      const wrong = (options: unknown): string[] => {
        const { type, user, role } = asRecord(options);
        const problems: string[] = [];
        if (typeof type === 'string' && type !== '' && !types.has(type)) problems.push(`type ${JSON.stringify(type)}`);
        if (typeof user === 'string' && user !== '') problems.push(`user ${JSON.stringify(user)}`);
        if (typeof role === 'string' && role !== '') problems.push(`role ${JSON.stringify(role)}`);
        return problems;
      };
      const found: Found[] = [];
      const podProblems = wrong(pod.podSecurity.seLinuxOptions);
      if (podProblems.length) {
        found.push({
          reason: 'seLinuxOptions',
          detail: `pod set forbidden securityContext.seLinuxOptions: ${podProblems.join('; ')}`,
          path: [...pod.specPath, 'securityContext', 'seLinuxOptions'],
        });
      }
      for (const container of pod.containers) {
        const problems = wrong(container.security.seLinuxOptions);
        if (!problems.length) continue;
        found.push({
          reason: 'seLinuxOptions',
          detail: `container ${JSON.stringify(container.name)} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
          path: [...container.path, 'securityContext', 'seLinuxOptions'],
          container: containerRef(container),
        });
      }
      return found;
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    since: 0,
    run: perContainer(
      'procMount',
      ['securityContext', 'procMount'],
      (value) => typeof value === 'string' && value !== 'Default',
      (container, value) =>
        `container ${JSON.stringify(container.name)} must not set securityContext.procMount to ${JSON.stringify(value)}`,
    ),
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    since: 0,
    run(pod) {
      // Before v1.19 seccomp was set by annotations; from then on by the seccompProfile fields.
      if (pod.minor < 19) {
        return Object.entries(pod.annotations).flatMap(([key, value]) =>
          (key === SECCOMP_POD_ANNOTATION || key.startsWith(SECCOMP_CONTAINER_ANNOTATION)) && value === 'unconfined'
            ? [
                {
                  reason: 'seccompProfile',
                  detail: `${key}=${JSON.stringify(value)}`,
                  path: [...pod.metadataPath, 'annotations', key],
                },
              ]
            : [],
        );
      }
      const fields = podAndContainerField(pod, ['seccompProfile', 'type']);
      const found: Found[] = [];
      if (fields.pod === 'Unconfined') {
        found.push({
          reason: 'seccompProfile',
          detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
          path: [...pod.specPath, 'securityContext', 'seccompProfile', 'type'],
        });
      }
      for (const { container, value } of fields.containers) {
        if (value !== 'Unconfined') continue;
        found.push({
          reason: 'seccompProfile',
          detail: `container ${JSON.stringify(container.name)} must not set securityContext.seccompProfile.type to "Unconfined"`,
          path: [...container.path, 'securityContext', 'seccompProfile', 'type'],
          container: containerRef(container),
        });
      }
      return found;
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    since: 0,
    run(pod) {
      const allowed = new Set(SAFE_SYSCTLS.filter(([, since]) => pod.minor >= since).map(([name]) => name));
      const sysctls = Array.isArray(pod.podSecurity.sysctls) ? pod.podSecurity.sysctls : [];
      return sysctls.flatMap((sysctl, index) => {
        const { name } = asRecord(sysctl);
        if (typeof name !== 'string' || allowed.has(name)) return [];
        return [
          {
            reason: 'forbidden sysctls',
            detail: name,
            path: [...pod.specPath, 'securityContext', 'sysctls', index, 'name'],
          },
        ];
      });
    },
  },
  {
    id: 'hostProbesAndhostLifecycle',
    level: 'baseline',
    since: 34,
    run: (pod) =>
      pod.containers.flatMap((container) =>
        HANDLER_HOSTS.flatMap((field) => {
          const host = valueAt(container.raw, field);
          if (typeof host !== 'string' || host === '') return [];
          return [
            {
              reason: 'probe or lifecycle host',
              detail: `container ${JSON.stringify(container.name)} uses probe or lifecycle host ${JSON.stringify(host)}`,
              path: [...container.path, ...field],
              container: containerRef(container),
            },
          ];
        }),
      ),
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    since: 0,
    overrides: 'hostPathVolumes',
    run: (pod) =>
      volumes(pod).flatMap(({ volume, path }) =>
        Object.keys(volume)
          .filter((key) => key !== 'name' && !RESTRICTED_VOLUME_SOURCES.has(key) && volume[key] != null)
          .map((key) => ({
            reason: 'restricted volume types',
            detail: `volume ${JSON.stringify(String(volume.name))} uses restricted volume type ${JSON.stringify(key)}`,
            path: [...path, key],
          })),
      ),
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    since: 8,
    // From v1.25 Windows pods are exempt: the field has no meaning there.
    run: (pod) => (pod.windows && pod.minor >= 25 ? [] : privilegeEscalation(pod)),
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    since: 0,
    run(pod) {
      const fields = podAndContainerField(pod, ['runAsNonRoot']);
      const found: Found[] = [];
      if (fields.pod === false) {
        found.push({
          reason: 'runAsNonRoot != true',
          detail: 'pod must not set securityContext.runAsNonRoot=false',
          path: [...pod.specPath, 'securityContext', 'runAsNonRoot'],
        });
      }
      for (const { container, value } of fields.containers) {
        if (value === false) {
          found.push({
            reason: 'runAsNonRoot != true',
            detail: `container ${JSON.stringify(container.name)} must not set securityContext.runAsNonRoot=false`,
            path: [...container.path, 'securityContext', 'runAsNonRoot'],
            container: containerRef(container),
          });
        } else if (value !== true && fields.pod !== true) {
          found.push({
            reason: 'runAsNonRoot != true',
            detail: `pod or container ${JSON.stringify(container.name)} must set securityContext.runAsNonRoot=true`,
            path: [...container.path, 'securityContext', 'runAsNonRoot'],
            container: containerRef(container),
          });
        }
      }
      return found;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    since: 23,
    run(pod) {
      const fields = podAndContainerField(pod, ['runAsUser']);
      const found: Found[] = [];
      if (fields.pod === 0) {
        found.push({
          reason: 'runAsUser=0',
          detail: 'pod must not set runAsUser=0',
          path: [...pod.specPath, 'securityContext', 'runAsUser'],
        });
      }
      for (const { container, value } of fields.containers) {
        if (value !== 0) continue;
        found.push({
          reason: 'runAsUser=0',
          detail: `container ${JSON.stringify(container.name)} must not set runAsUser=0`,
          path: [...container.path, 'securityContext', 'runAsUser'],
          container: containerRef(container),
        });
      }
      return found;
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    since: 19,
    overrides: 'seccompProfile_baseline',
    run(pod) {
      if (pod.windows && pod.minor >= 25) return [];
      const allowed = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
      const fields = podAndContainerField(pod, ['seccompProfile', 'type']);
      const found: Found[] = [];
      const podSet = fields.pod !== undefined;
      if (podSet && !allowed(fields.pod)) {
        found.push({
          reason: 'seccompProfile',
          detail: `pod must not set securityContext.seccompProfile.type to ${JSON.stringify(fields.pod)}`,
          path: [...pod.specPath, 'securityContext', 'seccompProfile', 'type'],
        });
      }
      for (const { container, value } of fields.containers) {
        if (value === undefined ? podSet : allowed(value)) continue;
        found.push({
          reason: 'seccompProfile',
          detail:
            value === undefined
              ? `pod or container ${JSON.stringify(container.name)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`
              : `container ${JSON.stringify(container.name)} must not set securityContext.seccompProfile.type to ${JSON.stringify(value)}`,
          path: [...container.path, 'securityContext', 'seccompProfile', 'type'],
          container: containerRef(container),
        });
      }
      return found;
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    since: 22,
    overrides: 'capabilities_baseline',
    run(pod) {
      if (pod.windows && pod.minor >= 25) return [];
      const found: Found[] = [];
      for (const container of pod.containers) {
        const drop = valueAt(container.security, ['capabilities', 'drop']);
        if (!Array.isArray(drop) || !drop.includes('ALL')) {
          found.push({
            reason: 'unrestricted capabilities',
            detail: `container ${JSON.stringify(container.name)} must set securityContext.capabilities.drop=["ALL"]`,
            path: [...container.path, 'securityContext', 'capabilities', 'drop'],
            container: containerRef(container),
          });
        }
      }
      return [...found, ...addedCapabilities(pod, 'unrestricted capabilities', (name) => name === 'NET_BIND_SERVICE')];
    },
  },
];

const privilegeEscalation = perContainer(
  'allowPrivilegeEscalation != false',
  ['securityContext', 'allowPrivilegeEscalation'],
  (value) => value !== false,
  (container) => `container ${JSON.stringify(container.name)} must set securityContext.allowPrivilegeEscalation=false`,
);

/** The `host` fields of a container's probe and lifecycle handlers. */
const HANDLER_HOSTS: readonly FieldPath[] = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
].flatMap((handler) => [
  [...handler, 'httpGet', 'host'],
  [...handler, 'tcpSocket', 'host'],
]);

function addedCapabilities(pod: PodFacts, reason: string, allowed: (name: string) => boolean): Found[] {
  return pod.containers.flatMap((container) => {
    const added = valueAt(container.security, ['capabilities', 'add']);
    if (!Array.isArray(added)) return [];
    return added.flatMap((name, index) =>
      // Upstream compares the names as written: `CAP_SYS_ADMIN` or `sys_admin` is not on any allowed list.
      typeof name === 'string' && !allowed(name)
        ? [
            {
              reason,
              detail: `container ${JSON.stringify(container.name)} must not include ${JSON.stringify(name)} in securityContext.capabilities.add`,
              path: [...container.path, 'securityContext', 'capabilities', 'add', index],
              container: containerRef(container),
            },
          ]
        : [],
    );
  });
}

function volumes(pod: PodFacts): { volume: Record<string, unknown>; path: FieldPath }[] {
  const list = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
  return list.flatMap((volume, index) =>
    isObject(volume) ? [{ volume, path: [...pod.specPath, 'volumes', index] }] : [],
  );
}

export function pssMinor(version: PssVersion): number {
  return version === 'latest' ? PSS_LATEST_MINOR : Math.min(version, PSS_LATEST_MINOR);
}

const checksByLevel = new Map<string, readonly PssCheck[]>();

/** The checks a level runs at a version, restricted replacing the baseline checks it overrides. */
function checksFor(level: PsaLevel, minor: number): readonly PssCheck[] {
  const key = `${level}:${minor}`;
  let checks = checksByLevel.get(key);
  if (!checks) {
    checks = selectChecks(level, minor);
    checksByLevel.set(key, checks);
  }
  return checks;
}

function selectChecks(level: PsaLevel, minor: number): readonly PssCheck[] {
  if (level === 'privileged') return [];
  const active = CHECKS.filter(
    (check) => minor >= check.since && (level === 'restricted' || check.level === 'baseline'),
  );
  const overridden = new Set(active.flatMap((check) => (check.overrides ? [check.overrides] : [])));
  return active.filter((check) => !overridden.has(check.id));
}

function factsOf(pod: PssPod, minor: number): PodFacts {
  const spec = asRecord(pod.spec);
  const specPath = pod.specPath ?? ['spec'];
  const containers: ContainerAt[] = [];
  for (const group of CONTAINER_GROUPS) {
    const list = spec[group];
    if (!Array.isArray(list)) continue;
    list.forEach((raw, index) => {
      const container = asRecord(raw);
      containers.push({
        name: typeof container.name === 'string' ? container.name : '',
        image: typeof container.image === 'string' ? container.image : '',
        security: asRecord(container.securityContext),
        raw: container,
        path: [...specPath, group, index],
      });
    });
  }
  return {
    spec,
    podSecurity: asRecord(spec.securityContext),
    annotations: asRecord(asRecord(pod.metadata).annotations),
    containers,
    specPath,
    metadataPath: pod.metadataPath ?? ['metadata'],
    windows: asRecord(spec.os).name === 'windows',
    minor,
  };
}

/**
 * Every field of the pod that the level forbids at that version, one violation per field, in upstream's check
 * order. The privileged level forbids nothing.
 */
export function podSecurityViolations(pod: PssPod, level: PsaLevel, version: PssVersion = 'latest'): PssViolation[] {
  const minor = pssMinor(version);
  const checks = checksFor(level, minor);
  if (!checks.length) return [];
  const facts = factsOf(pod, minor);
  return checks.flatMap((check) =>
    check.run(facts).map((found) => ({ check: check.id, level: check.level, ...found })),
  );
}

/** The pod a workload in the inventory declares, as {@link podSecurityViolations} reads it: the object as written. */
export function podOfSpecView(view: PodSpecView): PssPod {
  const metadataPath = view.owner.ref.kind === 'Pod' ? ['metadata'] : [...view.path.slice(0, -1), 'metadata'];
  return {
    metadata: valueAt(view.owner.object, metadataPath),
    spec: valueAt(view.owner.object, view.path),
    metadataPath,
    specPath: view.path,
  };
}

/**
 * Upstream's message for a rejected pod: `violates PodSecurity "restricted:latest": privileged (container "a" must
 * not set securityContext.privileged=true), …`, one entry per forbidden reason.
 */
export function podSecurityMessage(
  violations: readonly PssViolation[],
  level: PsaLevel,
  version: PssVersion = 'latest',
): string {
  const byReason = new Map<string, string[]>();
  for (const { reason, detail } of violations) {
    const details = byReason.get(reason);
    if (details) details.push(detail);
    else byReason.set(reason, [detail]);
  }
  const reasons = [...byReason].map(([reason, details]) => `${reason} (${details.join('; ')})`);
  return `violates PodSecurity "${level}:${version === 'latest' ? 'latest' : `v1.${version}`}": ${reasons.join(', ')}`;
}
