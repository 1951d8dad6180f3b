/** kubeadm-style static-pod manifests for the control-plane checks' tables; excluded from the published build. */

/**
 * A static-pod manifest as kubeadm writes it to /etc/kubernetes/manifests. The program is on line 13 and
 * `flags[i]` on line 14 + i.
 */
export function staticPod(component: string, image: string, flags: readonly string[]): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${component}
  namespace: kube-system
  labels: {component: ${component}, tier: control-plane}
spec:
  hostNetwork: true
  containers:
  - name: ${component}
    image: ${image}
    command:
    - ${component}
${flags.map((flag) => `    - ${flag}`).join('\n')}
`;
}

export const APISERVER_IMAGE = 'registry.k8s.io/kube-apiserver:v1.30.2';
export const ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.15-0';

/** kubeadm's flags plus the hardening it leaves to the operator. */
export const HARDENED_APISERVER: readonly string[] = [
  '--advertise-address=10.0.0.10',
  '--allow-privileged=true',
  '--anonymous-auth=false',
  '--audit-log-path=/var/log/kubernetes/audit/audit.log',
  '--audit-policy-file=/etc/kubernetes/audit/policy.yaml',
  '--authorization-mode=Node,RBAC',
  '--client-ca-file=/etc/kubernetes/pki/ca.crt',
  '--enable-admission-plugins=NodeRestriction',
  '--enable-bootstrap-token-auth=true',
  '--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml',
  '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
  '--etcd-servers=https://127.0.0.1:2379',
  '--secure-port=6443',
  '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
  '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
];

/** `HARDENED_APISERVER` with the flags named removed, and others appended at the end. */
export function apiserver(without: readonly string[], extra: readonly string[] = []): string {
  const kept = HARDENED_APISERVER.filter((flag) => !without.some((name) => flag.startsWith(`--${name}=`)));
  return staticPod('kube-apiserver', APISERVER_IMAGE, [...kept, ...extra]);
}

/** The flags kubeadm gives etcd. */
export const KUBEADM_ETCD: readonly string[] = [
  '--advertise-client-urls=https://10.0.0.10:2379',
  '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
  '--client-cert-auth=true',
  '--data-dir=/var/lib/etcd',
  '--key-file=/etc/kubernetes/pki/etcd/server.key',
  '--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379',
  '--peer-client-cert-auth=true',
  '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
];

/**
 * A kube-apiserver mirror pod as `kubectl get pods -n kube-system -o yaml` dumps it: annotations, the Node as
 * owner, `nodeName`. Its flags start on line 23.
 */
export function mirrorApiserver(flags: readonly string[]): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver-cp-1
  namespace: kube-system
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: 10.0.0.10:6443
    kubernetes.io/config.hash: 5d2c7a4e1f0b9c8d7e6f5a4b3c2d1e0f
    kubernetes.io/config.mirror: 5d2c7a4e1f0b9c8d7e6f5a4b3c2d1e0f
    kubernetes.io/config.source: file
  labels: {component: kube-apiserver, tier: control-plane}
  ownerReferences:
  - {apiVersion: v1, kind: Node, name: cp-1, uid: 0b7c1d2e-3f4a-5b6c-7d8e-9f0a1b2c3d4e, controller: true}
spec:
  nodeName: cp-1
  hostNetwork: true
  priorityClassName: system-node-critical
  containers:
  - name: kube-apiserver
    image: ${APISERVER_IMAGE}
    command:
    - kube-apiserver
${flags.map((flag) => `    - ${flag}`).join('\n')}
`;
}
