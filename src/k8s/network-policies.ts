import type { Inventory, PodSpecView, Resource } from '../inventory/index.js';
import { parseNetworkPolicy } from '../inventory/index.js';
import type { NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec } from '../inventory/schema.js';
import { cidrContains, type IpAddress, parseCidr, parseIp } from './ip.js';
import { SelectorIndex, selects } from './selectors.js';

export type Direction = 'Ingress' | 'Egress';

export interface NetworkPolicy {
  readonly resource: Resource;
  readonly spec: NetworkPolicySpec;
  /** The directions it isolates the pods it selects in, `policyTypes` defaults applied. */
  readonly types: ReadonlySet<Direction>;
}

/** A rule of a policy, by direction and index, for messages and evidence. */
export interface PolicyRule {
  readonly policy: NetworkPolicy;
  readonly direction: Direction;
  readonly index: number;
}

/** The cloud instance-metadata endpoints: every cloud's IPv4 one, and AWS's IPv6 one (Nitro instances). */
export const METADATA_ENDPOINTS: readonly { readonly text: string; readonly address: IpAddress }[] = [
  '169.254.169.254',
  'fd00:ec2::254',
].map((text) => ({ text, address: parseIp(text) as IpAddress }));
/** They answer plain HTTP. */
const METADATA_PORT = 80;

/**
 * With `policyTypes` absent or empty the API server sets Ingress, plus Egress only when the policy has at least one
 * egress rule: `egress: []` alone does not make a policy an egress policy.
 */
