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
    ['/', 'critical', ['MS-TA9016', 'MS-TA9026', 'MS-TA9027'], 'directory'],
    ['/var', 'critical', ['MS-TA9016'], 'directory'],
    // Contains /var/lib/kubelet and the runtimes' state: writing there is writing those.
    ['/var/lib', 'critical', ['MS-TA9016'], undefined],
    ['/var/lib/kubelet/pods', 'critical', ['MS-TA9016'], undefined],
    ['/var/lib/kubeletx', 'high', [], undefined],
    ['/etc', 'critical', ['MS-TA9026', 'MS-TA9027'], undefined],
    ['/etc/kubernetes/azure.json', 'critical', ['MS-TA9026'], undefined],
    ['/etc/ssl/certs', 'critical', [], undefined],
    ['/home', 'high', ['MS-TA9027'], undefined],
    ['/srv/git/.ssh', 'medium', ['MS-TA9027'], undefined],
    ['/var/log', 'high', [], undefined],
    ['/opt/app', 'high', [], undefined],
    ['/opt/cni/bin', 'critical', [], undefined],
    ['/data/cache', 'medium', [], undefined],
    ['/run/containerd', 'critical', [], 'directory'],
    ['/run/k3s/containerd/containerd.sock', 'critical', [], 'socket'],
    ['/srv/docker.sock', 'medium', [], 'socket'],
    ['/var/lib/docker/containers', 'critical', [], undefined],
  ])('%s', (path, writeSeverity, credentials, runtimeSocket) => {
    expect(classifyHostPath(path)).toEqual({ path, writeSeverity, credentials, runtimeSocket });
  });
});
