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
    ['/', 'critical', ['MS-TA9016', 'MS-TA9026', 'MS-TA9027'], true, 'directory'],
    ['/var', 'critical', ['MS-TA9016'], true, 'directory'],
    // Contains /var/lib/kubelet and the runtimes' state: writing there is writing those.
    ['/var/lib', 'critical', ['MS-TA9016'], true, undefined],
    ['/var/lib/kubelet/pods', 'critical', ['MS-TA9016'], false, undefined],
    ['/var/lib/kubeletx', 'high', [], false, undefined],
    ['/etc', 'critical', ['MS-TA9026', 'MS-TA9027'], false, undefined],
    ['/etc/kubernetes/azure.json', 'critical', ['MS-TA9026'], false, undefined],
    ['/etc/ssl/certs', 'critical', [], false, undefined],
    ['/home', 'high', ['MS-TA9027'], false, undefined],
    ['/srv/git/.ssh', 'medium', ['MS-TA9027'], false, undefined],
    ['/var/log', 'high', [], true, undefined],
    ['/opt/app', 'high', [], false, undefined],
    ['/opt/cni/bin', 'critical', [], false, undefined],
    ['/data/cache', 'medium', [], false, undefined],
    ['/run/containerd', 'critical', [], false, 'directory'],
    ['/run/k3s/containerd/containerd.sock', 'critical', [], false, 'socket'],
    ['/srv/docker.sock', 'medium', [], false, 'socket'],
    ['/var/lib/docker/containers', 'critical', [], true, undefined],
  ])('%s', (path, writeSeverity, credentials, containerLogs, runtimeSocket) => {
    expect(classifyHostPath(path)).toEqual({ path, writeSeverity, credentials, containerLogs, runtimeSocket });
  });
});
