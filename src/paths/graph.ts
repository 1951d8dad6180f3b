import type { Control } from '../admission/probes.js';
import { simulate } from '../admission/simulate.js';
import type { PathTargets } from '../config/index.js';
import { formatPath } from '../inputs/path.js';
import { asRecord, controller, type Inventory, type PodSpecView, type Resource } from '../inventory/index.js';
import { tokenMount } from '../inventory/pods.js';
import { isControlPlanePod } from '../k8s/components.js';
import { evidenceAt } from '../k8s/evidence.js';
import { type HostPathVolume, mountedHostPaths, writableBelow, writableMounts } from '../k8s/host-paths.js';
import { privileged, unprivilegedMounts } from '../k8s/identity.js';
import { escapeCapabilities } from '../k8s/node-exposure.js';
import { routesTo } from '../k8s/services.js';
import { tokenAccount } from '../k8s/token-secrets.js';
import { getTechnique } from '../matrix/index.js';
import type { TechniqueId } from '../matrix/types.js';
import { type Evidence, EXPECTED, type ResourceRef, type Severity } from '../model/basics.js';
import type { GraphEdge, GraphNode } from '../model/paths.js';
import type { Finding } from '../model/report.js';
import { grantEvidence } from '../rbac/evidence.js';
import { formatBinding, formatRole, formatSubject } from '../rbac/format.js';
import { append } from '../rbac/model.js';
import { type RiskIndex, type RiskyGrant, type RiskyPermission, riskOf, TAKEOVER_CHECK, worst } from '../rbac/risky.js';
import { subjectKey } from '../rbac/subjects.js';
import type { Binding, Subject } from '../rbac/types.js';

/**
 * The attack graph of an input: who (a workload's code, an identity's credentials, root on a host) gets what, by which
 * technique, resting on which findings and bindings. Edges exist where their precondition holds in the input; the
 * finding that reports the precondition is looked up for its id and severity, suppressed or not (docs/paths.md).
 */

/** A finding or an input binding whose fix removes an edge. */
export interface Cut {
  readonly kind: 'finding' | 'binding';
  readonly id: string;
  readonly label: string;
  readonly resource?: ResourceRef;
  readonly location?: Finding['location'];
  readonly uri?: string;
}

export interface Edge extends GraphEdge {
  /** Keys of {@link Graph.cuts}: fixing any one of them removes every way this step is made. */
  readonly cuts: readonly string[];
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly Edge[];
  readonly cuts: ReadonlyMap<string, Cut>;
}

/** One way of making a step; the step's edge merges them all. */
interface Way {
  readonly techniques: readonly TechniqueId[];
  readonly text: string;
  readonly severity: Severity;
  readonly findings?: readonly Finding[];
  readonly evidence?: readonly Evidence[];
  /** Input bindings the way rests on: one of them alone is a cut. */
  readonly bindings?: readonly Binding[];
  /** Something outside the input (a built-in binding) makes it too: no binding of the input cuts it. */
  readonly uncut?: boolean;
}

export const ANY_NODE = 'node:*';
const SHOWN_GRANTS = 3;
export const TARGETS = {
  clusterAdmin: 'target:cluster-admin',
  allSecrets: 'target:all-secrets',
  nodeRoot: 'target:node-root',
  controlPlane: 'target:control-plane',
  cloud: 'target:cloud',
} as const;
/** Kubelets authenticate as `system:node:<name>` in this group. */
const NODES_GROUP: Subject = { kind: 'Group', namespace: null, name: 'system:nodes' };

/** Routes from a pod to its node, as the node checks report them: only all enforced block every route. */
const ESCAPE_CONTROLS: readonly Control[] = ['privileged', 'host-path', 'capabilities'];

const ns = (namespace: string | null) => namespace ?? '';
export const workloadId = (ref: ResourceRef) => `workload:${ns(ref.namespace)}/${ref.kind}/${ref.name}`;
export const identityId = (subject: Subject) =>
  subject.kind === 'ServiceAccount'
    ? `identity:sa:${ns(subject.namespace)}/${subject.name}`
    : `identity:${subject.kind.toLowerCase()}:${subject.name}`;
export const runPodsId = (namespace: string) => `permission:${namespace}/run-pods`;
export const execId = (namespace: string) => `permission:${namespace}/exec`;
const secretTargetId = (namespace: string, name: string) => `target:secret:${namespace}/${name}`;
export const namespaceTargetId = (namespace: string) => `target:namespace:${namespace}`;
const refName = (ref: ResourceRef) => `${ref.kind} ${ref.namespace === null ? '' : `${ref.namespace}/`}${ref.name}`;

export function buildGraph(inventory: Inventory, findings: readonly Finding[], targets: PathTargets): Graph {
  return new Builder(inventory, findings, targets).build();
}

