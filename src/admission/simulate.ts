import { type FieldPath, formatPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';
import { derived } from '../inventory/reads.js';
import { SYSTEM_NAMESPACES } from '../k8s/pod-security.js';
import { rbacOf } from '../rbac/model.js';
import { ENGINES } from './engines/index.js';
import { admissionRequest, outcomesOf, requestsFrom } from './index.js';
import { CONTROL_NAMES, CONTROLS, type Control, PROBES, type Probe, probeObject } from './probes.js';
import type { AdmissionEngine, EngineId, PolicyOutcome } from './types.js';

/**
 * The proof behind a defense: each control's probes are submitted to the input's own admission in every namespace
 * that runs workloads. A control is enforced in a namespace only when every probe is rejected there for its
 * violation (a policy that also rejects the compliant reference is not rejecting the violation); enforced in the
 * cluster only when enforced in each of those namespaces and, where some subject of the input may create
 * namespaces, in a new one.
 */

/** What a probe met: rejected for its violation, admitted (perhaps warned or audited), or not decidable. */
export type ProbeVerdict = 'rejected' | 'admitted' | 'unproven';

export interface ProbeResult {
  readonly probe: Probe;
  readonly verdict: ProbeVerdict;
  /** Rejected: the outcomes that reject the violation; unproven: those that could not be evaluated, or reject the reference too; admitted: any warning or audit. */
  readonly by: readonly PolicyOutcome[];
  readonly reason: string;
}

export type Enforcement = 'enforced' | 'partial' | 'not-enforced' | 'unproven';

export interface ControlResult {
  readonly control: Control;
  /** The namespace, or {@link NEW_NAMESPACE}. */
  readonly namespace: string;
  readonly enforcement: Enforcement;
  readonly probes: readonly ProbeResult[];
  /** One sentence. */
  readonly reason: string;
}

export interface ClusterControl {
  readonly control: Control;
  readonly enforcement: Enforcement;
  readonly namespaces: readonly ControlResult[];
}

export interface Simulation {
  /**
   * Namespaces the input declares or runs workloads in (outside the system ones), and {@link NEW_NAMESPACE} where
   * one may be created.
   */
  readonly namespaces: readonly string[];
  /** Some subject of the input may create namespaces: a new one must be defended too. */
  readonly newNamespace: boolean;
  /** The image compliant probe containers run. */
  readonly image: string;
  /** The engines that may answer a probe here: those that hold policies in the input, and Pod Security admission. */
  readonly engines: readonly EngineId[];
  /** Whether any probe may be rejected: false when no engine holds a policy that may deny in the input. */
  readonly mayReject: boolean;
  inNamespace(control: Control, namespace: string): ControlResult;
  /** The control over {@link namespaces}; undefined when no namespace runs workloads. */
  cluster(control: Control): ClusterControl | undefined;
}

/**
 * A namespace a subject may create: a name no policy names, with
 * no labels but the one the API server adds.
 */
export const NEW_NAMESPACE = 'kubematrix-new-namespace';

/** How a simulated namespace reads in messages. */
export const namespaceName = (namespace: string) => (namespace === NEW_NAMESPACE ? 'a new namespace' : namespace);

/** The image compliant containers run when the input runs none. */
const FALLBACK_IMAGE = 'registry.k8s.io/pause:3.10';

export function simulate(inventory: Inventory, engines: readonly AdmissionEngine[] = ENGINES): Simulation {
  return engines === ENGINES ? derived(inventory, simulateAll) : new Simulator(inventory, engines);
}

const simulateAll = (inventory: Inventory): Simulation => new Simulator(inventory, ENGINES);

const outcomeKey = (outcome: PolicyOutcome) => {
  const { kind, namespace, name } = outcome.policy.ref;
  return `${outcome.engine}\u0000${kind}\u0000${namespace ?? ''}\u0000${name}\u0000${formatPath(outcome.path)}`;
};

class Simulator implements Simulation {
  readonly namespaces: readonly string[];
  readonly newNamespace: boolean;
  readonly image: string;
  readonly engines: readonly EngineId[];
  readonly mayReject: boolean;
  readonly #inventory: Inventory;
  readonly #engines: readonly AdmissionEngine[];
  /** Namespaces no policy tells apart share a class, and so their answers. */
  readonly #classOf = new Map<string, string>();
  readonly #byClass = new Map<string, ControlResult[]>();
  /** Each namespace's answers, once said of it: callers ask per control and namespace, several times over. */
  readonly #byNamespace = new Map<string, Map<Control, ControlResult>>();
  readonly #references = new Map<string, PolicyOutcome[]>();

  constructor(inventory: Inventory, engines: readonly AdmissionEngine[]) {
    // Files are a sample of a cluster: a namespace they declare may run workloads they do not show.
    const named = [
      ...new Set([
        ...inventory.ofKind('Namespace').map((namespace) => namespace.ref.name),
        ...inventory.podSpecs.map((pod) => pod.namespace),
      ]),
    ].filter((namespace) => !isSystem(namespace));
    this.newNamespace = creatableNamespaces(inventory);
    this.namespaces = this.newNamespace ? [...named, NEW_NAMESPACE] : named;
    this.image = commonImage(inventory);
    this.#inventory = withNewNamespace(inventory);
    // Each probe goes to every engine: those that hold no policies here would only answer nothing, hundreds of times.
    this.#engines = engines.filter((engine) => engine.mayAnswer?.(this.#inventory) ?? true);
    this.engines = [...new Set(this.#engines.map((engine) => engine.id))];
    this.mayReject = this.#engines.some((engine) => engine.mayDeny?.(this.#inventory) ?? true);
  }

  cluster(control: Control): ClusterControl | undefined {
    if (!this.namespaces.length) return undefined;
    const namespaces = this.namespaces.map((namespace) => this.inNamespace(control, namespace));
    const enforcement = namespaces.every((result) => result.enforcement === 'enforced')
      ? 'enforced'
      : namespaces.some((result) => result.probes.some((probe) => probe.verdict === 'admitted'))
        ? namespaces.some((result) => result.probes.some((probe) => probe.verdict === 'rejected'))
          ? 'partial'
          : 'not-enforced'
        : 'unproven';
    return { control, enforcement, namespaces };
  }

  inNamespace(control: Control, namespace: string): ControlResult {
    let said = this.#byNamespace.get(namespace);
    if (!said) {
      said = new Map();
      this.#byNamespace.set(namespace, said);
    }
    let result = said.get(control);
    if (!result) {
      result = this.#inClass(control, namespace);
      said.set(control, result);
    }
    return result;
  }

  #inClass(control: Control, namespace: string): ControlResult {
    const key = this.#namespaceClass(namespace);
    let results = this.#byClass.get(key);
    if (!results) {
      results = [];
      this.#byClass.set(key, results);
    }
    let result = results.find((entry) => entry.control === control);
    if (!result) {
      result = this.#run(control, namespace);
      results.push(result);
    }
    // The answer of a namespace of the same class, said of this one.
    return result.namespace === namespace
      ? result
      : { ...result, namespace, reason: result.reason.replaceAll(` in ${result.namespace}`, ` in ${namespace}`) };
  }

  #run(control: Control, namespace: string): ControlResult {
    const probes = PROBES.filter((probe) => probe.control === control).map((probe) => this.#probe(probe, namespace));
    const count = (verdict: ProbeVerdict) => probes.filter((probe) => probe.verdict === verdict).length;
    const [rejected, admitted, unproven] = [count('rejected'), count('admitted'), count('unproven')];
    const enforcement: Enforcement = admitted
      ? rejected
        ? 'partial'
        : 'not-enforced'
      : unproven
        ? 'unproven'
        : 'enforced';
    const name = CONTROL_NAMES[control];
    const first = probes.find((probe) => probe.verdict !== 'rejected');
    const reason = {
      enforced: `all ${probes.length} probes of ${name} are rejected in ${namespace}`,
      partial: `${admitted} of ${probes.length} probes of ${name} are admitted in ${namespace}, such as ${first?.probe.description}`,
      'not-enforced': `no probe of ${name} is rejected in ${namespace}`,
      unproven: `${unproven} of ${probes.length} probes of ${name} could not be decided in ${namespace}: ${first?.reason}`,
    }[enforcement];
    return { control, namespace, enforcement, probes, reason };
  }

  /**
   * The outcomes of the probe's requests (the workload's, then its Job's and Pod's). `enough` ends the walk early:
   * once the violation is rejected, what the controllers would make of it does not matter.
   */
  #outcomes(probe: Probe, namespace: string, violating: boolean, enough?: (outcome: PolicyOutcome) => boolean) {
    const { object, options } = probeObject(probe, this.image, violating);
    const outcomes: PolicyOutcome[] = [];
    for (const request of requestsFrom(admissionRequest(object, namespace, options))) {
      outcomes.push(...outcomesOf(request, this.#inventory, this.#engines));
      if (enough && outcomes.some(enough)) break;
    }
    return outcomes;
  }

  #probe(probe: Probe, namespace: string): ProbeResult {
    const referenceKey = `${probe.reference}\u0000${namespace}`;
    let reference = this.#references.get(referenceKey);
    if (!reference) {
      reference = this.#outcomes(probe, namespace, false);
      this.#references.set(referenceKey, reference);
    }
    const referenceDenies = new Set(reference.filter((o) => o.outcome === 'deny').map(outcomeKey));
    const forTheViolation = (outcome: PolicyOutcome) =>
      outcome.outcome === 'deny' && !referenceDenies.has(outcomeKey(outcome));
    const outcomes = this.#outcomes(probe, namespace, true, forTheViolation);
    const what = `${probe.description} in ${namespace}`;
    const denies = outcomes.filter((outcome) => outcome.outcome === 'deny');
    const forViolation = denies.filter(forTheViolation);
    if (forViolation.length) {
      return { probe, verdict: 'rejected', by: forViolation, reason: `${what} is rejected by ${names(forViolation)}` };
    }
    const open = outcomes.filter((outcome) => outcome.outcome === 'unproven');
    if (open.length) {
      const why = open.map((outcome) => `${outcome.name}: ${outcome.reason ?? 'not evaluated'}`).join('; ');
      return { probe, verdict: 'unproven', by: open, reason: `${what} could not be decided (${why})` };
    }
    if (denies.length) {
      return {
        probe,
        verdict: 'unproven',
        by: denies,
        reason: `${what} is rejected only by what rejects the compliant reference too (${names(denies)}), so whether the violation is rejected cannot be told`,
      };
    }
    const noted = outcomes.filter((outcome) => outcome.outcome === 'warn' || outcome.outcome === 'audit');
    return {
      probe,
      verdict: 'admitted',
      by: noted,
      reason: noted.length
        ? `${what} is admitted, only ${noted.map((o) => `${o.outcome === 'warn' ? 'warned' : 'audited'} by ${o.name}`).join(', ')}`
        : `${what} is admitted`,
    };
  }

  /**
   * Namespaces that no policy can tell apart get the same answers: those with the same labels, unless a policy
   * names the namespace, matches names by pattern or reads them in CEL (then each is its own class).
   */
  #namespaceClass(namespace: string): string {
    let key = this.#classOf.get(namespace);
    if (key === undefined) {
      const declared = this.#inventory.find('Namespace', null, namespace);
      const labels = { ...(declared?.labels ?? {}) };
      delete labels['kubernetes.io/metadata.name'];
      const text = this.#policyText();
      const named = NAME_READERS.test(text) || text.includes(JSON.stringify(namespace).slice(1, -1));
      // A Namespace the input lacks has unknown labels: it answers apart from one declared without labels.
      key = JSON.stringify([named ? namespace : '', declared !== undefined, Object.entries(labels).sort()]);
      this.#classOf.set(namespace, key);
    }
    return key;
  }

  #text: string | undefined;
  /** What the engines' answers depend on (see AdmissionEngine.dependsOn), as text. */
  #policyText(): string {
    this.#text ??= this.#engines
      .flatMap((engine) => engine.dependsOn?.(this.#inventory) ?? this.#inventory.resources.map((r) => r.object))
      .map((value) => JSON.stringify(value))
      .join('\n');
    return this.#text;
  }
}

/** Policy text that reads namespace names other than by writing them out: CEL, globs in name lists, params. */
const NAME_READERS =
  /namespaceObject|request\.namespace|metadata\.namespace|"(namespaces|excludedNamespaces)":\[[^\]]*[*?]|paramKind|"context":/;

const names = (outcomes: readonly PolicyOutcome[]) =>
  [
    ...new Set(outcomes.map((outcome) => (outcome.message ? `${outcome.name} ("${outcome.message}")` : outcome.name))),
  ].join(', ');

const isSystem = (namespace: string | null) => namespace !== null && SYSTEM_NAMESPACES.has(namespace);

/** Whether a subject the input binds (not only Kubernetes' own) may create namespaces. */
function creatableNamespaces(inventory: Inventory): boolean {
  return rbacOf(inventory)
    .whoCan('create', 'namespaces')
    .some((who) => who.grants.some((grant) => grant.binding.origin === 'input'));
}

/** The image the input's workloads run most: compliant probe containers run it, so a registry policy admits them. */
function commonImage(inventory: Inventory): string {
  const counts = new Map<string, number>();
  for (const pod of inventory.podSpecs) {
    for (const { spec } of pod.containers) {
      if (typeof spec.image === 'string' && spec.image) counts.set(spec.image, (counts.get(spec.image) ?? 0) + 1);
    }
  }
  let best = FALLBACK_IMAGE;
  let most = 0;
  for (const [image, count] of counts) {
    if (count > most || (count === most && image < best)) [best, most] = [image, count];
  }
  return best;
}

/** The inventory with a Namespace for {@link NEW_NAMESPACE}, so that engines see it as the API server would. */
function withNewNamespace(inventory: Inventory): Inventory {
  const labels = { 'kubernetes.io/metadata.name': NEW_NAMESPACE };
  const namespace: Resource = {
    ref: { apiVersion: 'v1', kind: 'Namespace', namespace: null, name: NEW_NAMESPACE },
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NEW_NAMESPACE, labels } },
    labels,
    annotations: {},
    locate: () => undefined,
  };
  const isIt = (kind: string, namespaceOf: string | null) => kind === 'Namespace' && namespaceOf === null;
  let resources: readonly Resource[] | undefined;
  return {
    get complete() {
      return inventory.complete;
    },
    get unreadable() {
      return inventory.unreadable;
    },
    get resources() {
      resources ??= [...inventory.resources, namespace];
      return resources;
    },
    get podSpecs() {
      return inventory.podSpecs;
    },
    get kubeletConfigs() {
      return inventory.kubeletConfigs;
    },
    ofKind: (kind) => (kind === 'Namespace' ? [...inventory.ofKind(kind), namespace] : inventory.ofKind(kind)),
    inNamespace: (kind, namespaceOf) =>
      isIt(kind, namespaceOf)
        ? [...inventory.inNamespace(kind, null), namespace]
        : inventory.inNamespace(kind, namespaceOf),
    find: (kind, namespaceOf, name, near) =>
      isIt(kind, namespaceOf) && name === NEW_NAMESPACE ? namespace : inventory.find(kind, namespaceOf, name, near),
  };
}