export function policyTypes(spec: NetworkPolicySpec): ReadonlySet<Direction> {
  if (spec.policyTypes?.length) return new Set(spec.policyTypes);
  return new Set<Direction>(spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** A selector with nothing in it: `{}` selects everything. */
function empty(selector: NetworkPolicySpec['podSelector']): boolean {
  return !Object.keys(selector?.matchLabels ?? {}).length && !selector?.matchExpressions?.length;
}

interface Rule {
  readonly peers: readonly NetworkPolicyPeer[];
  readonly ports: readonly NetworkPolicyPort[];
  /** Whether it can allow an address (no peers, or an ipBlock): most rules name pods, and addresses ask often. */
  readonly toAddresses: boolean;
}

const ruleOf = (peers: readonly NetworkPolicyPeer[] = [], ports: readonly NetworkPolicyPort[] = []): Rule => ({
  peers,
  ports,
  toAddresses: peers.length === 0 || peers.some((peer) => peer.ipBlock !== undefined),
});

const RULES = new WeakMap<NetworkPolicy, Partial<Record<Direction, readonly Rule[]>>>();

/** A policy's rules one way, read once: every connection a pod it selects asks about walks them. */
function rulesOf(policy: NetworkPolicy, direction: Direction): readonly Rule[] {
  const known = RULES.get(policy) ?? {};
  let rules = known[direction];
  if (!rules) {
    rules =
      direction === 'Ingress'
        ? (policy.spec.ingress ?? []).map((rule) => ruleOf(rule.from, rule.ports))
        : (policy.spec.egress ?? []).map((rule) => ruleOf(rule.to, rule.ports));
    known[direction] = rules;
    RULES.set(policy, known);
  }
  return rules;
}

function ipBlockHolds(peer: NetworkPolicyPeer, address: IpAddress): boolean {
  const block = peer.ipBlock;
  const cidr = block && parseCidr(block.cidr);
  if (!cidr || !cidrContains(cidr, address)) return false;
  return !(block.except ?? []).some((except) => {
    const excluded = parseCidr(except);
    return excluded !== undefined && cidrContains(excluded, address);
  });
}

export interface EgressVerdict {
  /** Whether the pod may send TCP traffic to the address on that port. */
  readonly allowed: boolean;
  /** The policies isolating the pod's egress; empty when none does and everything is allowed. */
  readonly isolating: readonly NetworkPolicy[];
  /** The rules that let the traffic through, when policies isolate it. */
  readonly allowedBy: readonly PolicyRule[];
}

/** The other end of a connection: a pod (its namespace and labels), or an address outside the cluster. */
export type Peer =
  | { readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
  | { readonly address: IpAddress };

/** A port of the pod the connection is for: its number and name (a policy may name either), and its protocol. */
export interface ConnectionPort {
  readonly number?: number;
  readonly name?: string;
  /** `TCP` when absent. */
  readonly protocol?: string;
}

/** Whether a port entry of a rule lets the connection through. */
function portMatches(entry: NetworkPolicyPort, port: ConnectionPort): boolean {
  if ((entry.protocol ?? 'TCP') !== (port.protocol ?? 'TCP')) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string') return entry.port === port.name;
  if (port.number === undefined) return false;
  return (
    entry.port === port.number ||
    (entry.endPort !== undefined && entry.port <= port.number && port.number <= entry.endPort)
  );
}

export interface NetworkPolicyIndex {
  /** The namespace's well-formed policies (malformed ones are the inventory's errors, and ignored). */
  inNamespace(namespace: string): readonly NetworkPolicy[];
  /** The policies that select the pod, for any direction. */
  selecting(pod: PodSpecView): readonly NetworkPolicy[];
  /** Those that isolate it in one direction: empty when that direction is open to all traffic. */
  isolating(pod: PodSpecView, direction: Direction): readonly NetworkPolicy[];
  /** A policy that selects every pod of the namespace and allows nothing in that direction. */
  defaultDeny(namespace: string, direction: Direction): NetworkPolicy | undefined;
  /** The Namespace object's labels when the input holds it, and the `kubernetes.io/metadata.name` every one has. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>>;
  /**
   * A rule of the policy that lets every pod in every namespace of the input in (Ingress) or out to every pod
   * (Egress), on every port: no peers at all, or a peer whose namespaceSelector selects every namespace and whose
   * podSelector selects every pod.
   */
  openRule(policy: NetworkPolicy, direction: Direction): PolicyRule | undefined;
  /** Whether the pod may connect to the address on a TCP port, under the policies that isolate its egress. */
  egressTo(pod: PodSpecView, address: IpAddress, port?: number): EgressVerdict;
  /**
   * Whether a connection between the pod and a peer is allowed in one direction (Ingress: the peer connects to the
   * pod's port; Egress: the pod connects to the peer's), under the policies that isolate the pod that way. An ipBlock
   * is read as addresses outside the cluster: whether it also holds pod IPs depends on the network plugin.
   */
  connection(pod: PodSpecView, direction: Direction, peer: Peer, port: ConnectionPort): EgressVerdict;
}

const indexes = new WeakMap<Inventory, NetworkPolicyIndex>();

/** NetworkPolicy semantics over an inventory, indexed by namespace on first use (one index per inventory). */
export function networkPolicies(inventory: Inventory): NetworkPolicyIndex {
  let index = indexes.get(inventory);
  if (!index) {
    index = buildIndex(inventory);
    indexes.set(inventory, index);
  }
  return index;
}

function buildIndex(inventory: Inventory): NetworkPolicyIndex {
  const byNamespace = new Map<string | null, NetworkPolicy[]>();
  const inNamespace = (namespace: string): NetworkPolicy[] => {
    let policies = byNamespace.get(namespace);
    if (!policies) {
      policies = inventory.inNamespace('NetworkPolicy', namespace).flatMap((resource) => {
        const parsed = parseNetworkPolicy(resource);
        return parsed.success ? [{ resource, spec: parsed.data, types: policyTypes(parsed.data) }] : [];
      });
      byNamespace.set(namespace, policies);
    }
    return policies;
  };
  // Per namespace, its policies by their podSelector's labels: many clusters write a policy per workload.
  const candidatesIn = new Map<string, SelectorIndex<NetworkPolicy>>();
  const candidatesOf = (namespace: string): SelectorIndex<NetworkPolicy> => {
    let candidates = candidatesIn.get(namespace);
    if (!candidates) {
      candidates = new SelectorIndex();
      for (const policy of inNamespace(namespace)) candidates.add(policy, policy.spec.podSelector?.matchLabels);
      candidatesIn.set(namespace, candidates);
    }
    return candidates;
  };
  const selected = new WeakMap<PodSpecView, NetworkPolicy[]>();
  const selecting = (pod: PodSpecView) => {
    let policies = selected.get(pod);
    if (!policies) {
      // The API server reads a missing podSelector as `{}`: all pods.
      policies = candidatesOf(pod.namespace)
        .candidates(pod.podLabels)
        .filter((policy) => selects(policy.spec.podSelector ?? {}, pod.podLabels));
      selected.set(pod, policies);
    }
    return policies;
  };
  const isolating = (pod: PodSpecView, direction: Direction) =>
    selecting(pod).filter((policy) => policy.types.has(direction));

  const labelsOf = new Map<string, Record<string, string>>();
  const namespaceLabels = (namespace: string) => {
    let labels = labelsOf.get(namespace);
    if (!labels) {
      labels = {
        ...(inventory.find('Namespace', null, namespace)?.labels ?? {}),
        'kubernetes.io/metadata.name': namespace,
      };
      labelsOf.set(namespace, labels);
    }
    return labels;
  };
  let namespaces: string[] | undefined;
  /** Every namespace the input knows of: where its workloads run, and its Namespace objects. */
  const knownNamespaces = () => {
    namespaces ??= [
      ...new Set([
        ...inventory.podSpecs.map((pod) => pod.namespace),
        ...inventory.ofKind('Namespace').map((namespace) => namespace.ref.name),
      ]),
    ];
    return namespaces;
  };
  const everyPod = (peer: NetworkPolicyPeer) =>
    !peer.ipBlock &&
    empty(peer.podSelector) &&
    peer.namespaceSelector !== undefined &&
    (empty(peer.namespaceSelector) ||
      knownNamespaces().every((namespace) => selects(peer.namespaceSelector, namespaceLabels(namespace))));

  const connection: NetworkPolicyIndex['connection'] = (pod, direction, other, port) => {
    const holds = (peer: NetworkPolicyPeer, namespace: string): boolean => {
      if ('address' in other) return ipBlockHolds(peer, other.address);
      if (peer.ipBlock) return false;
      const namespaceOk =
        peer.namespaceSelector === undefined
          ? other.namespace === namespace
          : selects(peer.namespaceSelector, namespaceLabels(other.namespace));
      return namespaceOk && (peer.podSelector === undefined || selects(peer.podSelector, other.labels));
    };
    const policies = isolating(pod, direction);
    const allowedBy: PolicyRule[] = [];
    for (const policy of policies) {
      rulesOf(policy, direction).forEach((rule, index) => {
        if ('address' in other && !rule.toAddresses) return;
        const portOk = rule.ports.length === 0 || rule.ports.some((entry) => portMatches(entry, port));
        const peerOk = rule.peers.length === 0 || rule.peers.some((peer) => holds(peer, pod.namespace));
        if (portOk && peerOk) allowedBy.push({ policy, direction, index });
      });
    }
    return { allowed: policies.length === 0 || allowedBy.length > 0, isolating: policies, allowedBy };
  };

  const openRules = new WeakMap<NetworkPolicy, Partial<Record<Direction, PolicyRule | undefined>>>();
  return {
    inNamespace,
    selecting,
    isolating,
    defaultDeny: (namespace, direction) =>
      inNamespace(namespace).find(
        (policy) =>
          empty(policy.spec.podSelector) && policy.types.has(direction) && rulesOf(policy, direction).length === 0,
      ),
    namespaceLabels,
    openRule(policy, direction) {
      if (!policy.types.has(direction)) return undefined;
      // It depends on the policy alone, and every pod it selects asks.
      const known = openRules.get(policy) ?? {};
      if (!(direction in known)) {
        const index = rulesOf(policy, direction).findIndex(
          (rule) => rule.ports.length === 0 && (rule.peers.length === 0 || rule.peers.some(everyPod)),
        );
        known[direction] = index < 0 ? undefined : { policy, direction, index };
        openRules.set(policy, known);
      }
      return known[direction];
    },
    egressTo: (pod, address, port = METADATA_PORT) => connection(pod, 'Egress', { address }, { number: port }),
    connection,
  };
}
