import { asRecord, type PodSpecView } from '../inventory/index.js';
import { SYSTEM_NAMESPACES } from '../inventory/pods.js';
import { editDistance } from '../util/text.js';
import { parseImage } from './images.js';

type Kind = 'Deployment' | 'DaemonSet' | 'static';

interface SystemComponent {
  readonly name: string;
  /** How the component is deployed: the object, or the controller of its pods; `static` for static pods. */
  readonly kind: Kind;
  /** Matched against an image repository: `coredns/coredns`, `eks/kube-proxy`. */
  readonly image: RegExp;
  /** Namespaces it installs to besides the system ones. */
  readonly namespaces?: readonly string[];
}

const ARCH = '(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$';
const repo = (name: string) => new RegExp(`(?:^|/)${name}${ARCH}`);

/** Components whose names attackers borrow, as the usual installers deploy them. */
const COMPONENTS: readonly SystemComponent[] = [
  { name: 'coredns', kind: 'Deployment', image: repo('coredns') },
  { name: 'kube-dns', kind: 'Deployment', image: /(?:^|\/)k8s-dns-(?:kube-dns|dnsmasq-nanny|sidecar)/ },
  { name: 'kube-proxy', kind: 'DaemonSet', image: repo('kube-proxy') },
  { name: 'metrics-server', kind: 'Deployment', image: repo('metrics-server') },
  { name: 'calico-node', kind: 'DaemonSet', image: /(?:^|\/)calico\/node$/, namespaces: ['calico-system'] },
  {
    name: 'calico-kube-controllers',
    kind: 'Deployment',
    image: /(?:^|\/)calico\/kube-controllers$/,
    namespaces: ['calico-system'],
  },
  { name: 'aws-node', kind: 'DaemonSet', image: /(?:^|\/)amazon-k8s-cni$/ },
  { name: 'cilium', kind: 'DaemonSet', image: /(?:^|\/)cilium\/cilium$/ },
  { name: 'kube-apiserver', kind: 'static', image: repo('kube-apiserver') },
  { name: 'kube-controller-manager', kind: 'static', image: repo('kube-controller-manager') },
  { name: 'kube-scheduler', kind: 'static', image: repo('kube-scheduler') },
  { name: 'etcd', kind: 'static', image: repo('etcd') },
];

/** Characters of generated name suffixes: Kubernetes' SafeEncodeString alphabet, no vowels. */
const GENERATED = '[bcdfghjklmnpqrstvwxz2456789]';
/** `-x7k2p` (a DaemonSet's or bare generated pod), `-5d78c9869d` (a ReplicaSet), `-5d78c9869d-x7k2p` (its pod). */
const GENERATED_SUFFIX = new RegExp(`^-(?:${GENERATED}{5}|${GENERATED}{6,10}(?:-${GENERATED}{5})?)$`);

type Likeness = 'same' | 'typo';

/**
 * How a name imitates a component. `same`: the component's name, alone or followed by a generated suffix (or, for
 * a static pod, by its node's name, as mirror pods are named). `typo`: its leading part (as many dash-separated
 * words as the component's name, give or take one) is one edit away from the component's name (two for names of
 * ten characters or more): `core-dns`, `kube-pr0xy`, `metrics-servers-x7k2p`. Names under six characters never
 * count as typos: `etc` or `etcd2` are too common to mean anything.
 */
function likeness(
  name: string,
  words: readonly string[],
  component: SystemComponent,
  nodeName: string | undefined,
): Likeness | undefined {
  const { name: target } = component;
  if (name === target) return 'same';
  if (name.startsWith(target)) {
    const rest = name.slice(target.length);
    if (GENERATED_SUFFIX.test(rest) || (component.kind === 'static' && nodeName && rest === `-${nodeName}`))
      return 'same';
  }
  if (target.length < 6) return undefined;
  const limit = target.length >= 10 ? 2 : 1;
  const size = target.split('-').length;
  for (let count = Math.max(1, size - 1); count <= Math.min(words.length, size + 1); count++) {
    // Heads whose length alone puts them past the limit are not worth building.
    let length = count - 1;
    for (let index = 0; index < count; index++) length += words[index]?.length ?? 0;
    if (Math.abs(length - target.length) > limit) continue;
    const head = words.slice(0, count).join('-');
    const rest = words.slice(count).join('-');
    // The head is not the component's name itself: `coredns-autoscaler` is another component, not a typo.
    if (
      head !== target &&
      (rest === '' || GENERATED_SUFFIX.test(`-${rest}`)) &&
      editDistance(head, target, limit) <= limit
    )
      return 'typo';
  }
  return undefined;
}

