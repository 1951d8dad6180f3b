import type { FieldPath } from '../inputs/path.js';
import type { ContainerView, Inventory, PodSpecView, Resource } from '../inventory/index.js';
import { asRecord, dig } from '../inventory/index.js';
import { derived } from '../inventory/reads.js';
import { matchesLabels, SelectorIndex } from './selectors.js';

/** A port a Service may forward to: its number, and its name when the container declares one. */
export interface TargetPort {
  readonly number?: number;
  readonly name?: string;
}

/** How traffic reaches a container port through a Service. */
export interface Route {
  readonly service: Resource;
  /** The Ingress or Gateway API route (HTTPRoute, GRPCRoute) forwarding to the Service, which carry HTTP only. */
  readonly via?: Resource;
  /** Where `via` names the Service: its backend entry. */
  readonly viaPath?: FieldPath;
  /** Reachable from outside the cluster: a LoadBalancer or NodePort Service, external IPs, an Ingress or a Gateway. */
  readonly external: boolean;
  /** For messages: `NodePort Service 'web'`, `Ingress 'web' (Service 'web')`, `HTTPRoute 'web' on Gateway 'public' (Service 'web')`. */
  readonly description: string;
}

const EXTERNAL_TYPES = new Set(['LoadBalancer', 'NodePort']);

/** The ports a container declares, by number and name; a Service may target either. */
export function declaredPorts(container: ContainerView): TargetPort[] {
  return (container.spec.ports ?? []).map((port) => ({ number: port.containerPort, name: port.name }));
}

/** A Service's port as a number; IntOrString: a digit string is a number, anything else (a port name) is NaN. */
export function portNumber(value: unknown): number {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value)) ? Number(value) : Number.NaN;
}

/** Whether the Service sends traffic to the pod: same namespace, and a selector its labels match. */
export function serviceSelects(service: Resource, pod: PodSpecView): boolean {
  const selector = asRecord(asRecord(service.object.spec).selector);
  // A Service without a selector (endpoints managed by hand) selects no pod.
  return (
    service.ref.namespace === pod.owner.ref.namespace &&
    Object.keys(selector).length > 0 &&
    matchesLabels(selector, pod.podLabels)
  );
}

/**
 * Which Services select which pods, without matching every Service against every pod (services × pods on a large
 * input): pods by namespace and label, and per namespace the Services by their selector. Lookups give candidates that
 * {@link serviceSelects} then decides on, so the answers are its own.
 */
interface Selection {
  /** Per `namespace label value` key, the pods with that label, in the inventory's order. */
  readonly pods: Map<string, PodSpecView[]>;
  /** Per namespace, its Services that have a selector (one without selects no pod). */
  readonly services: Map<string | null, SelectorIndex<Resource>>;
}

function podKey(namespace: string | null, key: string, value: string): string {
  return `${namespace ?? ''}\u0000${key}\u0000${value}`;
}

function buildSelection(inventory: Inventory): Selection {
  const pods = new Map<string, PodSpecView[]>();
  for (const pod of inventory.podSpecs) {
    for (const [key, value] of Object.entries(pod.podLabels)) {
      const label = podKey(pod.owner.ref.namespace, key, value);
      const listed = pods.get(label);
      if (listed) listed.push(pod);
      else pods.set(label, [pod]);
    }
  }
  const services = new Map<string | null, SelectorIndex<Resource>>();
  for (const service of inventory.ofKind('Service')) {
    const selector = asRecord(asRecord(service.object.spec).selector);
    if (!Object.keys(selector).length) continue;
    const namespace = service.ref.namespace;
    const index = services.get(namespace) ?? new SelectorIndex<Resource>();
    services.set(namespace, index);
    index.add(service, selector);
  }
  return { pods, services };
}

/** The pods the Service sends traffic to ({@link serviceSelects}), in the inventory's order. */
export function podsSelectedBy(inventory: Inventory, service: Resource): PodSpecView[] {
  const { pods } = derived(inventory, buildSelection);
  let fewest: readonly PodSpecView[] | undefined;
  for (const [key, value] of Object.entries(asRecord(asRecord(service.object.spec).selector))) {
    const list = pods.get(podKey(service.ref.namespace, key, String(value))) ?? [];
    if (!fewest || list.length < fewest.length) fewest = list;
  }
  return (fewest ?? []).filter((pod) => serviceSelects(service, pod));
}

