import { asRecord, nameOf } from '../../inventory/index.js';
import { imitation, mayImitate } from '../../k8s/system-names.js';
import { defineDetection } from '../define.js';
import {
  applied,
  describeObject,
  firstOfController,
  Recent,
  WORKLOAD_RESOURCES,
  writtenPodSpecIf,
  wrote,
} from '../objects.js';

export default defineDetection<Recent>({
  id: 'system-name-workload',
  title: 'Workload named like a system component',
  severity: 'high',
  techniques: ['MS-TA9023'],
  description:
    'A pod or workload controller is created (or replaced) with the name of a system component (coredns, kube-proxy, kube-apiserver, etcd, metrics-server, calico-node, aws-node, cilium, …) in a namespace it runs in, or a near-miss spelling anywhere, but is not deployed the way the component is or runs none of its images: the same judgement as the `system-name-imitation` check. Of the pods one controller creates, only the first is reported.',
  rationale:
    "Names are what people scan. A pod called `coredns-5d78c9869d-x7k2p` or `kube-proxxy` blends in with the cluster's own components while it runs an attacker's image with the access system components are allowed.",
  response:
    'Find out who created it and from what; if it is not the component it claims to be, delete it and treat the namespace as compromised. Admit only approved images in system namespaces.',
  fields: [
    'objectRef.name',
    'requestObject.metadata.name',
    'requestObject.metadata.ownerReferences',
    'requestObject.spec.containers[].image',
  ],
  level: 'Request',
  benign:
    'Components installed from a mirror registry under another repository name, or a distribution that deploys one differently (kube-proxy as a static pod, coredns as a DaemonSet): the rule judges by the usual installers. Forks with look-alike names (`coredns-custom`) are different names and stay quiet.',
  everyone: true,
  on: { verbs: ['create', 'update'], resources: WORKLOAD_RESOURCES },
  initialState: () => new Recent(),
  detect(event, { state, alert }) {
    if (!applied(event)) return;
    const pod = writtenPodSpecIf(event, ({ object }) => mayImitate(nameOf(asRecord(object.metadata))));
    const how = pod && imitation(pod);
    if (!pod || !how || !firstOfController(state, event, pod.owner.object)) return;
    alert({ message: `${describeObject(pod.owner.object)} was ${wrote(event)}: it ${how}` });
  },
});
