import { asRecord, type Inventory, type PodSpecView, type Resource } from '../inventory/index.js';
import { parseIp } from '../k8s/ip.js';
import { policedWorkloads } from '../k8s/network-isolation.js';
import { type ConnectionPort, METADATA_ENDPOINTS, networkPolicies, type Peer } from '../k8s/network-policies.js';
import { SYSTEM_NAMESPACES } from '../k8s/pod-security.js';
import { podsSelectedBy, portNumber, routesTo } from '../k8s/services.js';
import type { TechniqueId } from '../matrix/types.js';
import { GENERATED_LABELS, listText, manifestText } from './text.js';
import type { FixFile, FixGenerator } from './types.js';
import { withObjects } from './with-objects.js';

/**
 * NetworkPolicies per namespace with workloads: deny all ingress and egress, then allow DNS to the cluster DNS, each
 * Service's ports from the clients the input shows, egress to those Services from the namespace's own pods, and
 * egress outside the cluster but to the instance-metadata endpoints. Every route is then evaluated with the
 * NetworkPolicy engine on the inventory with the policies added: which stay open, which would be cut.
 */

type Json = Record<string, unknown>;

/** The label CoreDNS and kube-dns pods carry in kubeadm, EKS, GKE and AKS clusters. */
const DNS_POD_LABELS = { 'k8s-app': 'kube-dns' };
const DNS_NAMESPACE = 'kube-system';

/** Ingress controllers by image: where the input runs one, its namespace is where Ingress traffic comes from. */
const INGRESS_CONTROLLER_IMAGE =
  /ingress-nginx\/controller|nginx-ingress|traefik|haproxy-ingress|projectcontour\/contour|envoyproxy\/envoy|kong/;

/** A client outside the cluster: an address of TEST-NET-2 (RFC 5737), as good as any public one. */
const OUTSIDE: Peer = { address: parseIp('198.51.100.7') as NonNullable<ReturnType<typeof parseIp>> };
/** A namespace the input does not show: where unknown in-cluster clients live. */
const ELSEWHERE = 'kubematrix-other-namespace';

const byName = (namespace: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': namespace } });

function networkPolicy(namespace: string, name: string, spec: Json): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: GENERATED_LABELS },
    spec,
  };
}

interface ServicePort extends ConnectionPort {
  /** As the policy names it: the container port's number (or its name when the Service targets a name). */
  readonly policyPort: number | string;
}

/** The container ports a Service forwards to in these pods, numbers resolved from the pods' named ports. */
function servicePorts(service: Resource, pods: readonly PodSpecView[]): ServicePort[] {
  const ports = asRecord(service.object.spec).ports;
  const declared = pods.flatMap((pod) => pod.containers.flatMap((container) => container.spec.ports ?? []));
  const seen = new Map<string, ServicePort>();
  for (const raw of Array.isArray(ports) ? ports.map(asRecord) : []) {
    const target = raw.targetPort ?? raw.port;
    const protocol = typeof raw.protocol === 'string' ? raw.protocol : 'TCP';
    const number = portNumber(target);
    const port: ServicePort = Number.isNaN(number)
      ? {
          name: String(target),
          number: declared.find((each) => each.name === target)?.containerPort,
          protocol,
          policyPort: String(target),
        }
      : { number, name: declared.find((each) => each.containerPort === number)?.name, protocol, policyPort: number };
    seen.set(`${port.policyPort}/${protocol}`, port);
  }
  return [...seen.values()];
}

interface Route {
  readonly service: Resource;
  readonly pods: readonly PodSpecView[];
  readonly ports: readonly ServicePort[];
  /** Reached from outside the cluster by the Service itself: LoadBalancer, NodePort, external IPs. */
  readonly direct: boolean;
  /** Fronted by an Ingress or a Gateway route, whose controller forwards from inside the cluster. */
  readonly fronted: boolean;
}

function routesIn(inventory: Inventory, namespace: string, pods: readonly PodSpecView[]): Route[] {
  const policed = new Set(pods);
  return inventory.inNamespace('Service', namespace).flatMap((service) => {
    // Both in the inventory's order.
    const selected = podsSelectedBy(inventory, service).filter((pod) => policed.has(pod));
    const ports = servicePorts(service, selected);
    if (!selected.length || !ports.length) return [];
    const routes = selected.flatMap((pod) => routesTo(inventory, pod)).filter((route) => route.service === service);
    return [
      {
        service,
        pods: selected,
        ports,
        direct: routes.some((route) => route.external && route.via === undefined),
        fronted: routes.some((route) => route.via !== undefined),
      },
    ];
  });
}

