import { EXPECTED_STATIC_PODS, expectedStaticPod, MIRROR_ANNOTATION, runs } from '../../k8s/components.js';
import { defineDetection } from '../define.js';
import { annotated, applied, describeObject, writtenPodSpecIf } from '../objects.js';

const EXPECTED: ReadonlySet<string> = new Set(EXPECTED_STATIC_PODS);
const mirror = annotated(MIRROR_ANNOTATION);

export default defineDetection({
  id: 'static-pod-created',
  title: 'Unexpected static pod appeared',
  severity: 'high',
  techniques: ['MS-TA9017'],
  description:
    'A mirror pod (annotation `kubernetes.io/config.mirror`) is created for a static pod that is not a control-plane component (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, or kube-proxy, kube-vip, haproxy, keepalived) in kube-system. Kubelets create mirror pods as `system:node:NAME`, an identity every other rule skips; this one sees them.',
  rationale:
    "The kubelet runs static pods from manifest files on its node (or a URL), without admission control or RBAC, and deleting the mirror pod does not stop them. A static pod nobody put there on purpose means someone wrote into the node's manifest directory: a foothold that survives anything done through the API.",
  response:
    "Find the manifest in the kubelet's staticPodPath (by default /etc/kubernetes/manifests) on the node named in the user (`system:node:NAME`) or the pod's name suffix; if nobody put it there, remove it, treat the node as compromised and find out how the file was written.",
  fields: [
    'user.username',
    'objectRef.namespace',
    'requestObject.metadata.annotations["kubernetes.io/config.mirror"]',
    'requestObject.spec.containers[].image',
    'requestObject.spec.containers[].command',
  ],
  level: 'Request',
  benign:
    "kubeadm's control-plane pods (kube-apiserver-NODE, etcd-NODE, …) are recognised and stay quiet; other intended static pods (a load balancer, a node-local agent) alert each time their kubelet starts and recreates the mirror. Custom images of control-plane components are recognised by their command (`kube-apiserver …`).",
  everyone: true,
  on: { verbs: ['create'], resources: ['pods'] },
  detect(event, { alert }) {
    if (!applied(event)) return;
    const pod = writtenPodSpecIf(event, mirror);
    if (!pod || pod.owner.annotations[MIRROR_ANNOTATION] === undefined || expectedStaticPod(pod, EXPECTED)) return;
    const user = event.user.username ?? '';
    const programs = [...new Set(pod.containers.map(runs))].filter(Boolean).join(', ') || 'no recognisable program';
    const namespace = pod.owner.ref.namespace;
    const reasons = [
      namespace === 'kube-system'
        ? `runs ${programs}, not a control-plane component`
        : `runs ${programs} in namespace '${namespace ?? ''}', not kube-system`,
      ...(user.startsWith('system:node:') ? [] : ['its mirror was created by a user, not a kubelet']),
    ];
    alert({
      severity: namespace === 'kube-system' && user.startsWith('system:node:') ? 'medium' : 'high',
      message: `${describeObject(pod.owner.object)} is a static pod, run from a node's manifest directory or URL outside admission: it ${reasons.join(', and ')}`,
    });
  },
});
