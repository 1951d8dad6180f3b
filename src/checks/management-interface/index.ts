import type { FieldPath } from '../../inputs/path.js';
import { asRecord, type ContainerView, type Inventory, type PodSpecView } from '../../inventory/index.js';
import { type CommandWord, commandWords, programName, tokenMount } from '../../inventory/pods.js';
import { imageName, parseImage } from '../../k8s/images.js';
import { type Cidr, cidrContains, parseCidr, parseIp } from '../../k8s/ip.js';
import {
  declaredPorts,
  portNumber,
  routesTo,
  type TargetPort,
  type UnmatchedService,
  unmatchedExternalServices,
} from '../../k8s/services.js';
import type { Severity } from '../../model/report.js';
import { formatBinding, formatRole, formatSubject } from '../../rbac/format.js';
import { type RiskIndex, riskOf, worst } from '../../rbac/risky.js';
import { subjectKey } from '../../rbac/subjects.js';
import type { Subject } from '../../rbac/types.js';
import { accountField, accountPower, podAccount } from '../account-power.js';
import { defineCheck, type FindingDraft } from '../define.js';

interface ManagementInterface {
  readonly name: string;
  /** Matched against `registry/repository:tag`, e.g. `docker.io/kubernetesui/dashboard:v2.7.0`. */
  readonly image?: RegExp;
  /**
   * Finds the word that starts the interface. With `image`, it must match too (one image, several programs, e.g.
   * Argo CD); alone, it recognises the interface in any image.
   */
  readonly command?: (words: readonly CommandWord[]) => CommandWord | undefined;
  /** Where it listens by default: the ports a Service would forward to. */
  readonly ports: readonly number[];
  /** A declared containerPort among `ports` is specific enough to recognise it without its image. */
  readonly portIdentifies?: boolean;
  /** Calls the Kubernetes API with its pod's ServiceAccount: whoever drives it holds that account's power. */
  readonly actsAsAccount?: boolean;
}

const program = (name: string) => (words: readonly CommandWord[]) =>
  words.find(({ word }) => programName(word) === name);
const DOCKER_API_PORTS = [2375, 2376];

const DASHBOARD: ManagementInterface = {
  name: 'the Kubernetes Dashboard',
  // Not its metrics scraper (`dashboard-metrics-scraper` since v7), which serves no UI.
  image: /\/(?:kubernetesui\/dashboard(?!-metrics-scraper)[\w-]*|kubernetes-dashboard(?:-\w+)?)(?::|$)/,
  ports: [8443, 9090],
  actsAsAccount: true,
};
/** The Dashboard's own ServiceAccount, in the namespaces its manifests and charts install it to. */
const DASHBOARD_ACCOUNT = 'kubernetes-dashboard';
const DASHBOARD_NAMESPACES = new Set(['kubernetes-dashboard', 'kube-system']);
/** The roles its manifests and chart bind to it: `kubernetes-dashboard`, `kubernetes-dashboard-api`, … */
const DASHBOARD_ROLE = /^kubernetes-dashboard(?:-|$)/;
/** Images of the Dashboard's helpers, which share its account but serve nothing. */
const DASHBOARD_HELPER = /metrics-scraper/;

