import { describe, expect, it } from 'vitest';
import { nameOf, POD_SPEC_PATHS, type PodSpecView } from '../inventory/index.js';
import { asRecord } from '../inventory/records.js';
import { MIRROR_ANNOTATION } from '../k8s/components.js';
import { mountedHostPaths } from '../k8s/host-paths.js';
import { nodeLevelExposures } from '../k8s/node-exposure.js';
import { imitation, mayImitate } from '../k8s/system-names.js';
import { NGINX, write } from './events.fixtures.js';
import {
  annotated,
  declaresHostPath,
  type LoggedTemplate,
  mayReachNode,
  WORKLOAD_KINDS,
  writtenPodSpec,
  writtenPodSpecIf,
} from './objects.js';

/**
 * Pod specs a rule's pre-test must not rule out when the full read finds what the rule looks for, and decoys: the
 * right field with a value the API server refuses (`privileged: "true"`), the trigger in a spec that is invalid
 * elsewhere (the full read refuses it whole), every container group.
 */
const HOST = { name: 'host', hostPath: { path: '/var/lib' } };
const mounting = (group: string) => ({
  containers: [NGINX],
  [group]: [{ name: 'x', image: 'busybox', volumeMounts: [{ name: 'host', mountPath: '/host' }] }],
  volumes: [HOST],
});
const SPECS: Record<string, Record<string, unknown>> = {
  plain: { containers: [NGINX] },
  privileged: { containers: [{ ...NGINX, securityContext: { privileged: true } }] },
  'privileged init container': {
    containers: [NGINX],
    initContainers: [{ name: 'init', securityContext: { privileged: true } }],
  },
  'privileged ephemeral container': {
    containers: [NGINX],
    ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }],
  },
  'privileged as a string': { containers: [{ ...NGINX, securityContext: { privileged: 'true' } }] },
  'privileged as a number': { containers: [{ ...NGINX, securityContext: { privileged: 1 } }] },
  'privileged, with an env value the API refuses': {
    containers: [{ ...NGINX, securityContext: { privileged: true }, env: [{ name: 'PORT', value: 80 }] }],
  },
  'privileged null': { containers: [{ ...NGINX, securityContext: { privileged: null } }] },
  'SYS_ADMIN added': { containers: [{ ...NGINX, securityContext: { capabilities: { add: ['sys_admin'] } } }] },
  'SYS_PTRACE with hostPID': {
    hostPID: true,
    containers: [{ ...NGINX, securityContext: { capabilities: { add: ['SYS_PTRACE'] } } }],
  },
  'SYS_ADMIN added in an init container': {
    containers: [NGINX],
    initContainers: [{ name: 'init', securityContext: { capabilities: { add: ['CAP_SYS_ADMIN'] } } }],
  },
  'capabilities as a string': { containers: [{ ...NGINX, securityContext: { capabilities: { add: 'SYS_ADMIN' } } }] },
  'hostPath mounted by a container': {
    containers: [{ ...NGINX, volumeMounts: [{ name: 'host', mountPath: '/host' }] }],
    volumes: [HOST],
  },
  'hostPath mounted by an init container': mounting('initContainers'),
  'hostPath mounted by an ephemeral container': mounting('ephemeralContainers'),
  'the runtime socket, read-only': {
    containers: [{ ...NGINX, volumeMounts: [{ name: 'sock', mountPath: '/run/c.sock', readOnly: true }] }],
    volumes: [{ name: 'sock', hostPath: { path: '/run/containerd/containerd.sock' } }],
  },
  'hostPath null': { containers: [NGINX], volumes: [{ name: 'host', hostPath: null }] },
  'hostPath without a path': { containers: [NGINX], volumes: [{ name: 'host', hostPath: {} }] },
  hostNetwork: { hostNetwork: true, containers: [NGINX] },
  hostPID: { hostPID: true, containers: [NGINX] },
  hostIPC: { hostIPC: true, containers: [NGINX] },
  'hostNetwork as a string': { hostNetwork: 'true', containers: [NGINX] },
  'containers as a string': { containers: 'nginx' },
  'coredns image on a static pod node': {
    nodeName: 'cp-1',
    containers: [{ name: 'c', image: 'coredns/coredns:1.11' }],
  },
};
/** Names as workloads and pods are given them, honest and imitating. */
const NAMES = [
  'web',
  'coredns',
  'coredns-5d78c9869d-x7k2p',
  'core-dns',
  'kube-apiserver-cp-1',
  'etcd-cp-1',
  'kube-prox',
];