/** An outcome named with where it is written: `ValidatingAdmissionPolicy pod-hardening validation 0 (p.yaml:12)`. */
export function outcomeLabel(outcome: PolicyOutcome): string {
  const location = outcome.policy.locate(outcome.path);
  return location ? `${outcome.name} (${location.file}:${location.line})` : outcome.name;
}

/** A probe's result where it was submitted. */
export interface PlacedProbe {
  readonly namespace: string;
  readonly result: ProbeResult;
}

/** What one policy does to the probes of one control, across the simulated namespaces. */
export interface PolicyControl {
  readonly policy: Resource;
  readonly engine: PolicyOutcome['engine'];
  /** Where findings on it point: the field of its first deciding outcome. */
  readonly path: FieldPath;
  /** `ValidatingAdmissionPolicy pod-hardening`; for Pod Security admission, the label's outcome name. */
  readonly name: string;
  readonly related: readonly Resource[];
  readonly control: Control;
  /** Probes it rejects for their violation. */
  readonly rejects: PlacedProbe[];
  /** Admitted probes it only warns about or audits. */
  readonly notes: PlacedProbe[];
  /** Probes no policy rejects, in namespaces where it rejects other probes of the control: what gets past it. */
  readonly through: PlacedProbe[];
  /** Probes it may reject but could not be evaluated on. */
  readonly undecided: PlacedProbe[];
}