class Builder {
  readonly #inventory: Inventory;
  readonly #risk: RiskIndex;
  readonly #targets: PathTargets;
  readonly #nodes = new Map<string, GraphNode>();
  readonly #ways = new Map<string, { from: string; to: string; ways: Way[] }>();
  readonly #cuts = new Map<string, Cut>();
  /**
   * Findings by check, then resource and field: indexed for a check when a step first looks one of its findings up.
   * Steps rest on a few checks; a key for each of the input's findings would cost more than the graph.
   */
  readonly #findings = new Map<string, Map<string, Finding>>();
  /** RBAC findings by check and subject. */
  readonly #subjectFindings = new Map<string, Finding>();
  /** Workload findings by check, for those whose evidence names workloads. */
  readonly #byCheck = new Map<string, Finding[]>();
  readonly #workloads: { pod: PodSpecView; id: string; hosts: string[] }[] = [];
  /** Service accounts by namespace: what running pods, minting tokens or impersonating there reaches. */
  readonly #accounts = new Map<string, Subject>();
  readonly #accountsByNamespace = new Map<string | null, Subject[]>();
  readonly #workloadsByNamespace = new Map<string | null, { id: string }[]>();
  /** Grants are shared by every step they make: their evidence is built once. */
  readonly #grantEvidence = new Map<RiskyGrant, Evidence[]>();
  readonly #evidenceByFinding = new Map<Finding, Evidence>();
  readonly #namespaces = new Set<string>();
  /** Accounts whose token some pod mounts, with the hosts those pods run on. */
  readonly #tokens = new Map<string, { subject: Subject; hosts: Set<string> }>();

  constructor(inventory: Inventory, findings: readonly Finding[], targets: PathTargets) {
    this.#inventory = inventory;
    this.#risk = riskOf(inventory);
    this.#targets = targets;
    for (const finding of findings) {
      const { kind, namespace, name } = finding.resource;
      if (['ServiceAccount', 'User', 'Group'].includes(kind)) {
        const key = `${finding.checkId}\u0000${subjectKey({ kind: kind as Subject['kind'], namespace, name })}`;
        // Several definitions: any one the user has not suppressed speaks for the subject.
        const known = this.#subjectFindings.get(key);
        if (!known || (known.suppressed && !finding.suppressed)) this.#subjectFindings.set(key, finding);
      }
      const list = this.#byCheck.get(finding.checkId);
      if (list) list.push(finding);
      else this.#byCheck.set(finding.checkId, [finding]);
    }
  }

