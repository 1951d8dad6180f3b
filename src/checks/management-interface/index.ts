import type { FieldPath } from '../../inputs/path.js';
import type { ContainerView } from '../../inventory/index.js';
import { type CommandWord, commandWords, programName } from '../../inventory/pods.js';
import { imageName, parseImage } from '../../k8s/images.js';
import { declaredPorts, routesTo } from '../../k8s/services.js';
import { defineCheck } from '../define.js';

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
}

const program = (name: string) => (words: readonly CommandWord[]) =>
  words.find(({ word }) => programName(word) === name);
const DOCKER_API_PORTS = [2375, 2376];

/** Management UIs and APIs that hand whoever reaches them control over workloads, data or the cluster. */
const CATALOGUE: readonly ManagementInterface[] = [
  {
    name: 'the Kubernetes Dashboard',
    image: /\/(?:kubernetesui\/dashboard[\w-]*|kubernetes-dashboard(?:-\w+)?)(?::|$)/,
    ports: [8443, 9090],
  },
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
  { name: 'etcd', image: /\/etcd(?::|$)/, ports: [2379], portIdentifies: true },
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

export default defineCheck({
  id: 'management-interface',
  title: 'Management interface',
  severity: 'medium',
  exposes: ['MS-TA9005'],
  missing: [],
  description:
    'A container runs a management UI or API (Kubernetes Dashboard, Argo, Jupyter, Kubeflow, Tiller, etcd, the Docker API, Kibana, Grafana, Prometheus, Consul, …), recognised by image, command or port. High when a LoadBalancer or NodePort Service or an Ingress exposes it.',
  rationale:
    'These tools exist to run things: deploy workloads, execute notebooks, read secrets and metrics. Many ship without authentication or with default credentials, so whoever reaches one drives it with its own, usually broad, service account. Exposed to the internet they are found by scanners within hours; inside the cluster they turn any compromised pod into a cluster operator.',
  remediation:
    'Keep the interface on a ClusterIP Service and reach it through `kubectl port-forward` or an authenticating proxy (SSO, mTLS); enable its own authentication; restrict who may connect with a NetworkPolicy; and grant its service account only what it needs.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const recognised = recognise(container);
        if (!recognised) continue;
        const { entry, path } = recognised;
        const ports = [...declaredPorts(container), ...entry.ports.map((number) => ({ number }))];
        const exposed = routesTo(inventory, pod, ports).find((route) => route.external);
        report({
          resource: pod.owner,
          path,
          severity: exposed ? 'high' : 'medium',
          message: `container '${container.spec.name}' runs ${entry.name}, reachable ${exposed ? `from outside the cluster through ${exposed.description}` : 'from inside the cluster'}`,
        });
      }
    }
  },
});
