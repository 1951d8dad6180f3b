import { mirrorApiserver } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

const workload = (kind: string, name: string, namespace: string, image: string) => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  template:
    spec:
      containers: [{name: main, image: "${image}"}]
`;

const pod = (name: string, namespace: string, image: string, owner = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  ownerReferences: [${owner}]
spec:
  containers: [{name: main, image: "${image}"}]
`;

testCheck(check, {
  valid: [
    {
      name: 'the real CoreDNS',
      yaml: workload('Deployment', 'coredns', 'kube-system', 'registry.k8s.io/coredns/coredns:v1.11.1'),
    },
    {
      name: 'the real kube-proxy',
      yaml: workload('DaemonSet', 'kube-proxy', 'kube-system', 'registry.k8s.io/kube-proxy:v1.30.2'),
    },
    {
      name: 'a CoreDNS pod of a dump whose ReplicaSet is not in the input',
      yaml: pod(
        'coredns-7db6d8ff4d-x2x9k',
        'kube-system',
        '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.1-eksbuild.9',
        '{apiVersion: apps/v1, kind: ReplicaSet, name: coredns-7db6d8ff4d, controller: true}',
      ),
    },
    { name: 'the kube-apiserver mirror pod, named after its node', yaml: mirrorApiserver(['--secure-port=6443']) },
    {
      name: 'another component with a component name in its own (coredns-autoscaler)',
      yaml: workload(
        'Deployment',
        'coredns-autoscaler',
        'kube-system',
        'registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.8.9',
      ),
    },
    {
      name: "an application's own etcd outside the system namespaces",
      yaml: workload('StatefulSet', 'etcd', 'shop', 'quay.io/coreos/etcd:v3.5.15'),
    },
    {
      name: 'a near-miss with the right image and controller',
      yaml: workload('Deployment', 'core-dns', 'dns', 'docker.io/coredns/coredns:1.11.1'),
    },
  ],
  invalid: [
    {
      name: 'a bare pod copying a CoreDNS pod name, with another image',
      yaml: pod('coredns-7db6d8ff4d-x2x9k', 'kube-system', 'docker.io/library/alpine:3.20'),
      findings: [
        {
          line: 4,
          path: 'metadata.name',
          techniques: ['MS-TA9023'],
          message:
            "Pod 'coredns-7db6d8ff4d-x2x9k' is named like coredns, but it is deployed by no controller, not as a Deployment, and it runs docker.io/library/alpine:3.20, not an image of coredns",
        },
      ],
    },
    {
      name: 'kube-proxy as a Deployment with its real image',
      yaml: workload('Deployment', 'kube-proxy', 'kube-system', 'registry.k8s.io/kube-proxy:v1.30.2'),
      findings: [{ line: 3, message: /deployed by a Deployment, not as a DaemonSet$/ }],
    },
    {
      name: 'a typo of kube-proxy in any namespace, running a miner',
      yaml: workload('DaemonSet', 'kube-proxxy', 'default', 'docker.io/xmrig/xmrig:6.21'),
      findings: [{ line: 3, message: /is named one typo away from kube-proxy, but it runs docker\.io\/xmrig/ }],
    },
    {
      name: 'a near-miss of metrics-server with a generated-looking suffix',
      yaml: pod('metric-server-5d78c9869d-x7k2p', 'kube-system', 'docker.io/library/busybox:1.36'),
      findings: [{ line: 4, message: /one typo away from metrics-server/ }],
    },
  ],
});
