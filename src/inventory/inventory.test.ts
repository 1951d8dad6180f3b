import { describe, expect, it } from 'vitest';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory, type PodSpecView, podSpecOf } from './index.js';
import { tokenMount } from './pods.js';

const inventoryOf = (yaml: string) => buildInventory(parseManifest('in.yaml', Buffer.from(yaml)).objects);

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: api, image: api:1}]
`;
const replicaSet = `
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-7d9f
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, controller: true}]
spec:
  template:
    spec:
      containers: [{name: api, image: api:1}]
`;
const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: api-7d9f-x2k4p
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9f, controller: true}]
spec:
  containers: [{name: api, image: api:1}]
`;

describe('buildInventory', () => {
  it('assesses a pod template once, where it is written, when a dump holds the controller chain', () => {
    const { inventory } = inventoryOf([deployment, replicaSet, pod].join('---'));
    expect(inventory.podSpecs.map((p) => p.owner.ref.kind)).toEqual(['Deployment']);
    expect(inventory.resources).toHaveLength(3);
  });

  it('assesses a controlled object itself when its controller is not in the input', () => {
    const { inventory } = inventoryOf([replicaSet, pod].join('---'));
    expect(inventory.podSpecs.map((p) => p.owner.ref.name)).toEqual(['api-7d9f']);
    expect(inventoryOf(pod).inventory.podSpecs.map((p) => p.owner.ref.kind)).toEqual(['Pod']);
  });

  it('merges pod and container security contexts the way the kubelet does', () => {
    const { inventory } = inventoryOf(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000, runAsNonRoot: true}
  containers:
  - name: a
    securityContext: {runAsUser: 0}
  - name: b
`);
    const [a, b] = inventory.podSpecs[0]?.containers ?? [];
    expect(a?.security('runAsUser')).toEqual({
      value: 0,
      path: ['spec', 'containers', 0, 'securityContext', 'runAsUser'],
    });
    expect(b?.security('runAsUser')).toEqual({ value: 1000, path: ['spec', 'securityContext', 'runAsUser'] });
    // privileged is a container-only field: never inherited.
    expect(b?.security('privileged')).toBeUndefined();
  });

  it('indexes objects of a kind by namespace', () => {
    const { inventory } = inventoryOf([deployment, replicaSet].join('---'));
    expect(inventory.inNamespace('ReplicaSet', 'shop').map((r) => r.ref.name)).toEqual(['api-7d9f']);
    expect(inventory.inNamespace('ReplicaSet', null)).toEqual([]);
  });

  it('assesses a mirror pod itself even when the dump holds its Node', () => {
    const { inventory } = inventoryOf(`
apiVersion: v1
kind: Node
metadata: {name: cp-1}
---
apiVersion: v1
kind: Pod
metadata:
  name: etcd-cp-1
  namespace: kube-system
  ownerReferences: [{apiVersion: v1, kind: Node, name: cp-1, controller: true}]
spec:
  containers: [{name: etcd, image: registry.k8s.io/etcd:3.5.15-0}]
`);
    expect(inventory.podSpecs.map((p) => p.owner.ref.name)).toEqual(['etcd-cp-1']);
  });

  it('reports ConfigMap values that are not strings at their key, and a kubelet ConfigMap that is not YAML', () => {
    const { inventory, errors } = inventoryOf(`
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: [not, a, string]
  empty:
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kubelet-config, namespace: kube-system}
data:
  kubelet: "readOnlyPort: [10255"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kubelet-config-1.23, namespace: kube-system}
data:
  kubelet: "authentication: {anonymous: {enabled: sometimes}}"
`);
    expect(errors).toEqual([
      {
        source: 'in.yaml',
        line: 6,
        column: 3,
        message: 'ConfigMap coredns: data.Corefile: expected a string (quote it); this value was not checked',
      },
      {
        source: 'in.yaml',
        line: 13,
        column: 3,
        message: expect.stringMatching(
          /^ConfigMap kubelet-config: data\.kubelet: invalid YAML: .*; the kubelet configuration was not checked$/,
        ),
      },
      {
        source: 'in.yaml',
        line: 19,
        column: 3,
        message:
          'ConfigMap kubelet-config-1.23: data.kubelet: authentication.anonymous.enabled in the embedded file: expected boolean, got a string; the kubelet configuration was not checked',
      },
    ]);
    expect(inventory.kubeletConfigs).toEqual([]);
    expect(inventory.resources).toHaveLength(3);
  });
});

describe('buildInventory: where objects without a namespace live', () => {
  const placed = (yaml: string, namespace?: string) =>
    buildInventory(parseManifest('in.yaml', Buffer.from(yaml)).objects, namespace ? { namespace } : {}).inventory;
  const where = (yaml: string, namespace?: string) =>
    placed(yaml, namespace).resources.map((resource) => `${resource.ref.kind} ${resource.ref.namespace}`);

  it('puts a namespaced object naming none in default, or the namespace given, as kubectl apply -n does', () => {
    const yaml = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
`;
    expect(where(yaml)).toEqual(['Deployment default', 'ServiceAccount shop']);
    expect(where(yaml, 'payments')).toEqual(['Deployment payments', 'ServiceAccount shop']);
  });

  it('says where the namespace was defaulted, in every location of the object, and writes it into the object', () => {
    const inventory = placed(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
      'lab',
    );
    const [pod] = inventory.resources;
    expect(pod?.locate(['spec', 'containers', 0])).toMatchObject({ line: 4, namespaceDefaulted: 'lab' });
    expect(pod?.object.metadata).toEqual({ name: 'p', namespace: 'lab' });
    expect(inventory.podSpecs[0]?.namespace).toBe('lab');
    expect(inventory.find('Pod', 'lab', 'p')).toBe(pod);
    expect(inventory.find('Pod', null, 'p')).toBeUndefined();
    // An object naming its namespace is where it says, and its locations say nothing more.
    const named = placed('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: lab}\n', 'lab').resources[0];
    expect(named?.locate(['metadata'])).not.toHaveProperty('namespaceDefaulted');
  });

  it('never gives a cluster-scoped kind a namespace, even one written in it', () => {
    const yaml = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: hook}
`;
    expect(where(yaml, 'lab')).toEqual([
      'ClusterRole null',
      'Namespace null',
      'KubeletConfiguration null',
      'ValidatingWebhookConfiguration null',
    ]);
    const inventory = placed(yaml, 'lab');
    expect(inventory.resources[0]?.object.metadata).toEqual({ name: 'reader' });
    expect(inventory.resources[0]?.locate(['metadata'])).not.toHaveProperty('namespaceDefaulted');
  });

  it('reads the scope of custom kinds from the CustomResourceDefinitions in the input, wherever they are', () => {
    const resource = (kind: string, apiVersion = 'example.com/v1') =>
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x}\n---\n`;
    const crd = (kind: string, scope: string) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${kind.toLowerCase()}s.example.com}