/** The Services that send traffic to the pod ({@link serviceSelects}), in the order of its namespace's Services. */
function servicesSelecting(inventory: Inventory, pod: PodSpecView): Resource[] {
  const index = derived(inventory, buildSelection).services.get(pod.owner.ref.namespace);
  return (index?.candidates(pod.podLabels) ?? []).filter((service) => serviceSelects(service, pod));
}

/** Whether clients outside the cluster reach the Service itself, and how to name it in messages. */
export function serviceExposure(service: Resource): Pick<Route, 'external' | 'description'> {
  const spec = asRecord(service.object.spec);
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const externalIPs = Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0;
  return {
    external: EXTERNAL_TYPES.has(type) || externalIPs,
    description: `${type} Service '${service.ref.name}'${externalIPs ? ' with externalIPs' : ''}`,
  };
}

/** An outside-facing Service that forwards to no workload of the input, and why. */
export interface UnmatchedService {
  readonly service: Resource;
  /** `LoadBalancer Service 'api'`, `ClusterIP Service 'db' with externalIPs`. */
  readonly description: string;
  /** Where the exposure is set: `spec.type` or `spec.externalIPs`. */
  readonly path: FieldPath;
  /** `its selector (app=api) matches no workload in the input`, `it has no selector: its endpoints are set by hand`. */
  readonly why: string;
}

/**
 * LoadBalancer and NodePort Services and Services with `externalIPs` whose pods the input does not hold: the workload
 * may live in another repository, or its endpoints are set by hand (no selector). Each is an entry point all the
 * same. A complete input (a live cluster) proves that a selector matching nothing forwards nowhere: left out.
 */
export function unmatchedExternalServices(inventory: Inventory): UnmatchedService[] {
  const found: UnmatchedService[] = [];
  for (const service of inventory.ofKind('Service')) {
    const { external, description } = serviceExposure(service);
    if (!external) continue;
    const spec = asRecord(service.object.spec);
    const selector = asRecord(spec.selector);
    const labels = Object.entries(selector).map(([key, value]) => `${key}=${String(value)}`);
    if (labels.length && (inventory.complete || podsSelectedBy(inventory, service).length)) continue;
    found.push({
      service,
      description,
      path: ['spec', spec.externalIPs !== undefined ? 'externalIPs' : 'type'],
      why: labels.length
        ? `its selector (${labels.join(', ')}) matches no workload in the input`
        : 'it has no selector: its endpoints are set outside the input',
    });
  }
  return found;
}

/**
 * Services in the pod's namespace that select its pods and forward to one of `ports` (any port when absent), and
 * the Ingresses and Gateway API routes forwarding to those Service ports.
 */
export function routesTo(inventory: Inventory, pod: PodSpecView, ports?: readonly TargetPort[]): Route[] {
  const namespace = pod.owner.ref.namespace;
  const fronts = frontsOf(inventory);
  const routes: Route[] = [];
  for (const service of servicesSelecting(inventory, pod)) {
    const spec = asRecord(service.object.spec);
    const servicePorts = (Array.isArray(spec.ports) ? spec.ports : []).map(asRecord).filter((servicePort) => {
      if (!ports) return true;
      const target = servicePort.targetPort ?? servicePort.port;
      const number = portNumber(target);
      return ports.some((port) =>
        Number.isNaN(number) ? port.name === target : port.number !== undefined && port.number === number,
      );
    });
    if (servicePorts.length === 0) continue;

    routes.push({ service, ...serviceExposure(service) });
    for (const front of fronts.get(frontKey(namespace, service.ref.name)) ?? []) {
      if (!forwardsTo(front.port, servicePorts)) continue;
      routes.push({
        service,
        via: front.resource,
        viaPath: front.path,
        external: true,
        description: `${front.description} (Service '${service.ref.name}')`,
      });
    }
  }
  return routes;
}

/** An Ingress or Gateway API route naming a Service as its backend, where, and on which Service port. */
interface Front {
  readonly resource: Resource;
  readonly path: FieldPath;
  /** A Service port number or name; undefined forwards to the Service's only port. */
  readonly port: unknown;
  readonly description: string;
}

const frontIndexes = new WeakMap<Inventory, Map<string, Front[]>>();

function frontKey(namespace: string | null, service: string): string {
  return `${namespace ?? ''}\u0000${service}`;
}