function ingressControllerNamespaces(inventory: Inventory): string[] {
  const namespaces = inventory.podSpecs
    .filter((pod) => pod.containers.some((container) => INGRESS_CONTROLLER_IMAGE.test(String(container.spec.image))))
    .map((pod) => pod.namespace);
  return [...new Set(namespaces)].sort();
}

const policyPorts = (ports: readonly ServicePort[]) =>
  ports.map((port) => ({ protocol: port.protocol ?? 'TCP', port: port.policyPort }));

/** Who each route admits, as the policy's ingress rules, and how the header says it. */
function sourcesOf(route: Route, controllers: readonly string[]): { rules: Json[]; text: string } {
  const ports = policyPorts(route.ports);
  if (route.direct) return { rules: [{ ports }], text: 'from anywhere: it is reached from outside the cluster' };
  const sameNamespace = { podSelector: {} };
  if (route.fronted && controllers.length)
    return {
      rules: [
        { from: [sameNamespace, ...controllers.map((namespace) => ({ namespaceSelector: byName(namespace) }))], ports },
      ],
      text: `from its namespace and the ingress controller's (${listText(controllers)})`,
    };
  if (route.fronted)
    return {
      rules: [{ from: [sameNamespace, { namespaceSelector: {} }], ports }],
      text: "from every namespace: an Ingress routes to it, and the input does not show the ingress controller's namespace",
    };
  return {
    rules: [{ from: [sameNamespace], ports }],
    text: 'from its own namespace only: clients in other namespaces are unknowable from the input; add their namespaces to the rule',
  };
}

function policiesFor(
  namespace: string,
  routes: readonly Route[],
  controllers: readonly string[],
): { objects: Json[]; lines: string[] } {
  const lines: string[] = [];
  const objects = [
    networkPolicy(namespace, 'kubematrix-default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    networkPolicy(namespace, 'kubematrix-allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: byName(DNS_NAMESPACE), podSelector: { matchLabels: DNS_POD_LABELS } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    networkPolicy(namespace, 'kubematrix-allow-outside-but-metadata', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } },
            { ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } },
          ],
        },
      ],
    }),
  ];
  if (routes.length)
    objects.push(
      networkPolicy(namespace, 'kubematrix-allow-to-services', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: routes.map((route) => ({
          to: [{ podSelector: { matchLabels: asRecord(asRecord(route.service.object.spec).selector) } }],
          ports: policyPorts(route.ports),
        })),
      }),
    );
  for (const route of routes) {
    const sources = sourcesOf(route, controllers);
    lines.push(`Service ${route.service.ref.name}: allowed ${sources.text}.`);
    objects.push(
      networkPolicy(namespace, `kubematrix-allow-${route.service.ref.name}`.slice(0, 253), {
        podSelector: { matchLabels: asRecord(asRecord(route.service.object.spec).selector) },
        policyTypes: ['Ingress'],
        ingress: sources.rules,
      }),
    );
  }
  return { objects, lines };
}

/** A route's clients, as peers of its pods. */
function clientsOf(route: Route, controllers: readonly string[]): { peer: Peer; text: string }[] {
  const namespace = route.service.ref.namespace ?? '';
  return [
    { peer: { namespace, labels: {} }, text: `pods of ${namespace}` },
    { peer: { namespace: ELSEWHERE, labels: {} }, text: 'pods of other namespaces' },
    ...controllers.map((controller) => ({
      peer: { namespace: controller, labels: {} },
      text: `the ingress controller in ${controller}`,
    })),
    // Behind a known ingress controller only, outside clients arrive from the controller's pods, not their own address.
    ...(route.direct || (route.fronted && !controllers.length) ? [{ peer: OUTSIDE, text: 'outside the cluster' }] : []),
  ];
}

/** Whether every pod of the route accepts the client on every port of it. */
function reaches(inventory: Inventory, pods: readonly PodSpecView[], route: Route, peer: Peer): boolean {
  const index = networkPolicies(inventory);
  return pods.every((pod) => route.ports.every((port) => index.connection(pod, 'Ingress', peer, port).allowed));
}