spec: {group: example.com, scope: ${scope}, names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}}
---
`;
    expect(
      where(
        resource('Widget') +
          resource('ClusterWidget') +
          resource('Gadget') +
          // The same kind in another group is another kind: the CRD says nothing of it.
          resource('Gadget', 'other.io/v1') +
          crd('Gadget', 'Cluster') +
          crd('ClusterThing', 'Namespaced') +
          resource('ClusterThing') +
          resource('ClusterPolicy', 'kyverno.io/v1') +
          resource('Policy', 'kyverno.io/v1') +
          resource('K8sRequiredLabels', 'constraints.gatekeeper.sh/v1beta1') +
          // A CRD cannot redefine a built-in kind: the API server serves the group itself.
          `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: rolebindings.rbac.authorization.k8s.io}
spec: {group: rbac.authorization.k8s.io, scope: Cluster, names: {kind: RoleBinding, plural: rolebindings}}
---
` +
          resource('RoleBinding', 'rbac.authorization.k8s.io/v1'),
      ),
    ).toEqual([
      // Unknown kinds: namespaced, as most custom resources are, but for the Cluster… naming convention.
      'Widget default',
      'ClusterWidget null',
      'Gadget null',
      'Gadget default',
      'CustomResourceDefinition null',
      'CustomResourceDefinition null',
      'ClusterThing default',
      'ClusterPolicy null',
      'Policy default',
      'K8sRequiredLabels null',
      'CustomResourceDefinition null',
      'RoleBinding default',
    ]);
  });

  it('counts an object written with and without its namespace as one identity, defined twice', () => {
    const { warnings } = buildInventory(
      parseManifest(
        'in.yaml',
        Buffer.from(
          'kind: ServiceAccount\napiVersion: v1\nmetadata: {name: a}\n---\nkind: ServiceAccount\napiVersion: v1\nmetadata: {name: a, namespace: default}\n',
        ),
      ).objects,
    );
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/^ServiceAccount default\/a is defined 2 times/),
    ]);
  });

  it('reads nothing into an empty input', () => {
    expect(placed('', 'lab').resources).toEqual([]);
  });
});

describe('tokenMount', () => {
  it('finds the token a pod projects with automount off, at the volume source that asks for it', () => {
    const { inventory } = inventoryOf(`
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: app}
spec:
  automountServiceAccountToken: false
  containers: [{name: c, image: c:1, volumeMounts: [{name: token, mountPath: /t}]}]
  volumes:
  - name: token
    projected: {sources: [{configMap: {name: ca}}, {serviceAccountToken: {path: token}}]}
`);
    const [pod] = inventory.podSpecs;
    expect(tokenMount(pod as PodSpecView, inventory)).toMatchObject({
      mounted: true,
      decidedBy: 'projected',
      path: ['spec', 'volumes', 0, 'projected', 'sources', 1, 'serviceAccountToken'],
    });
  });
});

describe('podSpecOf: one object outside any input', () => {
  it('reads the pod template where the kind keeps it, as the inventory does', () => {
    const pod = podSpecOf({
      kind: 'CronJob',
      metadata: { name: 'backup', namespace: 'ops' },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'alpine' }] } } } } },
    });
    expect(pod?.path).toEqual(['spec', 'jobTemplate', 'spec', 'template', 'spec']);
    expect(pod?.owner.ref).toMatchObject({ kind: 'CronJob', namespace: 'ops', name: 'backup' });
    expect(pod?.containers.map((container) => container.spec.name)).toEqual(['job']);
  });

  it('has none for kinds without a template, templates left out, or specs that are not pod specs', () => {
    expect(podSpecOf({ kind: 'ConfigMap', metadata: { name: 'x' } })).toBeUndefined();
    expect(podSpecOf({ kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 2 } })).toBeUndefined();
    expect(podSpecOf({ kind: 'Pod', metadata: { name: 'x' }, spec: { containers: 'nginx' } })).toBeUndefined();
  });
});