/** Management UIs and APIs that hand whoever reaches them control over workloads, data or the cluster. */
const CATALOGUE: readonly ManagementInterface[] = [
  DASHBOARD,
  { name: 'the Argo CD server', image: /\/argoproj\/argocd(?::|$)/, command: program('argocd-server'), ports: [8080] },
  {
    name: 'the Argo Workflows server',
    image: /\/argoproj\/argocli(?::|$)/,
    command: (words) => words.find(({ word }) => word === 'server'),
    ports: [2746],
    portIdentifies: true,
  },
  { name: 'the Kubeflow central dashboard', image: /\/centraldashboard[\w-]*(?::|$)/, ports: [8082] },
  { name: 'a Kubeflow notebook', image: /\/kubeflownotebookswg\/(?:jupyter|codeserver|rstudio)/, ports: [8888] },
  {
    name: 'Jupyter',
    image: /\/jupyter(?:hub)?\/|\/jupyter[\w.-]*(?::|$)|-notebook(?::|$)/,
    ports: [8888, 8000],
  },
  { name: 'Weave Scope', image: /\/weaveworks\/scope(?::|$)/, ports: [4040] },
  // Any repository: Tiller is mostly pulled from mirrors (`gcr.io/kubernetes-helm/tiller`, `…/google_containers/tiller`).
  { name: 'Helm Tiller', image: /\/tiller(?::|$)/, ports: [44134], portIdentifies: true },
  // Client and peer ports: either hands over the cluster's whole state to whoever holds no client certificate.
  { name: 'etcd', image: /\/etcd(?::|$)/, ports: [2379, 2380], portIdentifies: true },
  // The kubelet's API (10250) and read-only port (10255): whoever reaches them lists, and may exec into, pods.
  { name: 'the kubelet API', ports: [10250, 10255], portIdentifies: true },
  { name: 'the Docker Engine API', image: /^docker\.io\/library\/docker:[\w.-]*dind/, ports: DOCKER_API_PORTS },
  {
    name: 'the Docker Engine API',
    // `dockerd -H tcp://0.0.0.0:2375`, `--host=tcp://…`
    command: (words) =>
      words.some(({ word }) => programName(word) === 'dockerd')
        ? words.find(
            ({ word }, index) =>
              /^(?:-H|--host)=?tcp:\/\//.test(word) ||
              (['-H', '--host'].includes(word) && /^tcp:\/\//.test(words[index + 1]?.word ?? '')),
          )
        : undefined,
    ports: DOCKER_API_PORTS,
    portIdentifies: true,
  },
  { name: 'Kibana', image: /\/kibana(?:-oss)?(?::|$)/, ports: [5601], portIdentifies: true },
  { name: 'Grafana', image: /\/grafana(?:-oss|-enterprise)?(?::|$)/, ports: [3000] },
  { name: 'Prometheus', image: /\/prometheus(?::|$)/, ports: [9090] },
  { name: 'Alertmanager', image: /\/alertmanager(?::|$)/, ports: [9093] },
  { name: 'Consul', image: /\/consul(?:-enterprise)?(?::|$)/, ports: [8500], portIdentifies: true },
  { name: 'Apache NiFi', image: /\/apache\/nifi(?::|$)/, ports: [8080, 8443] },
  { name: 'Portainer', image: /\/portainer\/portainer(?:-ce|-ee)?(?::|$)/, ports: [9000, 9443] },
  { name: 'Rancher', image: /\/rancher\/rancher(?::|$)/, ports: [80, 443] },
  { name: 'Jenkins', image: /\/jenkins(?:ci)?\/(?:jenkins|blueocean)(?::|$)/, ports: [8080] },
];

interface Recognised {
  readonly entry: ManagementInterface;
  /** The field that gives it away: the image, the command word, or the port. */
  readonly path: FieldPath;
}

/** The interface a container runs, by image (and command), else by command alone, else by a telling port. */
function recognise(container: ContainerView): Recognised | undefined {
  const reference = parseImage(container.spec.image);
  const image = reference && `${imageName(reference)}${reference.tag ? `:${reference.tag}` : ''}`;
  const words = commandWords(container);
  for (const entry of CATALOGUE) {
    if (entry.image && !(image && entry.image.test(image))) continue;
    const word = entry.command?.(words);
    if (entry.command && !word) continue;
    if (entry.image) return { entry, path: [...container.path, 'image'] };
    if (word) return { entry, path: word.path };
  }
  for (const entry of CATALOGUE) {
    if (!entry.portIdentifies) continue;
    const index = container.spec.ports?.findIndex((port) => entry.ports.includes(port.containerPort ?? -1)) ?? -1;
    if (index >= 0) return { entry, path: [...container.path, 'ports', index, 'containerPort'] };
  }
  return undefined;
}

/** Flags that set where a server listens: Tiller's `--listen`, dockerd's `-H`/`--host`, `--bind-address`, … */
const LISTEN_FLAG = /^--?(?:listen(?:-address|-addr)?|address|addr|bind(?:-address)?|host|H|web\.listen-address)$/;
const LOOPBACK = ['127.0.0.0/8', '::1/128'].map((block) => parseCidr(block) as Cidr);

/** The host of a listen address (`localhost:44134`, `tcp://127.0.0.1:2375`, `[::1]:80`, `:8080`); none for a socket file. */
function listenHost(value: string): string | undefined {
  if (value.startsWith('unix:') || value.startsWith('/')) return undefined;
  const address = value.replace(/^[a-z]+:\/\//, '');
  const bracketed = /^\[([^\]]*)\]/.exec(address);
  if (bracketed) return bracketed[1];
  const colons = address.split(':').length - 1;
  // One colon separates the port; more are an IPv6 address without one.
  return colons === 1 ? address.slice(0, address.indexOf(':')) : address;
}

function isLoopback(host: string): boolean {
  const address = parseIp(host);
  return host === 'localhost' || (address !== undefined && LOOPBACK.some((block) => cidrContains(block, address)));
}

/**
 * Whether the container's command binds its server to the loopback interface only (`tiller --listen=localhost:44134`,
 * `dockerd -H tcp://127.0.0.1:2375`): then only its own pod reaches it, and no Service or other pod does.
 */
function listensOnLoopbackOnly(container: ContainerView): boolean {
  const words = commandWords(container);
  const hosts = words.flatMap(({ word }, index) => {
    const [flag = '', inline] = word.split(/=(.*)/s);
    if (!LISTEN_FLAG.test(flag)) return [];
    const value = inline ?? words[index + 1]?.word;
    const host = value === undefined ? undefined : listenHost(value);
    return host === undefined ? [] : [host];
  });
  return hosts.length > 0 && hosts.every(isLoopback);
}

/** Why the pod's ServiceAccount is the Dashboard's, when it is: its name, or a binding to the Dashboard's role. */
function dashboardAccount(pod: PodSpecView, risk: RiskIndex): string | undefined {
  const account = podAccount(pod);
  if (account.name === DASHBOARD_ACCOUNT && DASHBOARD_NAMESPACES.has(account.namespace ?? '')) {
    return "the Kubernetes Dashboard's account";
  }
  const binding = risk.rbac
    .bindingsTo(account)
    .find((candidate) => candidate.origin === 'input' && DASHBOARD_ROLE.test(candidate.roleRef.name));
  if (!binding) return undefined;
  const role = binding.role ? formatRole(binding.role) : `${binding.roleRef.kind} ${binding.roleRef.name}`;
  return `bound to the Kubernetes Dashboard's ${role} by ${formatBinding(binding)}`;
}

/**
 * The interface an outside-facing Service without a workload in the input fronts: the Dashboard by its manifests'
 * name or selector, others by a port that identifies them (Tiller's 44134, etcd's 2379, the kubelet's 10250, …).
 */
function recogniseService({ service }: UnmatchedService): { entry: ManagementInterface; path: FieldPath } | undefined {
  const spec = asRecord(service.object.spec);
  if (service.ref.name === DASHBOARD_ACCOUNT || asRecord(spec.selector)['k8s-app'] === DASHBOARD_ACCOUNT) {
    return { entry: DASHBOARD, path: ['metadata', 'name'] };
  }
  const ports = (Array.isArray(spec.ports) ? spec.ports : []).map(asRecord);
  for (const [index, port] of ports.entries()) {
    const number = portNumber(port.targetPort ?? port.port);
    const entry = CATALOGUE.find((candidate) => candidate.portIdentifies && candidate.ports.includes(number));
    if (entry) return { entry, path: ['spec', 'ports', index, port.targetPort === undefined ? 'port' : 'targetPort'] };
  }
  return undefined;
}

/** The Dashboard's own accounts: `kubernetes-dashboard`, and its chart's `kubernetes-dashboard-api`, `-web`, … */
function isDashboardAccount(subject: Subject): boolean {
  return (
    subject.kind === 'ServiceAccount' &&
    DASHBOARD_NAMESPACES.has(subject.namespace ?? '') &&
    DASHBOARD_ROLE.test(subject.name)
  );
}

/**
 * Access to the Dashboard through RBAC, where no workload of the input says it: another subject bound to the
 * Dashboard's roles holds what the Dashboard holds; the Dashboard's account bound to another role hands that role to
 * whoever reaches the Dashboard. Accounts a workload of the input runs as are judged on that workload.
 */
function reportDashboardBindings(inventory: Inventory, risk: RiskIndex, report: (draft: FindingDraft) => void): void {
  const runAs = new Set(inventory.podSpecs.map((pod) => subjectKey(podAccount(pod))));
  for (const binding of risk.rbac.bindings) {
    if (binding.origin !== 'input' || !binding.resource) continue;
    const dashboardRole = DASHBOARD_ROLE.test(binding.roleRef.name);
    const role = binding.role ? formatRole(binding.role) : `${binding.roleRef.kind} ${binding.roleRef.name}`;
    for (const { subject, index } of binding.subjects) {
      if (runAs.has(subjectKey(subject)) || dashboardRole === isDashboardAccount(subject)) continue;
      if (dashboardRole) {
        report({
          resource: binding.resource,
          path: ['subjects', index],
          message: `${formatSubject(subject)} is bound to the Kubernetes Dashboard's ${role} by ${formatBinding(binding)}: it holds the access meant for the Dashboard alone`,
        });
        continue;
      }
      const power = accountPower(risk, subject);
      report({
        resource: binding.resource,
        path: ['roleRef'],
        severity: worst(['medium', power?.severity ?? 'medium']) ?? 'medium',
        message: `${formatSubject(subject)}, the Kubernetes Dashboard's account, is bound to ${role} by ${formatBinding(binding)}: whoever reaches the Dashboard acts with it${power ? `, and can ${power.can}` : ''}`,
      });
    }
  }
}

interface Reach {
  readonly severity: Severity;
  readonly text: string;
}

/** Where clients reach the interface from: medium inside the cluster, high from outside. */
function reach(inventory: Inventory, pod: PodSpecView, ports: readonly TargetPort[]): Reach {
  const exposed = routesTo(inventory, pod, ports).find((route) => route.external);
  return exposed
    ? { severity: 'high', text: `reachable from outside the cluster through ${exposed.description}` }
    : { severity: 'medium', text: 'reachable from inside the cluster' };
}

/**
 * The account an interface acts as, and what it may do: whoever drives the interface does the same. Its severity
 * counts whatever the namespace: a Dashboard in kube-system is no system component.
 */
function acting(inventory: Inventory, risk: RiskIndex, pod: PodSpecView, base: Reach, why?: string): Reach {
  const account = podAccount(pod);
  const power = tokenMount(pod, inventory).mounted ? accountPower(risk, account) : undefined;
  const as = `, acting as ${formatSubject(account)}${why ? ` (${why})` : ''}`;
  if (!power) return { severity: base.severity, text: `${base.text}${as}` };
  return {
    severity: worst([base.severity, power.severity]) ?? base.severity,
    text: `${base.text}${as}, which can ${power.can}`,
  };
}

export default defineCheck({
  id: 'management-interface',
  title: 'Management interface',
  severity: 'medium',
  exposes: ['MS-TA9005'],
  missing: [],
  description:
    "A container runs a management UI or API (Kubernetes Dashboard, Argo, Jupyter, Kubeflow, Tiller, etcd, the kubelet API, the Docker API, Kibana, Grafana, Prometheus, Consul, …), recognised by image, command or port, unless its command binds it to the loopback interface only (`--listen=localhost:44134`, `-H tcp://127.0.0.1:2375`); or a workload runs as the Kubernetes Dashboard's ServiceAccount (`kubernetes-dashboard` in namespace `kubernetes-dashboard` or `kube-system`, or one bound to a role named `kubernetes-dashboard…`) whatever its image; or RBAC opens the Dashboard's access where no workload of the input shows it: another subject bound to its roles, or its account bound to another role (with what that role can do). High when a LoadBalancer or NodePort Service, `externalIPs`, an Ingress or a Gateway API route (HTTPRoute, GRPCRoute attached to a Gateway) exposes it. Such a Service whose workload is not in the input is reported itself (high) when its name or selector is the Dashboard's or a port identifies the interface (Tiller, etcd, the kubelet, the Docker API, Kibana, Consul). For the Dashboard, the finding names the account it acts as and that account's risky permissions, and is as severe as they are.",
  rationale:
    'These tools exist to run things: deploy workloads, execute notebooks, read secrets and metrics. Many ship without authentication or with default credentials, so whoever reaches one drives it with its own, usually broad, service account. Exposed to the internet they are found by scanners within hours; inside the cluster they turn any compromised pod into a cluster operator. The Dashboard with `--enable-skip-login`, or in front of a proxy that logs in for the user, acts with its own account: bound to cluster-admin, it hands the cluster to whoever opens it.',
  remediation:
    "Keep the interface on a ClusterIP Service and reach it through `kubectl port-forward` or an authenticating proxy (SSO, mTLS); enable its own authentication; restrict who may connect with a NetworkPolicy; and grant its service account only what it needs (the Dashboard's own account needs no more than its metrics: users log in with their own tokens).",
  run({ inventory, report }) {
    const risk = riskOf(inventory);
    for (const pod of inventory.podSpecs) {
      let recognisedAny = false;
      for (const container of pod.containers) {
        const recognised = recognise(container);
        if (!recognised || listensOnLoopbackOnly(container)) continue;
        recognisedAny = true;
        const { entry, path } = recognised;
        const ports = [...declaredPorts(container), ...entry.ports.map((number) => ({ number }))];
        const base = reach(inventory, pod, ports);
        const where = entry.actsAsAccount ? acting(inventory, risk, pod, base) : base;
        report({
          resource: pod.owner,
          path,
          severity: where.severity,
          message: `container '${container.spec.name}' runs ${entry.name}, ${where.text}`,
        });
      }
      if (recognisedAny || pod.containers.every((c) => DASHBOARD_HELPER.test(c.spec.image ?? ''))) continue;
      // A mirrored or rebuilt Dashboard image escapes the catalogue; the account it needs does not.
      const why = dashboardAccount(pod, risk);
      if (!why) continue;
      const ports = [...pod.containers.flatMap(declaredPorts), ...DASHBOARD.ports.map((number) => ({ number }))];
      const where = acting(inventory, risk, pod, reach(inventory, pod, ports), why);
      const { ref } = pod.owner;
      report({
        resource: pod.owner,
        path: accountField(pod),
        severity: where.severity,
        message: `${ref.kind} '${ref.name}' serves ${DASHBOARD.name}, ${where.text}`,
      });
    }
    reportDashboardBindings(inventory, risk, report);
    // The interface's workload may be deployed from elsewhere; its Service here still opens it to the outside.
    for (const unmatched of unmatchedExternalServices(inventory)) {
      const recognised = recogniseService(unmatched);
      if (!recognised) continue;
      report({
        resource: unmatched.service,
        path: recognised.path,
        severity: 'high',
        message: `${unmatched.description} exposes ${recognised.entry.name} outside the cluster, and ${unmatched.why}`,
      });
    }
  },
});