/** Policy kinds that do not say which engine reads them. */
const ENGINE_PREFIX: Readonly<Record<PolicyOutcome['engine'], string>> = {
  'pod-security-admission': '',
  'validating-admission-policy': '',
  kyverno: 'Kyverno ',
  gatekeeper: 'Gatekeeper ',
};

const policyKey = (outcome: PolicyOutcome) => {
  const { kind, namespace, name } = outcome.policy.ref;
  return `${outcome.engine}\u0000${kind}\u0000${namespace ?? ''}\u0000${name}`;
};

const POLICY_CONTROLS = new WeakMap<Simulation, readonly PolicyControl[]>();

/**
 * Per policy and control, what the policy rejects, only records, and lets through. Built once per simulation: two
 * checks ask, and it walks every probe in every namespace.
 */
export function policyControls(simulation: Simulation): readonly PolicyControl[] {
  let controls = POLICY_CONTROLS.get(simulation);
  if (!controls) {
    controls = collectPolicyControls(simulation);
    POLICY_CONTROLS.set(simulation, controls);
  }
  return controls;
}

/** Where a probe result goes among a policy's lists: `through` takes the admitted probes of the namespace. */
interface Destination {
  readonly list: PlacedProbe[];
  readonly result: ProbeResult;
}

function collectPolicyControls(simulation: Simulation): PolicyControl[] {
  const entries = new Map<string, PolicyControl>();
  for (const control of CONTROLS) {
    // Namespaces of one class share their probe results: which lists they go to is worked out once per class.
    const placements = new Map<readonly ProbeResult[], Destination[]>();
    for (const namespace of simulation.namespaces) {
      const { probes } = simulation.inNamespace(control, namespace);
      let placed = placements.get(probes);
      if (!placed) {
        placed = placementsOf(control, probes, entries);
        placements.set(probes, placed);
      }
      for (const { list, result } of placed) list.push({ namespace, result });
    }
  }
  return [...entries.values()];
}

