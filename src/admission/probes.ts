import { ESCAPE_CAPABILITY_NAMES } from '../k8s/node-exposure.js';
import type { MitigationId } from '../matrix/types.js';
import type { RequestOptions } from './index.js';

/**
 * Probe objects: for each admission control, pods (and the workloads that create pods) that violate it and nothing
 * else, in each of the ways policies are evaded: the violation in a second container, an init container or an
 * ephemeral container added to a running pod; a pod with labels and one without; each pod-template workload kind.
 * Every probe has a reference: the same object without the violation, which a restricted-level namespace admits.
 * A control is enforced only where each of its probes is rejected for its violation (see simulate.ts).
 */

export const CONTROLS = [
  'privileged',
  'host-path',
  'host-path-writable',
  'runtime-socket',
  'node-root',
  'host-namespaces',
  'host-ports',
  'capabilities',
  'privilege-escalation',
  'run-as-root',
  'seccomp',
  'apparmor',
  'proc-mount',
  'sysctls',
  'read-only-root-filesystem',
  'image-registries',
  'image-signatures',
] as const;
export type Control = (typeof CONTROLS)[number];

/** How a control is named in messages. */
export const CONTROL_NAMES: Readonly<Record<Control, string>> = {
  privileged: 'privileged containers',
  'host-path': 'hostPath volumes',
  'host-path-writable': 'writable hostPath volumes',
  'runtime-socket': 'container runtime sockets',
  'node-root': "the node's root file system",
  'host-namespaces': 'host namespaces',
  'host-ports': 'host ports',
  capabilities: 'escape capabilities',
  'privilege-escalation': 'privilege escalation',
  'run-as-root': 'running as root',
  seccomp: 'seccomp Unconfined',
  apparmor: 'AppArmor unconfined',
  'proc-mount': 'an unmasked /proc',
  sysctls: 'unsafe sysctls',
  'read-only-root-filesystem': 'a writable root file system',
  'image-registries': 'images from unapproved registries',
  'image-signatures': 'unsigned images',
};

/** The mitigation a control implements, when enforced. */
export const CONTROL_MITIGATIONS: Readonly<Record<Control, MitigationId>> = {
  privileged: 'MS-M9013',
  'host-path': 'MS-M9013',
  'host-path-writable': 'MS-M9013',
  'runtime-socket': 'MS-M9013',
  'node-root': 'MS-M9013',
  'host-namespaces': 'MS-M9013',
  'host-ports': 'MS-M9013',
  capabilities: 'MS-M9013',
  'privilege-escalation': 'MS-M9013',
  'run-as-root': 'MS-M9013',
  'proc-mount': 'MS-M9013',
  sysctls: 'MS-M9013',
  'read-only-root-filesystem': 'MS-M9013',
  seccomp: 'MS-M9011',
  apparmor: 'MS-M9011',
  'image-registries': 'MS-M9005.003',
  'image-signatures': 'MS-M9005.003',
};

export const WORKLOAD_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Where in the pod the violation sits: a container of it, or the pod's own settings. */
export type Placement = 'container' | 'second-container' | 'init-container' | 'ephemeral-container' | 'pod';
const CONTAINER_PLACEMENTS: readonly Placement[] = [
  'container',
  'second-container',
  'init-container',
  'ephemeral-container',
];

type Json = Record<string, unknown>;

interface Violation {
  readonly control: Control;
  /** What the probe does: `a privileged container`. */
  readonly text: string;
  /** Where it can go: a container setting goes in each container placement, a pod setting in the pod. */
  readonly placements: readonly Placement[];
  /** Changes the compliant pod spec; `container` is the one at the placement (absent for a pod setting). */
  apply(spec: Json, container: Json | undefined): void;
}

const security = (container: Json | undefined): Json => {
  if (!container) throw new Error('a container setting needs a container');
  container.securityContext ??= {};
  return container.securityContext as Json;
};
const podSecurity = (spec: Json): Json => spec.securityContext as Json;

/** A hostPath volume mounted by the container at the placement (ephemeral containers cannot add volumes). */
function hostPath(control: Control, path: string, readOnly: boolean, text: string): Violation {
  return {
    control,
    text,
    placements: ['container', 'second-container', 'init-container'],
    apply(spec, container) {
      spec.volumes = [{ name: 'host', hostPath: { path } }];
      if (container) container.volumeMounts = [{ name: 'host', mountPath: '/host', readOnly }];
    },
  };
}

const containerSetting = (control: Control, text: string, apply: (context: Json) => void): Violation => ({
  control,
  text,
  placements: CONTAINER_PLACEMENTS,
  apply: (_spec, container) => apply(security(container)),
});

const podSetting = (control: Control, text: string, apply: (spec: Json) => void): Violation => ({
  control,
  text,
  placements: ['pod'],
  apply: (spec) => apply(spec),
});

