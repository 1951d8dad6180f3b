/** A node-exporter DaemonSet for the host-access checks' tables; excluded from the published build. */

/** The identity the node-exporter Helm chart gives its pod: nobody, with nobody's group. */
export const NOBODY = '{runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534}';
/** What the chart sets on its container: no capabilities, no privilege escalation. */
export const LOCKED_DOWN =
  '{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}';

export interface NodeAgent {
  /** The pod's securityContext (line 8). */
  readonly pod?: string;
  /** The container's securityContext (line 12). */
  readonly container?: string;
  /** The node path mounted (line 17), at /host/root. */
  readonly hostPath?: string;
  /** The mount's options (line 14). */
  readonly mount?: string;
  /** More pod spec fields (line 7), such as `hostNetwork: true`. */
  readonly spec?: string;
}

/**
 * The most deployed DaemonSet's shape: node-exporter mounting the node's `/` read-only, as nobody without
 * capabilities. The hostPath is on line 17, the mount on line 14.
 */
export function nodeAgent({
  pod = NOBODY,
  container = LOCKED_DOWN,
  hostPath = '/',
  mount = 'readOnly: true',
  spec = 'automountServiceAccountToken: false',
}: NodeAgent = {}): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  template:
    spec:
      ${spec}
      securityContext: ${pod}
      containers:
      - name: node-exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        securityContext: ${container}
        volumeMounts:
        - {name: root, mountPath: /host/root, ${mount}}
      volumes:
      - name: root
        hostPath: {path: ${hostPath}}
`;
}

/** The same container as root: the UID is no longer in doubt. */
export const AS_ROOT = '{runAsUser: 0, runAsGroup: 0}';
/** No UID in the spec: the image's USER decides, which may be root. */
export const IMAGE_DEFAULT = '{}';

export interface Identity {
  readonly name: string;
  readonly agent: NodeAgent;
  /** Provably reaches only what the node leaves world-readable or world-writable. */
  readonly unprivileged: boolean;
}

/**
 * The node agent as each identity a host-access check must tell apart: provably unprivileged ones, root, the
 * image's user, and decoys that name UID 65534 yet may reach root's files.
 */
export const IDENTITIES: readonly Identity[] = [
  { name: 'node-exporter as nobody without capabilities', agent: {}, unprivileged: true },
  {
    name: 'runAsNonRoot with the UID from the image and a group set, in the container',
    agent: {
      pod: '{fsGroup: 2000}',
      container: '{runAsNonRoot: true, runAsGroup: 2000, allowPrivilegeEscalation: false}',
    },
    unprivileged: true,
  },
  { name: 'the same pod as root', agent: { pod: AS_ROOT }, unprivileged: false },
  { name: 'the UID left to the image', agent: { pod: IMAGE_DEFAULT }, unprivileged: false },
  {
    name: 'decoy: UID 65534, privileged',
    agent: { container: '{privileged: true, capabilities: {drop: [ALL]}}' },
    unprivileged: false,
  },
  {
    name: 'decoy: UID 65534 adding CAP_DAC_OVERRIDE',
    agent: { container: '{allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [CAP_DAC_OVERRIDE]}}' },
    unprivileged: false,
  },
  {
    name: 'decoy: UID 65534 in group root',
    agent: { pod: '{runAsNonRoot: true, runAsUser: 65534, runAsGroup: 0}' },
    unprivileged: false,
  },
  {
    name: "decoy: UID 65534 with a system group, perhaps the node's docker group",
    agent: { pod: '{runAsUser: 65534, runAsGroup: 65534, supplementalGroups: [999]}' },
    unprivileged: false,
  },
  {
    name: "decoy: UID 65534 without runAsGroup: the image's group, root where its passwd lacks the UID",
    agent: { pod: '{runAsNonRoot: true, runAsUser: 65534}' },
    unprivileged: false,
  },
  {
    name: 'decoy: UID 65534 that may escalate (setuid binaries)',
    agent: { container: '{capabilities: {drop: [ALL]}}' },
    unprivileged: false,
  },
  {
    name: "decoy: the container overrides the pod's UID with root",
    agent: {
      pod: '{runAsUser: 65534, runAsGroup: 65534}',
      container: '{runAsUser: 0, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}',
    },
    unprivileged: false,
  },
];