function placementsOf(
  control: Control,
  probes: readonly ProbeResult[],
  entries: Map<string, PolicyControl>,
): Destination[] {
  const placed: Destination[] = [];
  const rejecting = new Set<PolicyControl>();
  for (const result of probes) {
    for (const outcome of result.by) {
      const key = `${policyKey(outcome)}\u0000${control}`;
      let entry = entries.get(key);
      if (!entry) {
        const { kind, name } = outcome.policy.ref;
        entry = {
          policy: outcome.policy,
          engine: outcome.engine,
          path: outcome.path,
          name:
            outcome.engine === 'pod-security-admission'
              ? outcome.name
              : `${ENGINE_PREFIX[outcome.engine]}${kind} ${name}`,
          related: outcome.related ?? [],
          control,
          rejects: [],
          notes: [],
          through: [],
          undecided: [],
        };
        entries.set(key, entry);
      }
      if (result.verdict === 'rejected') {
        placed.push({ list: entry.rejects, result });
        rejecting.add(entry);
      } else if (result.verdict === 'admitted') placed.push({ list: entry.notes, result });
      // Not a policy that rejects the compliant reference too: that one was evaluated.
      else if (outcome.outcome === 'unproven') placed.push({ list: entry.undecided, result });
    }
  }
  const admitted = probes.filter((result) => result.verdict === 'admitted');
  for (const entry of rejecting) for (const result of admitted) placed.push({ list: entry.through, result });
  return placed;
}
