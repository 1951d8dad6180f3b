import type { ContainerView, Inventory, PodSpecView, Resource } from '../inventory/index.js';
import { asRecord, dig } from '../inventory/index.js';
import { matchesLabels } from './selectors.js';

/** A port a Service may forward to: its number, and its name when the container declares one. */
export interface TargetPort {
  readonly number?: number;
  readonly name?: string;
}

/** How traffic reaches a container port through a Service. */
export interface Route {
  readonly service: Resource;
  /** The Ingress forwarding to the Service, when traffic arrives that way. */
  readonly ingress?: Resource;
  /** Reachable from outside the cluster: a LoadBalancer or NodePort Service, external IPs, or an Ingress. */
  readonly external: boolean;
  /** For messages: `NodePort Service 'web'`, `Ingress 'web' (Service 'web')`. */
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

/**
 * Services in the pod's namespace that select its pods and forward to one of `ports`, and the Ingresses routing to
 * those Service ports.
 */
export function routesTo(inventory: Inventory, pod: PodSpecView, ports: readonly TargetPort[]): Route[] {
  const namespace = pod.owner.ref.namespace;
  const routes: Route[] = [];
  for (const service of inventory.inNamespace('Service', namespace)) {
    if (!serviceSelects(service, pod)) continue;
    const spec = asRecord(service.object.spec);
    const servicePorts = (Array.isArray(spec.ports) ? spec.ports : []).map(asRecord).filter((servicePort) => {
      const target = servicePort.targetPort ?? servicePort.port;
      const number = portNumber(target);
      return ports.some((port) =>
        Number.isNaN(number) ? port.name === target : port.number !== undefined && port.number === number,
      );
    });
    if (servicePorts.length === 0) continue;

    routes.push({ service, ...serviceExposure(service) });
    for (const ingress of inventory.inNamespace('Ingress', namespace)) {
      if (!ingressBackends(ingress).some((backend) => routesToServicePort(backend, service.ref.name, servicePorts))) {
        continue;
      }
      routes.push({
        service,
        ingress,
        external: true,
        description: `Ingress '${ingress.ref.name}' (Service '${service.ref.name}')`,
      });
    }
  }
  return routes;
}

/** Every backend of an Ingress: the default one and each rule path's, in networking.k8s.io/v1 and v1beta1 form. */
function ingressBackends(ingress: Resource): Record<string, unknown>[] {
  const spec = asRecord(ingress.object.spec);
  const backends = [spec.defaultBackend, spec.backend];
  for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
    const paths = dig(rule, ['http', 'paths']);
    for (const path of Array.isArray(paths) ? paths : []) backends.push(asRecord(path).backend);
  }
  return backends.filter((backend) => backend !== undefined).map(asRecord);
}

function routesToServicePort(
  backend: Record<string, unknown>,
  serviceName: string,
  servicePorts: readonly Record<string, unknown>[],
): boolean {
  const v1 = asRecord(backend.service);
  const name = v1.name ?? backend.serviceName;
  if (name !== serviceName) return false;
  const port = asRecord(v1.port);
  const wanted = port.number ?? port.name ?? backend.servicePort;
  if (wanted === undefined) return true;
  // v1beta1's servicePort is IntOrString; a port name is never all digits, so comparing as strings is exact.
  return servicePorts.some((servicePort) =>
    [servicePort.port, servicePort.name].some((value) => value !== undefined && String(value) === String(wanted)),
  );
}
