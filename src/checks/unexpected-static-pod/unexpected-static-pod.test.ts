import { mirrorApiserver } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

const mirror = (name: string, namespace: string, container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  annotations:
    kubernetes.io/config.hash: 9a8b7c6d5e4f
    kubernetes.io/config.mirror: 9a8b7c6d5e4f
    kubernetes.io/config.source: file
  ownerReferences: [{apiVersion: v1, kind: Node, name: cp-1, controller: true}]
spec:
  nodeName: cp-1
  containers: [${container}]
`;

testCheck(check, {
  valid: [
    { name: 'the kube-apiserver mirror pod of a kubeadm dump', yaml: mirrorApiserver(['--secure-port=6443']) },
    {
      name: 'kube-vip as its documentation installs it',
      yaml: mirror(
        'kube-vip-cp-1',
        'kube-system',
        '{name: kube-vip, image: "ghcr.io/kube-vip/kube-vip:v0.8.0", args: [manager]}',
      ),
    },
    {
      name: 'a static-pod file without the mirror annotation is not a mirror pod',
      yaml: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\nspec:\n  containers: [{name: web, image: nginx:1.27}]\n',
    },
  ],
  invalid: [
    {
      name: 'a miner dropped into the manifest directory',
      yaml: mirror(
        'node-agent-cp-1',
        'kube-system',
        '{name: agent, image: "docker.io/library/alpine:3.20", command: [/tmp/xmrig]}',
      ),
      findings: [
        {
          line: 8,
          path: 'metadata.annotations["kubernetes.io/config.mirror"]',
          techniques: ['MS-TA9017'],
          message:
            "a static pod the kubelet on node 'cp-1' runs from its manifest directory or URL, outside the API server's admission: it runs xmrig, not a control-plane component",
        },
      ],
    },
    {
      name: 'an API server outside kube-system',
      yaml: mirror(
        'kube-apiserver-cp-1',
        'default',
        '{name: kube-apiserver, image: "registry.k8s.io/kube-apiserver:v1.30.2", command: [kube-apiserver]}',
      ),
      findings: [{ line: 8, message: /in namespace 'default', not in kube-system/ }],
    },
    {
      name: 'kube-vip is no longer expected once options say so',
      yaml: mirror(
        'kube-vip-cp-1',
        'kube-system',
        '{name: kube-vip, image: "ghcr.io/kube-vip/kube-vip:v0.8.0", args: [manager]}',
      ),
      options: { expected: [] },
      findings: [{ line: 8, message: /it runs kube-vip, not a control-plane component/ }],
    },
  ],
});
