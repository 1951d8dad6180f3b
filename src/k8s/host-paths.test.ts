import { describe, expect, it } from 'vitest';
import { classifyHostPath, normalizeHostPath } from './host-paths.js';

describe('normalizeHostPath', () => {
  it.each([
    ['//etc/', '/etc'],
    ['/var/lib/kubelet/', '/var/lib/kubelet'],
    ['/var/./lib//kubelet/pods/../', '/var/lib/kubelet'],
    ['/..', '/'],
    ['/', '/'],
  ])('%s → %s', (path, normalized) => expect(normalizeHostPath(path)).toBe(normalized));
});

describe('classifyHostPath', () => {
  it.each([
    ['/', 'critical', ['MS-TA9016', 'MS-TA9026', 'MS-TA9027'], true, true, 'directory'],
    ['/var', 'critical', ['MS-TA9016'], false, true, 'directory'],
    // Contains /var/lib/kubelet and the runtimes' state: writing there is writing those.
    ['/var/lib', 'critical', ['MS-TA9016'], false, true, undefined],
    ['/var/lib/kubelet/pods', 'critical', ['MS-TA9016'], false, false, undefined],
    ['/var/lib/kubeletx', 'high', [], false, false, undefined],
    ['/etc', 'critical', ['MS-TA9026', 'MS-TA9027'], true, false, undefined],
    ['/etc/kubernetes/manifests', 'critical', ['MS-TA9026'], true, false, undefined],
    ['/etc/kubernetes/azure.json', 'critical', ['MS-TA9026'], false, false, undefined],
    ['/etc/ssl/certs', 'critical', [], false, false, undefined],
    ['/home', 'high', ['MS-TA9027'], false, false, undefined],
    ['/srv/git/.ssh', 'medium', ['MS-TA9027'], false, false, undefined],
    ['/var/log', 'high', [], false, true, undefined],
    ['/opt/app', 'high', [], false, false, undefined],
    ['/opt/cni/bin', 'critical', [], false, false, undefined],
    ['/data/cache', 'medium', [], false, false, undefined],
    ['/run/containerd', 'critical', [], false, false, 'directory'],
    ['/run/k3s/containerd/containerd.sock', 'critical', [], false, false, 'socket'],
    ['/srv/docker.sock', 'medium', [], false, false, 'socket'],
    ['/var/lib/docker/containers', 'critical', [], false, true, undefined],
  ])('%s', (path, writeSeverity, credentials, staticPods, containerLogs, runtimeSocket) => {
    expect(classifyHostPath(path)).toEqual({
      path,
      writeSeverity,
      credentials,
      staticPods,
      containerLogs,
      runtimeSocket,
    });
  });
});
