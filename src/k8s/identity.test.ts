import { describe, expect, it } from 'vitest';
import { IDENTITIES, nodeAgent } from '../checks/node-agent.fixtures.js';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory, type ContainerView, type PodSpecView } from '../inventory/index.js';
import { mountsOf, type VolumeMountView } from '../inventory/pods.js';
import { unprivilegedMounts, unprivilegedUser } from './identity.js';

function podOf(yaml: string): PodSpecView {
  const { inventory, errors } = buildInventory(parseManifest('test.yaml', Buffer.from(yaml)).objects);
  expect(errors).toEqual([]);
  return inventory.podSpecs[0] as PodSpecView;
}

/** The judgement on the agent's only container. */
function userOf(pod: PodSpecView) {
  return unprivilegedUser(pod, pod.containers[0] as ContainerView);
}

describe('unprivilegedUser', () => {
  it.each(IDENTITIES)('$name', ({ agent, unprivileged }) => {
    const pod = podOf(nodeAgent(agent));
    expect(userOf(pod) !== undefined).toBe(unprivileged);
  });

  it('names the UID when the spec gives it, and only that it is not root when the kubelet checks the image', () => {
    const [first, second] = IDENTITIES.filter((identity) => identity.unprivileged).map(({ agent }) => {
      const pod = podOf(nodeAgent(agent));
      return userOf(pod)?.text;
    });
    expect(first).toBe('as UID 65534 without DAC capabilities');
    expect(second).toBe('as a non-root UID without DAC capabilities');
  });

  it.each([
    ['a Windows pod', { spec: 'os: {name: windows}' }],
    [
      'a HostProcess container',
      { container: '{allowPrivilegeEscalation: false, windowsOptions: {hostProcess: true}}' },
    ],
    ['fsGroup 0', { pod: '{runAsUser: 65534, runAsGroup: 65534, fsGroup: 0}' }],
    ['SETUID added', { container: '{allowPrivilegeEscalation: false, capabilities: {add: [setuid]}}' }],
    ['ALL added', { container: '{allowPrivilegeEscalation: false, capabilities: {add: [ALL]}}' }],
  ])('is not judged unprivileged: %s', (_name, agent) => {
    const pod = podOf(nodeAgent(agent));
    expect(userOf(pod)).toBeUndefined();
  });

  it('keeps a capability outside the file-access set, and a default one not dropped', () => {
    const pod = podOf(
      nodeAgent({ container: '{allowPrivilegeEscalation: false, capabilities: {add: [NET_BIND_SERVICE]}}' }),
    );
    expect(userOf(pod)).toBeDefined();
  });
});

describe('unprivilegedMounts', () => {
  it('needs every container mounting the path to be unprivileged, and some container at all', () => {
    const pod = podOf(`apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  securityContext: {runAsUser: 65534, runAsGroup: 65534}
  containers:
  - name: exporter
    securityContext: {allowPrivilegeEscalation: false}
    volumeMounts: [{name: root, mountPath: /host}]
  - name: sidecar
    volumeMounts: [{name: root, mountPath: /host}]
  volumes:
  - {name: root, hostPath: {path: /}}
`);
    const [exporter, sidecar] = mountsOf(pod, 'root');
    expect(unprivilegedMounts(pod, [exporter as VolumeMountView])).toBe('as UID 65534 without DAC capabilities');
    expect(unprivilegedMounts(pod, mountsOf(pod, 'root'))).toBeUndefined();
    expect(unprivilegedMounts(pod, [sidecar as VolumeMountView])).toBeUndefined();
    expect(unprivilegedMounts(pod, [])).toBeUndefined();
  });
});
