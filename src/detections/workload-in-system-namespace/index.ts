import { SYSTEM_NAMESPACES } from '../../inventory/pods.js';
import { MIRROR_ANNOTATION } from '../../k8s/components.js';
import { isSystemComponentImage } from '../../k8s/system-names.js';
import { defineDetection } from '../define.js';
import {
  applied,
  describeTarget,
  firstOfController,
  imagesOf,
  Recent,
  WORKLOAD_RESOURCES,
  writtenPodSpec,
} from '../objects.js';

export default defineDetection<Recent>({
  id: 'workload-in-system-namespace',
  title: 'Workload created in a system namespace',
  severity: 'medium',
  techniques: ['MS-TA9023'],
  description:
    "A pod or workload controller is created in kube-system, kube-public or kube-node-lease by an identity that is not allow-listed (medium), or a controller there starts a pod that runs none of the known system components' images (coredns, kube-proxy, metrics-server, CNI agents, control plane: low, once per controller). Mirror pods are the static-pod rule's.",
  rationale:
    "System namespaces hold the cluster's own components, are granted node-level power and are rarely watched pod by pod: an attacker's workload placed there blends in with them and is easy to miss in `kubectl get pods -A`.",
  response:
    'Check who created it and what it runs; compare with the add-ons the cluster is meant to have. Delete it if nobody vouches for it, and restrict who may create workloads in system namespaces.',
  fields: [
    'user.username',
    'objectRef.namespace',
    'objectRef.resource',
    'requestObject.spec.containers[].image',
    'requestObject.metadata.ownerReferences',
  ],
  level: 'Request',
  benign:
    "Installing cluster add-ons into kube-system by hand or with Helm (ingress controllers, CSI drivers, autoscalers, cloud load-balancer controllers); their controllers' pods then alert once each at low severity because their images are not among the core components this rule knows. Allow-list the installing identity in `audit.allow.users`.",
  everyone: true,
  on: { verbs: ['create'], resources: WORKLOAD_RESOURCES },
  initialState: () => new Recent(),
  detect(event, { state, allowed, alert }) {
    const namespace = event.objectRef?.namespace ?? '';
    if (!SYSTEM_NAMESPACES.has(namespace) || !applied(event)) return;
    if (!allowed) {
      alert({
        message: `${describeTarget(event)} was created in system namespace ${namespace} by an identity that is not a system component`,
      });
      return;
    }
    const pod = writtenPodSpec(event);
    if (!pod || pod.owner.annotations[MIRROR_ANNOTATION] !== undefined) return;
    const running = pod.containers.filter((container) => container.group === 'containers');
    if (!running.length || running.some((container) => isSystemComponentImage(container.spec.image))) return;
    if (!firstOfController(state, event, pod.owner.object)) return;
    alert({
      severity: 'low',
      message: `${describeTarget(event)} was started in system namespace ${namespace} running ${imagesOf(pod)}, none of them a known system component's image`,
    });
  },
});