  build(): Graph {
    this.#targetNodes();
    this.#workloadNodes();
    for (const { pod, id, hosts } of this.#workloads) this.#workloadEdges(pod, id, hosts);
    this.#hostEdges();
    this.#identityEdges();
    this.#runPodsEdges();
    this.#execEdges();
    this.#cloudEdges();
    this.#configuredTargets();
    const edges = [...this.#ways.values()].map(({ from, to, ways }) => this.#merge(from, to, ways));
    return { nodes: [...this.#nodes.values()], edges, cuts: this.#cuts };
  }

  #node(node: GraphNode): string {
    if (!this.#nodes.has(node.id)) this.#nodes.set(node.id, node);
    return node.id;
  }

  #edge(from: string, to: string, way: Way): void {
    if (from === to) return;
    const key = `${from}\u0000${to}`;
    const entry = this.#ways.get(key);
    if (entry) entry.ways.push(way);
    else this.#ways.set(key, { from, to, ways: [way] });
  }

  /** Every way of a step in one edge: a fix cuts the step only if it cuts each way. */
  #merge(from: string, to: string, ways: readonly Way[]): Edge {
    const techniques = [...new Set(ways.flatMap((way) => way.techniques))];
    const findings = new Map<string, Finding>();
    // Evidence objects are shared (built once per finding and grant): identity is enough to list each once.
    const evidence = new Set<Evidence>();
    let cuts: Set<string> | undefined;
    for (const way of ways) {
      const own = new Set<string>();
      for (const finding of way.findings ?? []) {
        findings.set(finding.id, finding);
        own.add(this.#findingCut(finding));
        evidence.add(this.#findingEvidence(finding));
      }
      for (const item of way.evidence ?? []) evidence.add(item);
      const bindings = new Set(way.bindings ?? []);
      const [binding] = bindings;
      if (binding && bindings.size === 1 && !way.uncut) own.add(this.#bindingCut(binding));
      cuts = cuts ? new Set([...cuts].filter((cut) => own.has(cut))) : own;
    }
    return {
      from,
      to,
      techniques,
      attack: [...new Set(techniques.flatMap((id) => getTechnique(id)?.attack ?? []))],
      text: [...new Set(ways.map((way) => way.text))].join('; or '),
      severity: worst(ways.map((way) => way.severity)) ?? 'info',
      findings: [...findings.keys()],
      evidence: [...evidence],
      cuts: [...(cuts ?? [])],
    };
  }

  #findingCut(finding: Finding): string {
    const key = `finding:${finding.id}`;
    if (!this.#cuts.has(key)) {
      this.#cuts.set(key, {
        kind: 'finding',
        id: finding.id,
        label: `${finding.title}: ${refName(finding.resource)}${finding.suppressed ? ' (suppressed)' : ''}`,
        resource: finding.resource,
        ...(finding.location ? { location: finding.location } : {}),
        ...(finding.uri ? { uri: finding.uri } : {}),
      });
    }
    return key;
  }

  #bindingCut(binding: Binding): string {
    const name = formatBinding(binding);
    const key = `binding:${name}\u0000${binding.resource?.file ?? ''}`;
    if (!this.#cuts.has(key)) {
      const location = binding.resource?.locate(['metadata', 'name']);
      this.#cuts.set(key, {
        kind: 'binding',
        id: name,
        label: `${name} → ${binding.role ? formatRole(binding.role) : binding.roleRef.name}`,
        ...(binding.resource ? { resource: binding.resource.ref } : {}),
        ...(location ? { location } : {}),
        ...(binding.resource?.uri ? { uri: binding.resource.uri } : {}),
      });
    }
    return key;
  }

  #finding(check: string, resource: Resource, path: readonly (string | number)[]): Finding | undefined {
    const { kind, namespace, name } = resource.ref;
    const where = resource.locate(path)?.file ?? resource.uri ?? '';
    let index = this.#findings.get(check);
    if (!index) {
      index = new Map();
      for (const finding of this.#byCheck.get(check) ?? []) {
        const { kind, namespace, name } = finding.resource;
        index.set(
          findingKey(kind, namespace, name, finding.path ?? '', finding.location?.file ?? finding.uri ?? ''),
          finding,
        );
      }
      this.#findings.set(check, index);
    }
    return index.get(findingKey(kind, namespace, name, formatPath(path), where));
  }

  #targetNodes(): void {
    const target = (id: string, label: string) => this.#node({ id, kind: 'target', label });
    target(TARGETS.clusterAdmin, 'cluster-admin equivalent');
    target(TARGETS.allSecrets, 'every secret of the cluster');
    target(TARGETS.controlPlane, 'the control plane');
    target(TARGETS.cloud, 'the cloud account');
    target(TARGETS.nodeRoot, 'root on a node');
  }

  /** One node per pod template; a cluster's Pods fold into the controller that declares their template. */
  #workloadNodes(): void {
    const inventory = this.#inventory;
    const owners = new Map<Resource, PodSpecView>();
    for (const pod of inventory.podSpecs) owners.set(pod.owner, pod);
    const hostsOf = new Map<PodSpecView, Set<string>>();
    for (const pod of inventory.ofKind('Pod')) {
      const nodeName = asRecord(pod.object.spec).nodeName;
      if (typeof nodeName !== 'string' || !nodeName) continue;
      let owner: Resource | undefined = pod;
      // Pod → ReplicaSet → Deployment, CronJob → Job → Pod: a few levels at most; the bound guards against cycles.
      for (let depth = 0; owner && !owners.has(owner) && depth < 4; depth++) owner = controller(owner, inventory.find);
      const view = owner && owners.get(owner);
      if (!view) continue;
      const hosts = hostsOf.get(view) ?? new Set();
      hosts.add(`node:${nodeName}`);
      hostsOf.set(view, hosts);
    }
    for (const node of inventory.ofKind('Node')) this.#host(`node:${node.ref.name}`, node);
    this.#host(ANY_NODE);
    const controlPlane = new Set<string>();
    for (const pod of inventory.podSpecs) {
      // A PodTemplate runs nothing by itself.
      if (pod.owner.ref.kind === 'PodTemplate') continue;
      const hosts = [...(hostsOf.get(pod) ?? [ANY_NODE])].sort();
      for (const host of hosts) this.#host(host);
      const system = isControlPlanePod(pod);
      if (system) for (const host of hosts) if (host !== ANY_NODE) controlPlane.add(host);
      const { owner } = pod;
      let id = workloadId(owner.ref);
      // Files may define one workload several times (overlays): each definition is a node of its own.
      if (this.#nodes.has(id)) id = `${id}@${owner.file ?? owner.uri ?? this.#nodes.size}`;
      const location = owner.locate(['metadata', 'name']);
      const external = routesTo(inventory, pod).some((route) => route.external) || hostPorts(pod);
      this.#node({
        id,
        kind: 'workload',
        label: refName(owner.ref),
        // A control-plane component is not assumed breached: holding it is already holding the cluster, and its
        // host mounts are how it has to run. It stays a node that other paths may reach.
        ...(external ? { entry: 'internet' as const } : system ? {} : { entry: 'assume-breach' as const }),
        resource: owner.ref,
        ...(location ? { location } : {}),
        ...(owner.uri ? { uri: owner.uri } : {}),
      });
      this.#namespaces.add(pod.namespace);
      this.#account({ kind: 'ServiceAccount', namespace: owner.ref.namespace, name: pod.serviceAccountName });
      this.#workloads.push({ pod, id, hosts });
      append(this.#workloadsByNamespace, owner.ref.namespace, { id });
    }
    for (const account of inventory.ofKind('ServiceAccount')) {
      if (account.ref.namespace !== null) this.#namespaces.add(account.ref.namespace);
      this.#account({ kind: 'ServiceAccount', namespace: account.ref.namespace, name: account.ref.name });
    }
    for (const namespace of inventory.ofKind('Namespace')) this.#namespaces.add(namespace.ref.name);
    const hosts = [...this.#nodes.values()].filter((node) => node.kind === 'node').map((node) => node.id);
    this.#nodes.set(TARGETS.nodeRoot, { ...(this.#nodes.get(TARGETS.nodeRoot) as GraphNode), members: hosts });
    this.#nodes.set(TARGETS.controlPlane, {
      ...(this.#nodes.get(TARGETS.controlPlane) as GraphNode),
      members: [...controlPlane].sort(),
    });
  }

  #host(id: string, resource?: Resource): string {
    const location = resource?.locate(['metadata', 'name']);
    return this.#node({
      id,
      kind: 'node',
      label: id === ANY_NODE ? 'any node' : `node ${id.slice('node:'.length)}`,
      ...(resource ? { resource: resource.ref } : {}),
      ...(location ? { location } : {}),
      ...(resource?.uri ? { uri: resource.uri } : {}),
    });
  }

  /** The identity node of a subject, and for a ServiceAccount its place among its namespace's accounts. */
  #account(subject: Subject, entry?: GraphNode['entry']): string {
    const id = identityId(subject);
    const known = this.#nodes.get(id);
    if (known) {
      if (entry && !known.entry) this.#nodes.set(id, { ...known, entry });
      return id;
    }
    const resource =
      subject.kind === 'ServiceAccount'
        ? this.#inventory.find('ServiceAccount', subject.namespace, subject.name)
        : undefined;
    const location = resource?.locate(['metadata', 'name']);
    if (subject.kind === 'ServiceAccount') {
      this.#accounts.set(id, subject);
      append(this.#accountsByNamespace, subject.namespace, subject);
    }
    return this.#node({
      id,
      kind: 'identity',
      label: formatSubject(subject),
      ...(entry ? { entry } : {}),
      ...(resource ? { resource: resource.ref } : {}),
      ...(location ? { location } : {}),
      ...(resource?.uri ? { uri: resource.uri } : {}),
    });
  }

  #accountsIn(namespace: string | undefined, names?: readonly string[]): Subject[] {
    const accounts =
      namespace === undefined ? [...this.#accounts.values()] : (this.#accountsByNamespace.get(namespace) ?? []);
    return names ? accounts.filter((account) => names.includes(account.name)) : accounts;
  }

  #workloadEdges(pod: PodSpecView, id: string, hosts: readonly string[]): void {
    const { owner } = pod;
    const escapes: Way[] = [];
    for (const container of pod.containers) {
      const privilege = privileged(container);
      if (privilege) {
        escapes.push(
          this.#findingWay('privileged-container', owner, privilege.path, 'critical', {
            techniques: ['MS-TA9018'],
            text: `escapes to the node from privileged container '${container.spec.name}'`,
          }),
        );
      }
      for (const capability of escapeCapabilities(pod, container)) {
        escapes.push(
          this.#findingWay('escape-capabilities', owner, capability.path, capability.severity, {
            techniques: ['MS-TA9018'],
            text: `escapes to the node with ${capability.name} in container '${container.spec.name}'`,
          }),
        );
      }
      const procMount = container.security('procMount');
      if (procMount?.value === 'Unmasked' && !privilege) {
        escapes.push(
          this.#findingWay('unmasked-proc-mount', owner, procMount.path, 'high', {
            techniques: ['MS-TA9018'],
            text: `rewrites the node's kernel settings (core_pattern) through the unmasked /proc of container '${container.spec.name}'`,
          }),
        );
      }
    }
    const mount = tokenMount(pod, this.#inventory);
    const account: Subject = { kind: 'ServiceAccount', namespace: owner.ref.namespace, name: pod.serviceAccountName };
    for (const volume of mountedHostPaths(pod)) {
      escapes.push(...this.#hostPathEscapes(pod, volume, mount.mounted ? account : undefined));
      if (volume.hostPath.credentials.includes('MS-TA9016') && !unprivilegedMounts(pod, volume.mounts)) {
        this.#tokenTheft(pod, id, volume, hosts);
      }
    }
    for (const way of escapes) for (const host of hosts) this.#edge(id, host, way);
    if (mount.mounted) {
      this.#tokens.set(identityId(account), {
        subject: account,
        hosts: new Set([...(this.#tokens.get(identityId(account))?.hosts ?? []), ...hosts]),
      });
      const finding =
        mount.decidedBy === 'projected'
          ? undefined
          : this.#finding('service-account-token', mount.resource, mount.path);
      this.#edge(id, this.#account(account), {
        techniques: ['MS-TA9016'],
        text: `reads the token of ${formatSubject(account)} mounted into its pods`,
        severity: finding?.severity ?? 'medium',
        ...(finding ? { findings: [finding] } : {}),
        evidence: finding ? [] : [evidenceAt('workload', mount.resource, mount.path, 'the token is mounted')],
      });
    }
  }

  /** A step resting on a check's finding at a field; without the finding (check not run), the field is the evidence. */
  #findingWay(
    check: string,
    resource: Resource,
    path: readonly (string | number)[],
    severity: Severity,
    way: Pick<Way, 'techniques' | 'text'>,
  ): Way {
    const finding = this.#finding(check, resource, path);
    return {
      ...way,
      severity: finding?.severity ?? severity,
      ...(finding ? { findings: [finding] } : { evidence: [evidenceAt('workload', resource, path, way.text)] }),
    };
  }

  /**
   * A hostPath that hands over the node: a runtime socket, a writable node directory where writing runs code as root,
   * or a writable /var/log with `pods/log` read, which turns the kubelet's log endpoint into a reader of any node file.
   */
  #hostPathEscapes(pod: PodSpecView, volume: HostPathVolume, account: Subject | undefined): Way[] {
    const { owner } = pod;
    const ways: Way[] = [];
    // An unprivileged user reaches none of the root-owned socket and files these steps need.
    if (volume.hostPath.runtimeSocket && !unprivilegedMounts(pod, volume.mounts)) {
      ways.push(
        this.#findingWay('container-runtime-socket', owner, volume.path, 'critical', {
          techniques: ['MS-TA9018', 'MS-TA9013'],
          text: `starts a privileged container through the runtime socket in hostPath '${volume.declared}'`,
        }),
      );
    }
    const writableBy = writableMounts(volume);
    const writable = writableBy.length > 0;
    const below = writable ? undefined : writableBelow(volume);
    const reach = writable ? volume.hostPath : below?.hostPath;
    if (!reach || unprivilegedMounts(pod, below?.mounts ?? writableBy)) return ways;
    const where = writable ? `hostPath '${volume.declared}'` : `the mounts below hostPath '${volume.declared}'`;
    if (reach.writeSeverity === 'critical') {
      ways.push(
        this.#findingWay('writable-host-path', owner, volume.path, 'critical', {
          techniques: ['MS-TA9013'],
          text: `runs code as root on the node by writing to ${where}`,
        }),
      );
    } else if (reach.containerLogs && account) {
      const decision = this.#risk.rbac.can(account, {
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        namespace: owner.ref.namespace,
      });
      if (decision.allowed) {
        const base = this.#findingWay('writable-host-path', owner, volume.path, 'high', {
          techniques: ['MS-TA9013'],
          text: `links a log file in ${where} to any node file and reads it through pods/log, held by ${formatSubject(account)}`,
        });
        const inputBindings = decision.grants.flatMap((grant) =>
          grant.binding.origin === 'input' ? [grant.binding] : [],
        );
        ways.push({
          ...base,
          evidence: [
            ...(base.evidence ?? []),
            ...decision.grants.flatMap((grant) => this.#evidenceOf(grant as RiskyGrant)),
          ],
          bindings: inputBindings,
          uncut: inputBindings.length < decision.grants.length,
        });
      }
    }
    return ways;
  }

  /** The kubelet's directory holds the token of every pod on the node: reading it is holding them all. */
  #tokenTheft(pod: PodSpecView, id: string, volume: HostPathVolume, hosts: readonly string[]): void {
    const way = this.#findingWay(hostPathCheck(volume), pod.owner, volume.path, 'high', {
      techniques: ['MS-TA9016'],
      text: `reads the service-account tokens of the node's pods through hostPath '${volume.declared}'`,
    });
    this.#deferred.push(() => {
      for (const [account, { hosts: where }] of this.#tokens) {
        if (hosts.some((host) => host === ANY_NODE || where.has(host))) this.#edge(id, account, way);
      }
    });
  }

  readonly #deferred: (() => void)[] = [];
  /** The input's token Secrets that authenticate, with their accounts. */
  #tokenSecrets?: { readonly secret: Resource; readonly name: string }[];

  /** Root on a host holds the tokens of the pods there and the kubelet's own credentials. */
  #hostEdges(): void {
    for (const run of this.#deferred) run();
    const kubelet = this.#account(NODES_GROUP);
    for (const host of [...this.#nodes.values()].filter((node) => node.kind === 'node')) {
      for (const [account, { subject, hosts }] of this.#tokens) {
        // "Any node" is one of the attacker's choosing: the one where the account's pods run.
        if (host.id !== ANY_NODE && !hosts.has(host.id)) continue;
        this.#edge(host.id, account, {
          techniques: ['MS-TA9016'],
          text: `reads the token of ${formatSubject(subject)} from the kubelet's pod volumes`,
          severity: 'critical',
        });
      }
      this.#edge(host.id, kubelet, {
        techniques: ['MS-TA9003'],
        text: "uses the kubelet's credentials (its kubeconfig on the node)",
        severity: 'high',
      });
    }
    // Without NodeRestriction a kubelet may taint the other nodes and relabel its own: their pods, and tokens, come to it.
    for (const finding of this.#byCheck.get('apiserver-node-restriction') ?? []) {
      for (const [account, { subject }] of this.#tokens) {
        this.#edge(kubelet, account, {
          techniques: ['MS-TA9016'],
          text: `draws the pods of ${formatSubject(subject)} onto its node by tainting the others, NodeRestriction being off`,
          severity: finding.severity,
          findings: [finding],
        });
      }
    }
  }

  /** What each identity's permissions reach: every service account, user and group the input names, and the kubelets. */
  #identityEdges(): void {
    for (const binding of this.#risk.rbac.bindings) {
      if (!binding.scope.cluster) this.#namespaces.add(binding.scope.namespace);
      if (binding.origin !== 'input') continue;
      for (const { subject } of binding.subjects) {
        this.#account(subject, subject.kind === 'ServiceAccount' ? undefined : 'subject');
      }
    }
    const subjects: Subject[] = [...this.#accounts.values(), NODES_GROUP];
    for (const node of this.#nodes.values()) {
      if (node.entry === 'subject') subjects.push(parseIdentity(node.id));
    }
    for (const subject of subjects) this.#permissionEdges(subject);
  }

  #permissionEdges(subject: Subject): void {
    const from = identityId(subject);
    for (const held of this.#risk.effective(subject)) {
      const power = powerOf(held.permission);
      if (!power) continue;
      // Per destination, the grants that reach it: any one of them makes the step.
      const reach = new Map<string, { grants: RiskyGrant[]; text: string; techniques: TechniqueId[] }>();
      const add = (to: string, grant: RiskyGrant, text: string, techniques: readonly TechniqueId[]) => {
        const entry = reach.get(to) ?? { grants: [], text, techniques: [...techniques] };
        entry.grants.push(grant);
        reach.set(to, entry);
      };
      for (const grant of held.grants) {
        const { scope, names } = grant;
        const namespaces = scope.cluster ? [...this.#namespaces] : [scope.namespace];
        const where = scope.cluster ? 'in any namespace' : `in namespace ${scope.namespace}`;
        const full = grant.severity === held.permission.severity.cluster && !names;
        switch (power) {
          case 'takeover':
            if (scope.cluster && full)
              add(TARGETS.clusterAdmin, grant, `holds cluster-admin power: it can ${held.permission.action}`, [
                'MS-TA9019',
              ]);
            else if (!scope.cluster && !names) {
              add(
                runPodsId(scope.namespace),
                grant,
                `can ${held.permission.action} ${where}, and so grant itself any permission there`,
                ['MS-TA9019'],
              );
              this.#secretsIn(add, grant, [scope.namespace], undefined, where);
            }
            break;
          case 'run-pods':
            if (names) break;
            for (const namespace of namespaces)
              add(
                runPodsId(namespace),
                grant,
                `can ${held.permission.action} ${where}`,
                techniquesOf(held.permission, [
                  held.permission.check === 'rbac-create-workloads' ? 'MS-TA9008' : 'MS-TA9011',
                ]),
              );
            break;
          case 'webhooks':
            if (!scope.cluster || names) break;
            for (const namespace of namespaces)
              add(runPodsId(namespace), grant, 'can register a mutating webhook that rewrites every pod created', [
                'MS-TA9015',
              ]);
            break;
          case 'exec':
          case 'node-proxy':
            if (names) break;
            for (const namespace of namespaces) {
              add(
                execId(namespace),
                grant,
                `can ${held.permission.action} ${where}`,
                techniquesOf(held.permission, power === 'exec' ? ['MS-TA9006'] : ['MS-TA9030']),
              );
            }
            break;
          case 'patch-pods':
            if (names) break;
            for (const workload of scope.cluster
              ? this.#workloads
              : (this.#workloadsByNamespace.get(scope.namespace) ?? [])) {
              add(workload.id, grant, `can ${held.permission.action} ${where}`, ['MS-TA9011']);
            }
            break;
          case 'read-secrets':
            if (scope.cluster && !names)
              add(TARGETS.allSecrets, grant, `can ${held.permission.action} cluster-wide`, ['MS-TA9025']);
            this.#secretsIn(add, grant, scope.cluster ? undefined : [scope.namespace], names, where);
            break;
          case 'tokens':
          case 'impersonate':
            for (const account of this.#accountsIn(scope.cluster ? undefined : scope.namespace, names)) {
              add(
                identityId(account),
                grant,
                `can ${held.permission.action} ${where}`,
                techniquesOf(held.permission, ['MS-TA9016', 'MS-TA9019']),
              );
            }
            break;
        }
      }
      for (const [to, { grants, text, techniques }] of reach)
        this.#rbacEdge(from, to, held.permission, grants, text, techniques);
    }
  }

  /** Token secrets and crown-jewel secrets a secret reader reaches in these namespaces (undefined: all). */
  #secretsIn(
    add: (to: string, grant: RiskyGrant, text: string, techniques: readonly TechniqueId[]) => void,
    grant: RiskyGrant,
    namespaces: readonly (string | null)[] | undefined,
    names: readonly string[] | undefined,
    where: string,
  ): void {
    const inScope = (namespace: string | null, name: string) =>
      (!namespaces || namespaces.includes(namespace)) && (!names || names.includes(name));
    this.#tokenSecrets ??= this.#inventory.ofKind('Secret').flatMap((secret) => {
      const name = tokenAccount(secret, this.#inventory);
      return name ? [{ secret, name }] : [];
    });
    for (const { secret, name } of this.#tokenSecrets) {
      if (!inScope(secret.ref.namespace, secret.ref.name)) continue;
      const account = this.#account({ kind: 'ServiceAccount', namespace: secret.ref.namespace, name });
      add(account, grant, `can read the token Secret ${secret.ref.name} ${where}`, ['MS-TA9025']);
    }
    for (const { namespace, name } of this.#targets.secrets) {
      if (inScope(namespace, name))
        add(secretTargetId(namespace, name), grant, `can read Secret ${namespace}/${name}`, ['MS-TA9025']);
    }
  }

  /** An RBAC step: the grants' bindings are its cuts, with the finding that reports the permission on the subject. */
  #rbacEdge(
    from: string,
    to: string,
    permission: RiskyPermission,
    grants: readonly RiskyGrant[],
    text: string,
    techniques: readonly TechniqueId[],
  ): void {
    const findings = new Map<string, Finding>();
    for (const grant of grants) {
      const finding = this.#subjectFinding(permission.check, grant.subject);
      if (finding) findings.set(finding.id, finding);
    }
    const inputBindings = grants.flatMap((grant) => (grant.binding.origin === 'input' ? [grant.binding] : []));
    this.#edge(from, to, {
      techniques,
      text,
      severity:
        worst([...findings.values()].map((finding) => finding.severity)) ??
        worst(grants.map((grant) => grant.severity)) ??
        'info',
      findings: [...findings.values()],
      // The bindings are all cuts' business; as evidence, the first few (the most severe) tell the story.
      evidence: grants.slice(0, SHOWN_GRANTS).flatMap((grant) => this.#evidenceOf(grant)),
      bindings: inputBindings,
      uncut: inputBindings.length < grants.length,
    });
  }

  #findingEvidence(finding: Finding): Evidence {
    let evidence = this.#evidenceByFinding.get(finding);
    if (!evidence) {
      evidence = findingEvidence(finding);
      this.#evidenceByFinding.set(finding, evidence);
    }
    return evidence;
  }

  #evidenceOf(grant: RiskyGrant): Evidence[] {
    let evidence = this.#grantEvidence.get(grant);
    if (!evidence) {
      evidence = grantEvidence(grant);
      this.#grantEvidence.set(grant, evidence);
    }
    return evidence;
  }

  /** The check's finding on the subject; a subject with cluster-admin power has one finding, by rbac-cluster-admin. */
  #subjectFinding(check: string, subject: Subject): Finding | undefined {
    const key = subjectKey(subject);
    return (
      this.#subjectFindings.get(`${check}\u0000${key}`) ?? this.#subjectFindings.get(`${TAKEOVER_CHECK}\u0000${key}`)
    );
  }

  /**
   * Running a pod of one's choosing in a namespace: as any of its service accounts, and privileged (or with a host
   * mount or escape capability) unless admission rejects each of those routes there.
   */
  #runPodsEdges(): void {
    const simulation = simulate(this.#inventory);
    for (const namespace of this.#namespaces) {
      const hub = this.#node({
        id: runPodsId(namespace),
        kind: 'permission',
        label: `run a pod of one's choosing in namespace ${namespace}`,
      });
      // Cluster-admin runs anything anywhere.
      this.#edge(TARGETS.clusterAdmin, hub, {
        techniques: ['MS-TA9008'],
        text: `creates pods in namespace ${namespace}`,
        severity: 'critical',
      });
      for (const account of this.#accountsIn(namespace)) {
        this.#edge(hub, identityId(account), {
          techniques: ['MS-TA9016'],
          text: `runs a pod as ${formatSubject(account)} and reads its token`,
          severity: 'high',
        });
      }
      // Proven by the admission simulation: every probe of each route is rejected there.
      const blocked = ESCAPE_CONTROLS.every(
        (control) => simulation.inNamespace(control, namespace).enforcement === 'enforced',
      );
      if (blocked) continue;
      const gap = (this.#byCheck.get('pod-security-admission') ?? []).filter(
        (finding) => finding.resource.kind === 'Namespace' && finding.resource.name === namespace,
      );
      // A new container (MS-TA9008) whatever gave the power: creating pods, or binding oneself a role that creates them.
      this.#edge(hub, ANY_NODE, {
        techniques: ['MS-TA9008', 'MS-TA9018'],
        text: 'runs a privileged pod, which admission does not reject there, and escapes to its node',
        severity: 'critical',
        findings: gap,
      });
    }
    this.#edge(TARGETS.clusterAdmin, TARGETS.allSecrets, {
      techniques: ['MS-TA9025'],
      text: 'reads every secret',
      severity: 'critical',
    });
    this.#edge(TARGETS.clusterAdmin, ANY_NODE, {
      techniques: ['MS-TA9008', 'MS-TA9018'],
      text: 'runs a privileged pod on any node',
      severity: 'critical',
    });
    for (const host of this.#nodes.get(TARGETS.controlPlane)?.members ?? []) {
      this.#edge(TARGETS.clusterAdmin, host, {
        techniques: ['MS-TA9008', 'MS-TA9018'],
        text: 'runs a privileged pod on a control-plane node (naming it, tolerating its taints)',
        severity: 'critical',
      });
    }
  }

  /** Running commands in the existing pods of a namespace, through `pods/exec` or the kubelet API. */
  #execEdges(): void {
    const used = new Set([...this.#ways.values()].map(({ to }) => to));
    for (const namespace of this.#namespaces) {
      const hub = execId(namespace);
      if (!used.has(hub)) continue;
      this.#node({
        id: hub,
        kind: 'permission',
        label: `run commands in any pod of namespace ${namespace}`,
      });
      for (const { id, label } of (this.#workloadsByNamespace.get(namespace) ?? []).map(
        ({ id }) => this.#nodes.get(id) as GraphNode,
      )) {
        this.#edge(hub, id, {
          techniques: ['MS-TA9006'],
          text: `runs commands in the containers of ${label}`,
          severity: 'high',
        });
      }
    }
  }

  /** Cloud credentials: a workload identity its pods receive (the check names them), or the node's own in /etc/kubernetes. */
  #cloudEdges(): void {
    for (const finding of this.#byCheck.get('workload-identity') ?? []) {
      for (const item of finding.evidence ?? []) {
        if (item.type !== 'workload' || !item.resource) continue;
        const id = workloadId(item.resource);
        if (!this.#nodes.has(id)) continue;
        this.#edge(id, TARGETS.cloud, {
          techniques: ['MS-TA9020'],
          text: 'receives the cloud credentials of its service account (workload identity)',
          severity: finding.severity,
          findings: [finding],
        });
      }
    }
    for (const { pod, id } of this.#workloads) {
      for (const volume of mountedHostPaths(pod)) {
        if (!volume.hostPath.credentials.includes('MS-TA9026') || unprivilegedMounts(pod, volume.mounts)) continue;
        this.#edge(
          id,
          TARGETS.cloud,
          this.#findingWay(hostPathCheck(volume), pod.owner, volume.path, 'high', {
            techniques: ['MS-TA9026'],
            text: `reads the node's cloud credentials through hostPath '${volume.declared}'`,
          }),
        );
      }
    }
  }

  /** Crown jewels from `.kubematrix.yaml`: secrets (reached by reading them, or every secret) and namespaces. */
  #configuredTargets(): void {
    for (const { namespace, name } of this.#targets.secrets) {
      this.#node({
        id: secretTargetId(namespace, name),
        kind: 'target',
        label: `Secret ${namespace}/${name}`,
        members: [secretTargetId(namespace, name), TARGETS.allSecrets],
      });
    }
    for (const namespace of this.#targets.namespaces) {
      const members = [
        ...(this.#workloadsByNamespace.get(namespace) ?? []).map(({ id }) => id),
        ...this.#accountsIn(namespace).map(identityId),
        ...[runPodsId(namespace), execId(namespace)].filter((id) => this.#nodes.has(id)),
      ];
      this.#node({
        id: namespaceTargetId(namespace),
        kind: 'target',
        label: `code or identities in namespace ${namespace}`,
        members,
      });
    }
  }
}

