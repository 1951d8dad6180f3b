import { asRecord } from '../../inventory/index.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget, objectName, Recent, WORKLOAD_RESOURCES, writtenPodSpec, wrote } from '../objects.js';

interface Added {
  readonly name: string;
  readonly image: string;
}

/** Containers a JSON patch appends or inserts: `{"op": "add", "path": "/spec/template/spec/containers/-", …}`. */
function addedByJsonPatch(patch: unknown): Added[] {
  if (!Array.isArray(patch)) return [];
  return patch.flatMap((operation) => {
    const { op, path, value } = asRecord(operation);
    if (op !== 'add' || typeof path !== 'string' || !/\/(?:init)?[cC]ontainers\/(?:-|\d+)$/.test(path)) return [];
    const { name, image } = asRecord(value);
    return [{ name: String(name ?? 'unnamed'), image: String(image ?? 'no image') }];
  });
}

function describeAdded(added: readonly Added[]): string {
  return added.map(({ name, image }) => `'${name}' (${image})`).join(', ');
}

export default defineDetection<Recent<readonly string[]>>({
  id: 'container-added-to-workload',
  title: 'Container added to an existing workload',
  severity: 'medium',
  techniques: ['MS-TA9011'],
  description:
    "A workload controller's pod template gains a container or init container (by update or patch), or a running pod gets an ephemeral container (`pods/ephemeralcontainers`, what `kubectl debug` writes). An addition is known from a JSON patch's `add` operation, or by comparing with the containers the log showed for the same object earlier.",
  rationale:
    'A sidecar slipped into an existing Deployment runs beside the application with its service account, volumes and network, and looks like part of it: a quiet way to run code and reach its secrets. An ephemeral container is a shell inside a running pod, sharing its processes with `--target`.',
  response:
    "Compare the template with its previous revision (`kubectl rollout history … --revision=N`) and with the source it is deployed from; remove the container if nobody vouches for it and rotate what the pod's service account and mounted secrets give access to. For ephemeral containers, ask who debugged the pod and why.",
  fields: [
    'verb',
    'objectRef.resource',
    'objectRef.subresource',
    'requestObject.spec.template.spec.containers[].name',
    'requestObject.spec.ephemeralContainers[]',
    'responseObject.spec.template.spec.containers[].name',
  ],
  level: 'Request',
  benign:
    'Releases that add a sidecar (a log forwarder, a proxy), `kubectl debug` sessions by on-call engineers, and tools that patch templates to inject agents. Deployment tools doing this routinely may be allow-listed in `audit.allow.users`.',
  baseline:
    'Outside JSON patches and ephemeral containers, an addition is seen only against the containers the same log (or a long-running `audit serve`) showed for the object before; the first write seen of an object only teaches its containers.',
  on: {
    verbs: ['create', 'update', 'patch'],
    resources: [...WORKLOAD_RESOURCES.filter((resource) => resource !== 'pods'), 'pods/ephemeralcontainers'],
  },
  initialState: () => new Recent<readonly string[]>(),
  detect(event, { state, alert }) {
    if (!applied(event)) return;
    if (event.objectRef?.subresource === 'ephemeralcontainers') {
      if (event.verb === 'create') return;
      const pod = writtenPodSpec(event, 'body');
      const ephemeral = (pod?.containers ?? []).filter((container) => container.group === 'ephemeralContainers');
      const added = ephemeral.map((container) => ({
        name: container.spec.name,
        image: container.spec.image ?? 'no image',
      }));
      alert({
        message: `${describeTarget(event)} got an ephemeral container${added.length ? ` ${describeAdded(added)}` : ''}: a shell-like process inside the running pod`,
      });
      return;
    }
    const key = `${event.objectRef?.resource ?? ''}\0${event.objectRef?.namespace ?? ''}\0${objectName(event) ?? ''}`;
    const pod = writtenPodSpec(event, 'result');
    const now = (pod?.containers ?? []).filter((container) => container.group !== 'ephemeralContainers');
    const before = state.get(key);
    // A patch without its result holds only the containers it changes: add them to what was known.
    const whole = event.verb !== 'patch' || (typeof event.responseObject === 'object' && event.responseObject !== null);
    const names = now.map((container) => container.spec.name);
    state.set(key, whole ? names : [...new Set([...(before ?? []), ...names])]);
    if (event.verb === 'create') return;
    const added = [
      ...(before
        ? now
            .filter((container) => !before.includes(container.spec.name))
            .map((container) => ({ name: container.spec.name, image: container.spec.image ?? 'no image' }))
        : []),
      ...addedByJsonPatch(event.requestObject),
    ];
    const unique = [...new Map(added.map((container) => [container.name, container])).values()];
    if (!unique.length) return;
    alert({
      message: `${describeTarget(event)} was ${wrote(event)} adding container${unique.length > 1 ? 's' : ''} ${describeAdded(unique)} to its pod template`,
    });
  },
});