/** The kind that deploys the pods: the object's own, or for a Pod its controller's (`Node` for a mirror pod). */
function deployedBy(pod: PodSpecView): string {
  if (pod.owner.ref.kind !== 'Pod') return pod.owner.ref.kind;
  const owners = asRecord(pod.owner.object.metadata).ownerReferences;
  const controller = Array.isArray(owners)
    ? owners.map(asRecord).find((owner) => owner.controller === true)
    : undefined;
  return typeof controller?.kind === 'string' ? controller.kind : 'Pod';
}

const EXPECTED_KINDS: Readonly<Record<Kind, readonly string[]>> = {
  Deployment: ['Deployment', 'ReplicaSet'],
  DaemonSet: ['DaemonSet'],
  // A static pod's file holds a bare Pod; in the API it is a mirror pod owned by its Node.
  static: ['Pod', 'Node'],
};

/**
 * How a pod template imitates a system component, completing "`<Kind> '<name>'` …": named like one (the same name in
 * a namespace it runs in, or one typo away anywhere) but not deployed the way it is or running none of its images.
 * Undefined for an honest name. The scan's check and the audit detection both judge names by this.
 */
export function imitation(pod: PodSpecView): string | undefined {
  const { namespace } = pod;
  const { name } = pod.owner.ref;
  const words = name.split('-');
  for (const component of COMPONENTS) {
    const like = likeness(name, words, component, pod.spec.nodeName);
    if (!like) continue;
    const home = SYSTEM_NAMESPACES.has(namespace) || component.namespaces?.includes(namespace);
    if (like === 'same' && !home) continue;
    const kind = deployedBy(pod);
    const rightKind = EXPECTED_KINDS[component.kind].includes(kind);
    const images = pod.containers.filter((container) => container.group === 'containers');
    const rightImage = images.some((container) =>
      component.image.test(parseImage(container.spec.image)?.repository ?? ''),
    );
    if (rightKind && rightImage) continue;
    const how = like === 'same' ? `is named like ${component.name}` : `is named one typo away from ${component.name}`;
    const deployed = component.kind === 'static' ? 'a static pod' : `a ${component.kind}`;
    const problems = [
      ...(rightKind ? [] : [`it is deployed by ${kind === 'Pod' ? 'no controller' : `a ${kind}`}, not as ${deployed}`]),
      ...(rightImage
        ? []
        : [
            `it runs ${images.map((container) => container.spec.image ?? 'no image').join(', ') || 'no container'}, not an image of ${component.name}`,
          ]),
    ];
    return `${how}, but ${problems.join(', and ')}`;
  }
  return undefined;
}

/**
 * Whether {@link imitation} could judge a pod named so an imitation, whatever its spec: the name alone decides it for
 * most names (a static pod's mirror, `<component>-<node>`, counts whatever its node). Lets a caller leave the spec of
 * an honestly named pod unread.
 */
export function mayImitate(name: string): boolean {
  let may = judged.get(name);
  if (may === undefined) {
    const words = name.split('-');
    may = COMPONENTS.some(
      (component) =>
        likeness(name, words, component, undefined) !== undefined ||
        (component.kind === 'static' && name.startsWith(`${component.name}-`)),
    );
    // Workloads are written again and again under one name (every rollout, every scale): bounded, as names are not.
    if (judged.size >= JUDGED) judged.clear();
    judged.set(name, may);
  }
  return may;
}

/** Names {@link mayImitate} judged, at most {@link JUDGED}. */
const judged = new Map<string, boolean>();
const JUDGED = 10_000;

/** Whether an image is one of the system components': what a pod in a system namespace is expected to run. */
export function isSystemComponentImage(image: string | undefined): boolean {
  const repository = parseImage(image)?.repository ?? '';
  return COMPONENTS.some((component) => component.image.test(repository));
}