/** The image an unapproved registry serves; the reference runs an image the input's own workloads run. */
const FOREIGN_IMAGE = 'attacker.invalid/tools:1.0';

const VIOLATIONS: readonly Violation[] = [
  containerSetting('privileged', 'a privileged container', (context) => {
    context.privileged = true;
    context.allowPrivilegeEscalation = true;
  }),
  hostPath('host-path', '/var/log', true, 'a read-only hostPath volume (/var/log)'),
  hostPath('host-path-writable', '/var/log', false, 'a writable hostPath volume (/var/log)'),
  hostPath('runtime-socket', '/var/run/docker.sock', false, 'the docker socket mounted from the host'),
  hostPath('runtime-socket', '/run/containerd/containerd.sock', false, 'the containerd socket mounted from the host'),
  hostPath('runtime-socket', '/var/run/crio/crio.sock', false, 'the CRI-O socket mounted from the host'),
  hostPath('node-root', '/', true, "the node's root directory mounted"),
  podSetting('host-namespaces', 'hostNetwork', (spec) => {
    spec.hostNetwork = true;
  }),
  podSetting('host-namespaces', 'hostPID', (spec) => {
    spec.hostPID = true;
  }),
  podSetting('host-namespaces', 'hostIPC', (spec) => {
    spec.hostIPC = true;
  }),
  {
    control: 'host-ports',
    text: 'a host port',
    placements: ['container', 'second-container', 'init-container'],
    apply(_spec, container) {
      if (container) container.ports = [{ containerPort: 8080, hostPort: 8080 }];
    },
  },
  ...ESCAPE_CAPABILITY_NAMES.map((name) =>
    containerSetting('capabilities', `capability ${name} added`, (context) => {
      context.capabilities = { drop: ['ALL'], add: [name] };
    }),
  ),
  containerSetting('privilege-escalation', 'allowPrivilegeEscalation: true', (context) => {
    context.allowPrivilegeEscalation = true;
  }),
  containerSetting('run-as-root', 'a container running as root (runAsUser: 0)', (context) => {
    context.runAsNonRoot = false;
    context.runAsUser = 0;
  }),
  podSetting('run-as-root', 'a pod running as root (runAsUser: 0)', (spec) => {
    const context = podSecurity(spec);
    delete context.runAsNonRoot;
    context.runAsUser = 0;
  }),
  containerSetting('seccomp', 'a container with seccomp Unconfined', (context) => {
    context.seccompProfile = { type: 'Unconfined' };
  }),
  podSetting('seccomp', 'a pod with seccomp Unconfined', (spec) => {
    podSecurity(spec).seccompProfile = { type: 'Unconfined' };
  }),
  containerSetting('apparmor', 'a container with AppArmor Unconfined', (context) => {
    context.appArmorProfile = { type: 'Unconfined' };
  }),
  containerSetting('proc-mount', 'procMount: Unmasked', (context) => {
    context.procMount = 'Unmasked';
  }),
  podSetting('sysctls', 'the unsafe sysctl kernel.msgmax', (spec) => {
    podSecurity(spec).sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
  }),
  containerSetting('read-only-root-filesystem', 'a writable root file system', (context) => {
    context.readOnlyRootFilesystem = false;
  }),
  {
    control: 'image-registries',
    text: `an image from an unapproved registry (${FOREIGN_IMAGE})`,
    placements: CONTAINER_PLACEMENTS,
    apply(_spec, container) {
      if (container) container.image = FOREIGN_IMAGE;
    },
  },
  {
    control: 'image-signatures',
    text: 'an image no one signed',
    placements: CONTAINER_PLACEMENTS,
    apply(_spec, container) {
      if (container) container.image = `${String(container.image).replace(/[:@].*$/, '')}:unsigned-probe`;
    },
  },
];

export interface Probe {
  /** Stable and unique: `privileged/second-container/unlabelled/Pod#0`. */
  readonly id: string;
  readonly control: Control;
  readonly violation: string;
  readonly placement: Placement;
  readonly labelled: boolean;
  readonly kind: WorkloadKind;
  /** How it reads in findings: `a privileged container as the second container of an unlabelled Pod`. */
  readonly description: string;
  /** Probes of one shape share their reference: see {@link referenceKey}. */
  readonly reference: string;
  readonly index: number;
}

const PLACEMENT_TEXT: Readonly<Record<Placement, string>> = {
  container: 'in the only container',
  'second-container': 'in a second container',
  'init-container': 'in an init container',
  'ephemeral-container': 'in an ephemeral container added to a running pod',
  pod: 'in the pod',
};