/** The checks whose findings these files close. */
export const networkPolicyChecks: ReadonlySet<string> = new Set(['network-policy', 'metadata-egress']);

/** Default-deny NetworkPolicies and the flows the input shows, per namespace with workloads. */
export const networkPolicyFixes: FixGenerator = (context) => {
  const { inventory } = context;
  const controllers = ingressControllerNamespaces(inventory);
  const files: FixFile[] = [];
  for (const [namespace, pods] of policedWorkloads(inventory)) {
    if (SYSTEM_NAMESPACES.has(namespace)) continue;
    const routes = routesIn(inventory, namespace, pods);
    const { objects, lines } = policiesFor(namespace, routes, controllers);
    const after = withObjects(inventory, objects);
    const afterPods = policedWorkloads(after).get(namespace) ?? [];
    const afterByName = new Map<string, number[]>();
    afterPods.forEach((pod, index) => {
      const listed = afterByName.get(pod.owner.ref.name);
      if (listed) listed.push(index);
      else afterByName.set(pod.owner.ref.name, [index]);
    });
    const open: string[] = [];
    const breaks: string[] = [];
    for (const route of routes) {
      const name = `Service ${namespace}/${route.service.ref.name}`;
      // The route's workloads after the files, by name, each once and in the inventory's order.
      const afterRoute = [...new Set(route.pods.map((pod) => pod.owner.ref.name))]
        .flatMap((each) => afterByName.get(each) ?? [])
        .sort((a, b) => a - b)
        .map((index) => afterPods[index] as PodSpecView);
      for (const { peer, text } of clientsOf(route, controllers)) {
        const before = reaches(inventory, route.pods, route, peer);
        const later = reaches(after, afterRoute, route, peer);
        if (later) open.push(`${name} from ${text}`);
        else if (before) breaks.push(`${name} is cut for ${text}, which reach it today.`);
      }
    }
    const index = networkPolicies(after);
    const metadataOpen = afterPods.filter((pod) =>
      METADATA_ENDPOINTS.some(({ address }) => index.egressTo(pod, address).allowed),
    );
    const closes = context.findings.filter(
      (finding) =>
        networkPolicyChecks.has(finding.checkId) &&
        (finding.resource.namespace === namespace ||
          (finding.resource.kind === 'Namespace' && finding.resource.name === namespace)),
    );
    const techniques = [...new Set(closes.flatMap((finding) => finding.techniques))].sort() as TechniqueId[];
    const header = [
      `kubematrix fix: NetworkPolicies for namespace ${namespace} (MS-M9014 network segmentation, MS-M9018 metadata API)`,
      'Denies all ingress and egress, then allows: DNS to the cluster DNS (kube-system pods labelled k8s-app: kube-dns, UDP and TCP 53);',
      'egress outside the cluster except the instance-metadata endpoints 169.254.169.254 and fd00:ec2::254 (which external endpoints the workloads call is unknowable from the input: narrow it when you know; some network plugins also match pod IPs with it);',
      'egress to the Services of the namespace, on their ports; and ingress to each Service:',
      ...lines.map((line) => `  ${line}`),
      "NetworkPolicies add up: the input's own policies in this namespace still allow what they allow.",
      `Stays open after: ${open.length ? `${listText(open)}.` : 'no Service route.'}`,
      metadataOpen.length
        ? `The metadata endpoint stays reachable from ${listText(metadataOpen.map((pod) => `${pod.owner.ref.kind} ${pod.owner.ref.name}`))}: another policy of the input allows it.`
        : 'The metadata endpoint is out of reach of every pod of the namespace.',
      `Closes: ${closes.length ? `${closes.length} finding${closes.length === 1 ? '' : 's'} of network-policy and metadata-egress (${techniques.join(', ')}).` : 'no finding of the scan; it keeps new workloads of the namespace isolated.'}`,
      breaks.length ? `Would break: ${breaks.join(' ')}` : 'Would break: no route the input shows.',
    ];
    files.push({
      path: `MS-M9014-network-policies/${namespace}.yaml`,
      mitigation: 'MS-M9014',
      text: manifestText(header, objects),
      creates: objects,
      closes: { techniques, findings: closes.map((finding) => finding.id) },
      breaks,
    });
  }
  return files;
};