type Power =
  | 'takeover'
  | 'run-pods'
  | 'webhooks'
  | 'exec'
  | 'patch-pods'
  | 'node-proxy'
  | 'read-secrets'
  | 'tokens'
  | 'impersonate';

/**
 * What a row of the risky-permission table lets its holder reach in the graph; undefined for the rows that reach no
 * node of it (deleting, DNS, events, pull secrets) and for creating role bindings, which the API server allows only
 * for roles one already holds unless one may also `bind`.
 */
export function powerOf(permission: RiskyPermission): Power | undefined {
  if (permission.takeover) return 'takeover';
  const resources = permission.requires[0]?.resources ?? [];
  switch (permission.check) {
    case 'rbac-create-workloads':
      return 'run-pods';
    case 'rbac-modify-workloads':
      // A controller's template is any pod spec; a running pod only takes a new image.
      return resources.includes('pods') ? 'patch-pods' : 'run-pods';
    case 'rbac-exec':
      return 'exec';
    case 'rbac-node-proxy':
      return 'node-proxy';
    case 'rbac-webhook-config':
      return 'webhooks';
    case 'rbac-read-secrets':
      return 'read-secrets';
    case 'rbac-token-creation':
      return 'tokens';
    case 'rbac-privilege-escalation-verbs':
      return resources.includes('serviceaccounts') ? 'impersonate' : undefined;
    default:
      return undefined;
  }
}