/** Every Ingress and Gateway API route backend in the input, by the Service it names: built once per inventory. */
function frontsOf(inventory: Inventory): Map<string, Front[]> {
  const index = frontIndexes.get(inventory);
  if (index) return index;
  const built = new Map<string, Front[]>();
  const add = (namespace: string | null, service: unknown, front: Front) => {
    if (typeof service !== 'string') return;
    const key = frontKey(namespace, service);
    const list = built.get(key);
    if (list) list.push(front);
    else built.set(key, [front]);
  };
  for (const ingress of inventory.ofKind('Ingress')) {
    for (const { backend, path } of ingressBackends(ingress)) {
      const v1 = asRecord(backend.service);
      const port = asRecord(v1.port);
      add(ingress.ref.namespace, v1.name ?? backend.serviceName, {
        resource: ingress,
        path,
        port: port.number ?? port.name ?? backend.servicePort,
        description: `Ingress '${ingress.ref.name}'`,
      });
    }
  }
  for (const kind of GATEWAY_ROUTES) {
    for (const route of inventory.ofKind(kind)) {
      const gateway = attachedGateway(route);
      if (!gateway) continue;
      const rules = asRecord(route.object.spec).rules;
      (Array.isArray(rules) ? rules : []).forEach((rule, ruleIndex) => {
        const refs = asRecord(rule).backendRefs;
        (Array.isArray(refs) ? refs : []).map(asRecord).forEach((ref, refIndex) => {
          // Only Services (the default kind, in the core group) are backends that select pods.
          if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') return;
          const namespace = typeof ref.namespace === 'string' ? ref.namespace : route.ref.namespace;
          add(namespace, ref.name, {
            resource: route,
            path: ['spec', 'rules', ruleIndex, 'backendRefs', refIndex],
            port: ref.port,
            description: `${kind} '${route.ref.name}' on ${gateway}`,
          });
        });
      });
    }
  }
  frontIndexes.set(inventory, built);
  return built;
}

const GATEWAY_ROUTES = ['HTTPRoute', 'GRPCRoute'] as const;
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/**
 * The Gateway a route attaches to, for messages: traffic from outside reaches it through that Gateway. A route
 * whose parents are Services only (service-mesh routing) has none and exposes nothing.
 */
function attachedGateway(route: Resource): string | undefined {
  const parents = asRecord(route.object.spec).parentRefs;
  for (const parent of (Array.isArray(parents) ? parents : []).map(asRecord)) {
    if ((parent.kind ?? 'Gateway') !== 'Gateway' || (parent.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) continue;
    if (typeof parent.name !== 'string') continue;
    const namespace = typeof parent.namespace === 'string' ? parent.namespace : route.ref.namespace;
    return `Gateway '${namespace && namespace !== route.ref.namespace ? `${namespace}/` : ''}${parent.name}'`;
  }
  return undefined;
}

/** Every backend of an Ingress and where it is: the default one and each rule path's, in v1 and v1beta1 form. */
function ingressBackends(ingress: Resource): { backend: Record<string, unknown>; path: FieldPath }[] {
  const spec = asRecord(ingress.object.spec);
  const backends: { backend: unknown; path: FieldPath }[] = [
    { backend: spec.defaultBackend, path: ['spec', 'defaultBackend'] },
    { backend: spec.backend, path: ['spec', 'backend'] },
  ];
  (Array.isArray(spec.rules) ? spec.rules : []).forEach((rule, ruleIndex) => {
    const paths = dig(rule, ['http', 'paths']);
    (Array.isArray(paths) ? paths : []).forEach((entry, pathIndex) => {
      backends.push({
        backend: asRecord(entry).backend,
        path: ['spec', 'rules', ruleIndex, 'http', 'paths', pathIndex, 'backend'],
      });
    });
  });
  return backends.flatMap(({ backend, path }) => (backend === undefined ? [] : [{ backend: asRecord(backend), path }]));
}

/** Whether a front's port names one of the Service ports (by number or name); none named: the Service's port. */
function forwardsTo(wanted: unknown, servicePorts: readonly Record<string, unknown>[]): boolean {
  if (wanted === undefined) return true;
  // v1beta1's servicePort is IntOrString; a port name is never all digits, so comparing as strings is exact.
  return servicePorts.some((servicePort) =>
    [servicePort.port, servicePort.name].some((value) => value !== undefined && String(value) === String(wanted)),
  );
}
