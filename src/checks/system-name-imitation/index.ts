import { imitation } from '../../k8s/system-names.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'system-name-imitation',
  title: 'Workload named like a system component',
  severity: 'high',
  exposes: ['MS-TA9023'],
  missing: [],
  description:
    'A workload is named like a system component (coredns, kube-proxy, kube-apiserver, etcd, metrics-server, calico-node, aws-node, cilium, …): the same name in a namespace the component runs in, or a near-miss spelling anywhere, but it is not deployed the way the component is or runs none of its images.',
  rationale:
    "Names are what people scan in `kubectl get pods -A`. A pod called `coredns-5d78c9869d-x7k2p` or `kube-proxxy` in kube-system blends in with the cluster's own, while it runs an attacker's image with the node access system components are allowed.",
  remediation:
    'Find out who created the workload and from what; if it is not the component it claims to be, delete it and treat the namespace as compromised. Admit only approved images in system namespaces.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      const how = imitation(pod);
      if (!how) continue;
      report({
        resource: pod.owner,
        path: ['metadata', 'name'],
        message: `${pod.owner.ref.kind} '${pod.owner.ref.name}' ${how}`,
      });
    }
  },
});