/** The techniques of the permission the step uses, of those the caller considers. */
function techniquesOf(permission: RiskyPermission, considered: readonly TechniqueId[]): TechniqueId[] {
  const found = permission.techniques.filter((id) => considered.includes(id));
  return found.length ? found : [...permission.techniques];
}

/** The check reporting what a hostPath lets the container read: writable-host-path where some of it is writable. */
function hostPathCheck(volume: HostPathVolume): string {
  return writableMounts(volume).length > 0 || writableBelow(volume) ? 'writable-host-path' : 'sensitive-host-path-read';
}

function hostPorts(pod: PodSpecView): boolean {
  return pod.containers.some((container) => container.spec.ports?.some((port) => Boolean(port.hostPort)));
}

/** The subject an `identity:` id names (users and groups; ServiceAccounts are tracked apart). */
function parseIdentity(id: string): Subject {
  const [, kind = '', ...rest] = id.split(':');
  return { kind: kind === 'user' ? 'User' : 'Group', namespace: null, name: rest.join(':') };
}

function findingKey(kind: string, namespace: string | null, name: string, path: string, where: string) {
  return [kind, namespace ?? '', name, path, where].join('\u0000');
}

export function findingEvidence(finding: Finding): Evidence {
  const subject = ['ServiceAccount', 'User', 'Group'].includes(finding.resource.kind);
  const message = finding.message.startsWith(EXPECTED) ? finding.message.slice(EXPECTED.length) : finding.message;
  return {
    type: subject ? 'subject' : finding.resource.kind === 'Namespace' ? 'policy' : 'workload',
    resource: finding.resource,
    ...(finding.location ? { location: finding.location } : {}),
    ...(finding.uri ? { uri: finding.uri } : {}),
    ...(finding.path ? { path: finding.path } : {}),
    text: `${finding.checkId}: ${message}${finding.suppressed ? ` (suppressed: ${finding.suppressed.reason})` : ''}`,
  };
}