const article = (kind: WorkloadKind) => (/^[AEIOU]/.test(kind) ? 'an' : 'a');
const referenceKey = (placement: Placement, labelled: boolean, kind: WorkloadKind) =>
  `${placement === 'pod' ? 'container' : placement}/${labelled}/${kind}`;

function probe(violation: Violation, index: number, placement: Placement, labelled: boolean, kind: WorkloadKind) {
  const pod = kind === 'Pod' ? `${labelled ? 'a labelled' : 'an unlabelled'} Pod` : `${article(kind)} ${kind}`;
  return {
    id: `${violation.control}/${placement}/${labelled ? 'labelled' : 'unlabelled'}/${kind}#${index}`,
    control: violation.control,
    violation: violation.text,
    placement,
    labelled,
    kind,
    description: `${violation.text} ${PLACEMENT_TEXT[placement]} of ${pod}`,
    reference: referenceKey(placement, labelled, kind),
    index,
  };
}

/**
 * The probes: the first violation of each control in every placement, with and without labels, and in its first
 * placement under every workload kind; each further violation of a control (another socket, another capability) in
 * its first placement.
 */
export const PROBES: readonly Probe[] = (() => {
  const probes: Probe[] = [];
  const seen = new Set<Control>();
  VIOLATIONS.forEach((violation, index) => {
    const [first = 'pod'] = violation.placements;
    if (seen.has(violation.control)) {
      probes.push(probe(violation, index, first, true, 'Pod'));
      return;
    }
    seen.add(violation.control);
    for (const placement of violation.placements) {
      for (const labelled of [true, false]) probes.push(probe(violation, index, placement, labelled, 'Pod'));
    }
    for (const kind of WORKLOAD_KINDS.slice(1)) probes.push(probe(violation, index, first, true, kind));
  });
  return probes;
})();

export interface ProbeObject {
  readonly object: Json;
  readonly options: RequestOptions;
}

const LABELS = { app: 'kubematrix-probe' };

function compliantContainer(name: string, image: string): Json {
  return {
    name,
    image,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
  };
}

/** A pod spec that the restricted Pod Security Standard admits, with the containers a placement needs. */
function compliantSpec(placement: Placement, image: string): Json {
  const spec: Json = {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [compliantContainer('app', image)],
  };
  if (placement === 'second-container') (spec.containers as Json[]).push(compliantContainer('sidecar', image));
  if (placement === 'init-container') spec.initContainers = [compliantContainer('init', image)];
  return spec;
}

function placed(spec: Json, placement: Placement): Json | undefined {
  switch (placement) {
    case 'container':
      return (spec.containers as Json[])[0];
    case 'second-container':
      return (spec.containers as Json[])[1];
    case 'init-container':
      return (spec.initContainers as Json[])[0];
    default:
      return undefined;
  }
}

function wrap(kind: WorkloadKind, labels: Json | undefined, spec: Json): Json {
  const metadata = { name: 'kubematrix-probe', ...(labels ? { labels } : {}) };
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata, spec };
  const template = { metadata: { labels }, spec };
  switch (kind) {
    case 'ReplicationController':
      return { apiVersion: 'v1', kind, metadata, spec: { replicas: 1, selector: labels, template } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template: withRestart(template) } };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata,
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: withRestart(template) } } },
      };
    default:
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: {
          ...(kind === 'DaemonSet' ? {} : { replicas: 1 }),
          ...(kind === 'StatefulSet' ? { serviceName: 'kubematrix-probe' } : {}),
          selector: { matchLabels: labels },
          template,
        },
      };
  }
}

function withRestart(template: Json): Json {
  return { ...template, spec: { ...(template.spec as Json), restartPolicy: 'Never' } };
}

/**
 * The probe's object and request, or (`violating` false) its reference: the same shape without the violation.
 * `image` is the image compliant containers run: one the input's workloads run, so that a registry policy
 * admits the reference.
 */
export function probeObject(probe: Probe, image: string, violating = true): ProbeObject {
  const violation = VIOLATIONS[probe.index] as Violation;
  const labels = probe.labelled || probe.kind !== 'Pod' ? LABELS : undefined;
  if (probe.placement === 'ephemeral-container') {
    // `kubectl debug`: an UPDATE of the running pod's ephemeralcontainers subresource.
    const running = wrap('Pod', labels, compliantSpec('container', image));
    const debugger_ = compliantContainer('debugger', image);
    delete debugger_.resources;
    if (violating) violation.apply(running.spec as Json, debugger_);
    const object = { ...running, spec: { ...(running.spec as Json), ephemeralContainers: [debugger_] } };
    return { object, options: { operation: 'UPDATE', subResource: 'ephemeralcontainers', oldObject: running } };
  }
  const spec = compliantSpec(probe.placement, image);
  if (violating) violation.apply(spec, placed(spec, probe.placement));
  return { object: wrap(probe.kind, labels, spec), options: {} };
}
