import type { FieldPath } from '../inputs/path.js';
import type { ContainerView, Inventory, PodSpecView } from '../inventory/index.js';
import { programName } from '../inventory/pods.js';
import { parseImage } from './images.js';

/** The control-plane components kubeadm runs as static pods. */
export const CONTROL_PLANE = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export type ControlPlaneComponent = (typeof CONTROL_PLANE)[number];

/** One flag on a component's command line, with the `command` or `args` item that sets it. */
export interface Flag {
  /** `true` for a boolean flag given bare (`--profiling`). */
  readonly value: string;
  readonly path: FieldPath;
}

/**
 * Flags that take no separate value: `--client-cert-auth false` does not set it to false (Go's flag packages read
 * `false` as the next positional argument), only `--client-cert-auth=false` does. Any other flag given without
 * `=` takes the next item as its value, unless that item is itself a flag.
 */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  'anonymous-auth',
  'auto-tls',
  'client-cert-auth',
  'peer-auto-tls',
  'peer-client-cert-auth',
  'profiling',
  'allow-privileged',
  'enable-bootstrap-token-auth',
  'use-service-account-credentials',
]);

/**
 * Parses a component's command line (`command` then `args`, one argument per item, as kubeadm writes them):
 * `--name=value`, `--name value` and bare booleans, with one or two dashes (etcd's Go `flag` package takes both).
 * A flag given twice keeps its last value, as the components read plain flags.
 */
export function parseFlags(container: ContainerView): ReadonlyMap<string, Flag> {
  const items: { text: string; path: FieldPath }[] = [];
  for (const field of ['command', 'args'] as const) {
    container.spec[field]?.forEach((text, index) => {
      items.push({ text: text.trim(), path: [...container.path, field, index] });
    });
  }
  const flags = new Map<string, Flag>();
  items.forEach(({ text, path }, index) => {
    const match = /^--?([A-Za-z0-9][\w.-]*)(?:=([\s\S]*))?$/.exec(text);
    if (!match) return;
    const [, name = '', inline] = match;
    if (inline !== undefined) {
      flags.set(name, { value: inline, path });
      return;
    }
    const next = items[index + 1]?.text;
    const takesNext = !BOOLEAN_FLAGS.has(name) && next !== undefined && !next.startsWith('-');
    flags.set(name, { value: takesNext ? (next as string) : 'true', path });
  });
  return flags;
}

