import * as z from 'zod';
import { EXPECTED_STATIC_PODS, expectedStaticPod, MIRROR_ANNOTATION, runs } from '../../k8s/components.js';
import { defineCheck } from '../define.js';

const Options = z.object({
  /** Programs or image names (last path segment) also expected as static pods in kube-system, besides the control plane. */
  expected: z.array(z.string()).default([...EXPECTED_STATIC_PODS]),
});

export default defineCheck<z.infer<typeof Options>>({
  id: 'unexpected-static-pod',
  title: 'Static pod other than the control plane',
  severity: 'medium',
  exposes: ['MS-TA9017'],
  missing: [],
  description:
    'A mirror pod (annotation `kubernetes.io/config.mirror`) shows a static pod that is not a control-plane component (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, or `options.expected`) in kube-system.',
  rationale:
    'The kubelet runs static pods from files on its node, or a URL, without the API server admitting them: no admission policy, no RBAC on who created them, and deleting the mirror pod does not stop them. It is how an attacker with write access to /etc/kubernetes/manifests persists on a node; a static pod nobody put there on purpose is worth a look.',
  remediation:
    'Find the manifest in the staticPodPath (or staticPodURL) of the node the pod runs on; if nobody put it there on purpose, remove it, treat the node as compromised and find out how it was written. Run intended workloads as DaemonSets instead.',
  options: Options,
  run({ inventory, options, report }) {
    const extra = new Set(options.expected);
    for (const pod of inventory.podSpecs) {
      if (pod.owner.ref.kind !== 'Pod' || pod.owner.annotations[MIRROR_ANNOTATION] === undefined) continue;
      if (expectedStaticPod(pod, extra)) continue;
      const node = pod.spec.nodeName ? `node '${pod.spec.nodeName}'` : 'its node';
      const programs = [...new Set(pod.containers.map(runs))].filter(Boolean).join(', ') || 'no recognisable program';
      const { namespace } = pod;
      const reason =
        namespace === 'kube-system'
          ? `it runs ${programs}, not a control-plane component`
          : `it runs ${programs} in namespace '${namespace}', not in kube-system with the control plane`;
      report({
        resource: pod.owner,
        path: ['metadata', 'annotations', MIRROR_ANNOTATION],
        message: `a static pod the kubelet on ${node} runs from its manifest directory or URL, outside the API server's admission: ${reason}`,
      });
    }
  },
});
