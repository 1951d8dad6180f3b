import type { Inventory, PodSpecView } from '../inventory/index.js';
import { commandWords, programName, SYSTEM_NAMESPACES } from '../inventory/pods.js';
import { rbacOf } from '../rbac/model.js';
import { memberships } from '../rbac/subjects.js';
import { parseImage } from './images.js';

/**
 * Programs known to call the Kubernetes API (or to hand the pod's token to a service that checks it, as Vault's
 * Kubernetes auth does), by the last segment of their image repository or the command they run.
 */
const API_CLIENTS = [
  'kubectl',
  'helm',
  'kustomize',
  'argocd',
  'flux',
  'cert-manager',
  'external-dns',
  'external-secrets',
  'kube-state-metrics',
  'prometheus',
  'prometheus-operator',
  'fluent-bit',
  'fluentd',
  'promtail',
  'vector',
  'vault',
  'ingress-nginx',
  'controller',
  'operator',
];
/** Injectors that put a token-using agent into the pod at admission, unseen in the manifest. */
const INJECTING_ANNOTATIONS = ['vault.hashicorp.com/agent-inject'];

/**
 * Why the pod's processes may use its ServiceAccount token, or undefined when the input proves they have no use
 * for it. The criterion, sound as far as the input goes:
 * - the input holds every binding that could name the account: it is a whole cluster with bindings readable, or
 *   it declares the ServiceAccount itself (a repository that ships an account ships its bindings with it);
 * - no binding of the input grants anything to the account or a group it is in: it holds only what every
 *   account holds (discovery, self-review), so a call it made would do nothing;
 * - it is not a system namespace's pod, no container runs a known API client, and no injector adds one.
 */
export function mayUseToken(pod: PodSpecView, inventory: Inventory): string | undefined {
  const name = pod.serviceAccountName;
  const { namespace } = pod;
  if (SYSTEM_NAMESPACES.has(namespace)) return `it runs in ${namespace}, where system components call the API`;
  const bindingsKnown =
    (inventory.complete && !['RoleBinding', 'ClusterRoleBinding'].some((kind) => inventory.unreadable.has(kind))) ||
    inventory.find('ServiceAccount', namespace, name, pod.owner) !== undefined;
  if (!bindingsKnown) {
    return `the input does not define ServiceAccount ${namespace}/${name}: bindings elsewhere may grant it permissions`;
  }
  const rbac = rbacOf(inventory);
  const account = { kind: 'ServiceAccount' as const, namespace, name };
  const binding = memberships(account)
    .flatMap((member) => rbac.bindingsTo(member))
    .find((candidate) => candidate.origin === 'input');
  if (binding) {
    return `${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name} grants ${binding.roleRef.kind} ${binding.roleRef.name} to ServiceAccount ${namespace}/${name} or a group it is in`;
  }
  const annotation = INJECTING_ANNOTATIONS.find((key) => pod.podAnnotations[key] !== undefined);
  if (annotation) return `its annotation ${annotation} has an agent injected that may use the token`;
  for (const container of pod.containers) {
    const repository = parseImage(container.spec.image)?.repository ?? '';
    const programs = [repository.slice(repository.lastIndexOf('/') + 1), ...commandWords(container).map((w) => w.word)];
    const client = programs.map(programName).find((program) => API_CLIENTS.some((known) => program.includes(known)));
    if (client) return `container '${container.spec.name}' runs ${client}, which may call the API`;
  }
  return undefined;
}