/** A comma-separated flag value as its items, blanks dropped: `Node,RBAC` → `['Node', 'RBAC']`. */
export function flagList(flag: Flag | undefined): string[] {
  return (flag?.value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The flag an API server writes its audit events through, when it has one: a log file or a webhook. */
export function auditBackend(flags: ReadonlyMap<string, Flag>): string | undefined {
  return ['audit-log-path', 'audit-webhook-config-file'].find((name) => flags.get(name)?.value);
}

/** The admission plugins an API server enables; `--admission-control` is the flag before 1.10, still in old manifests. */
export function enabledAdmissionPlugins(flags: ReadonlyMap<string, Flag>): Flag | undefined {
  return flags.get('enable-admission-plugins') ?? flags.get('admission-control');
}

/** Whether an API server runs an admission plugin: enabled, and not disabled. */
export function admissionPluginOn(flags: ReadonlyMap<string, Flag>, plugin: string): boolean {
  return (
    !flagList(flags.get('disable-admission-plugins')).includes(plugin) &&
    flagList(enabledAdmissionPlugins(flags)).includes(plugin)
  );
}

/** Matched against an image's repository (`kube-apiserver`, `eks/kube-proxy`, `kube-proxy-amd64`). */
const IMAGE_OF: Readonly<Record<ControlPlaneComponent, RegExp>> = {
  'kube-apiserver': /(?:^|\/)kube-apiserver(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$/,
  'kube-controller-manager': /(?:^|\/)kube-controller-manager(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$/,
  'kube-scheduler': /(?:^|\/)kube-scheduler(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$/,
  etcd: /(?:^|\/)etcd(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$/,
};

const isComponent = (name: string | undefined): name is ControlPlaneComponent =>
  (CONTROL_PLANE as readonly (string | undefined)[]).includes(name);

/**
 * The control-plane component a container runs. Its command decides when it has one: an etcd image running
 * `etcdctl snapshot save` is a backup job, not etcd. Without a command, the image's entrypoint runs: the image
 * name tells, else kubeadm's `component` label on the pod.
 */
export function componentOf(container: ContainerView, pod: PodSpecView): ControlPlaneComponent | undefined {
  const [first] = container.spec.command ?? [];
  if (first !== undefined) {
    const program = programName(first.trim().split(/\s+/)[0] ?? '');
    return isComponent(program) ? program : undefined;
  }
  const repository = parseImage(container.spec.image)?.repository;
  const byImage = CONTROL_PLANE.find((component) => repository !== undefined && IMAGE_OF[component].test(repository));
  if (byImage) return byImage;
  const label = pod.podLabels.component;
  return container.group === 'containers' && isComponent(label) ? label : undefined;
}

/**
 * A control-plane static pod, as kubeadm and most installers run it: a Pod (a manifest or its mirror) in kube-system
 * whose every container runs a control-plane component. The kubelet puts a static pod naming no namespace in
 * `default`, as `kubectl apply` does: such a pod is not one.
 */
export function isControlPlanePod(pod: PodSpecView): boolean {
  if (pod.owner.ref.kind !== 'Pod' || pod.namespace !== 'kube-system') return false;
  const running = pod.containers.filter((container) => container.group === 'containers');
  return running.length > 0 && running.every((container) => componentOf(container, pod) !== undefined);
}

/** A container running a control-plane component, with its flags parsed. */
export interface ComponentView {
  readonly component: ControlPlaneComponent;
  readonly pod: PodSpecView;
  readonly container: ContainerView;
  readonly flags: ReadonlyMap<string, Flag>;
  /** Where a flag that is not set belongs: the `command` list (or `args` when only those are given). */
  readonly missingAt: FieldPath;
}

/** Every container in the input that runs the component: static-pod files, mirror pods of a dump, or any workload. */
export function componentsOf(inventory: Inventory, component: ControlPlaneComponent): ComponentView[] {
  const views: ComponentView[] = [];
  for (const pod of inventory.podSpecs) {
    for (const container of pod.containers) {
      if (componentOf(container, pod) !== component) continue;
      const field = container.spec.command ? 'command' : container.spec.args ? 'args' : undefined;
      views.push({
        component,
        pod,
        container,
        flags: parseFlags(container),
        missingAt: field ? [...container.path, field] : container.path,
      });
    }
  }
  return views;
}

/** Loopback hosts: what only the node itself (and hostNetwork pods on it) can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** The annotation the kubelet sets on the API object it creates for a static pod (its mirror pod). */
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * Programs or image names also run as static pods in kube-system by documented setups: kube-proxy in kube-up
 * clusters, kube-vip, and the haproxy and keepalived pods of kubeadm's high-availability guide.
 */
export const EXPECTED_STATIC_PODS: readonly string[] = ['kube-proxy', 'kube-vip', 'haproxy', 'keepalived'];

/** What a container runs, by name: its program when it sets a command, else its image's last segment. */
export function runs(container: ContainerView): string {
  const [first] = container.spec.command ?? [];
  if (first) return programName(first.trim().split(/\s+/)[0] ?? '');
  const repository = parseImage(container.spec.image)?.repository ?? '';
  return repository.slice(repository.lastIndexOf('/') + 1).replace(/-(?:amd64|arm64)$/, '');
}

/**
 * A static pod a cluster is expected to run: in kube-system, every container a control-plane component or one of
 * `extra` (programs or image names, {@link EXPECTED_STATIC_PODS} by default).
 */
export function expectedStaticPod(pod: PodSpecView, extra: ReadonlySet<string>): boolean {
  if (pod.owner.ref.namespace !== 'kube-system') return false;
  const main = pod.containers.filter((container) => container.group === 'containers');
  return (
    main.length > 0 &&
    main.every((container) => componentOf(container, pod) !== undefined || extra.has(runs(container)))
  );
}