/** The body of a workload of each kind, with the spec where that kind keeps it. */
function bodyOf(kind: string, spec: unknown, metadata: Record<string, unknown>): Record<string, unknown> {
  const path = POD_SPEC_PATHS[kind] ?? [];
  let node: unknown = spec;
  for (const key of [...path].reverse()) node = { [key]: node };
  return { kind, apiVersion: 'v1', metadata, ...asRecord(node) };
}

/** A pre-test and what the full read must find for the rule to speak: where it finds it, the test must pass. */
const TESTS: [string, (template: LoggedTemplate) => boolean, (pod: PodSpecView) => boolean][] = [
  ['mayReachNode', mayReachNode, (pod) => nodeLevelExposures(pod).length > 0 || pod.spec.hostIPC === true],
  ['declaresHostPath', declaresHostPath, (pod) => mountedHostPaths(pod).length > 0],
  ['mirror annotation', annotated(MIRROR_ANNOTATION), (pod) => pod.owner.annotations[MIRROR_ANNOTATION] !== undefined],
  ['mayImitate', ({ object }) => mayImitate(nameOf(asRecord(object.metadata))), (pod) => imitation(pod) !== undefined],
];

describe('writtenPodSpecIf: pre-tests that leave a pod spec unread', () => {
  const cases = Object.entries(WORKLOAD_KINDS).flatMap(([resource, kind]) =>
    Object.entries(SPECS).flatMap(([specName, spec]) =>
      NAMES.flatMap((name) =>
        [{}, { [MIRROR_ANNOTATION]: 'abc' }].map((annotations) => ({
          title: `${kind} '${name}', ${specName}`,
          event: write({
            resource,
            namespace: 'kube-system',
            body: bodyOf(kind, structuredClone(spec), { name, annotations }),
          }),
        })),
      ),
    ),
  );

  it.each(TESTS)('%s passes every template the full read finds something in', (_name, test, finds) => {
    let found = 0;
    for (const { title, event } of cases) {
      const pod = writtenPodSpec(event);
      if (!pod || !finds(pod)) continue;
      found++;
      let passed: boolean | undefined;
      const read = writtenPodSpecIf(event, (template) => {
        passed = test(template);
        return passed;
      });
      expect(passed, title).toBe(true);
      expect(read, title).toBe(pod);
    }
    // Every test meets templates it must pass, in every kind.
    expect(found).toBeGreaterThanOrEqual(Object.keys(WORKLOAD_KINDS).length);
  });

  it('reads nothing for a template the test rules out, and reads other bodies as always', () => {
    const plain = write({ resource: 'deployments', namespace: 'shop', body: bodyOf('Deployment', SPECS.plain, {}) });
    expect(writtenPodSpecIf(plain, () => false)).toBeUndefined();
    expect(writtenPodSpecIf(plain, () => true)).toBe(writtenPodSpec(plain));
    // A body whose kind holds no pod template, or whose template is not an object, is read as before: to nothing.
    const configMap = write({ resource: 'pods', namespace: 'shop', body: { kind: 'ConfigMap', metadata: {} } });
    expect(writtenPodSpecIf(configMap, () => true)).toBeUndefined();
    const broken = write({ resource: 'pods', namespace: 'shop', body: { kind: 'Pod', metadata: {}, spec: 'nginx' } });
    expect(writtenPodSpecIf(broken, () => false)).toBeUndefined();
  });
});
