import { describe, expect, it } from 'vitest';
import { formatPath } from '../../inputs/path.js';
import type { PsaLevel } from '../../k8s/pod-security.js';
import { inventoryOf } from './engines.fixtures.js';
import { type PssCheckId, type PssPod, podOfSpecView, podSecurityMessage, podSecurityViolations } from './pss.js';

/**
 * The Pod Security Standards, check by check, on pod shapes written from the published standard the way upstream's
 * test suite arranges them: a pod that passes restricted, changed in one field. Each check fails its pods from the
 * version it began at (and at latest), passes them before it, and passes the allowed values.
 */

type Pod = { metadata: Record<string, unknown>; spec: Record<string, unknown> };
type Change = (pod: Pod) => void;

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  target[key] = value;
}

const hardened = () => ({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
function restrictedPod(): Pod {
  return {
    metadata: { name: 'p', annotations: {} },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'init', image: 'busybox', securityContext: hardened() }],
      containers: [
        { name: 'app', image: 'nginx', securityContext: hardened() },
        { name: 'sidecar', image: 'envoy', securityContext: hardened() },
      ],
    },
  };
}

const sc = (pod: Pod) => pod.spec.securityContext as Record<string, unknown>;
const container = (pod: Pod, index = 1) =>
  (pod.spec.containers as Record<string, unknown>[])[index] as Record<string, unknown>;
const csc = (pod: Pod, index = 1) => container(pod, index).securityContext as Record<string, unknown>;
const init = (pod: Pod) => (pod.spec.initContainers as Record<string, unknown>[])[0] as Record<string, unknown>;
const ephemeral = (pod: Pod, securityContext: Record<string, unknown>) => {
  pod.spec.ephemeralContainers = [
    { name: 'debug', image: 'busybox', securityContext: { ...hardened(), ...securityContext } },
  ];
};

interface CheckCase {
  readonly check: PssCheckId;
  readonly level: Exclude<PsaLevel, 'privileged'>;
  /** The first version with the check. */
  readonly since: number;
  readonly fail: readonly [string, Change][];
  readonly pass: readonly [string, Change][];
}

const CASES: readonly CheckCase[] = [
  {
    check: 'hostProcess',
    level: 'baseline',
    since: 0,
    fail: [
      ['pod hostProcess', (p) => set(sc(p), 'windowsOptions', { hostProcess: true })],
      ['second container hostProcess', (p) => set(csc(p), 'windowsOptions', { hostProcess: true })],
    ],
    pass: [['hostProcess false', (p) => set(csc(p), 'windowsOptions', { hostProcess: false })]],
  },
  {
    check: 'hostNamespaces',
    level: 'baseline',
    since: 0,
    fail: [
      ['hostNetwork', (p) => set(p.spec, 'hostNetwork', true)],
      ['hostPID', (p) => set(p.spec, 'hostPID', true)],
      ['hostIPC', (p) => set(p.spec, 'hostIPC', true)],
    ],
    pass: [['all false', (p) => Object.assign(p.spec, { hostNetwork: false, hostPID: false, hostIPC: false })]],
  },
  {
    check: 'privileged',
    level: 'baseline',
    since: 0,
    fail: [
      ['second container', (p) => set(csc(p), 'privileged', true)],
      ['init container', (p) => set(init(p).securityContext as Record<string, unknown>, 'privileged', true)],
      ['ephemeral container', (p) => ephemeral(p, { privileged: true })],
    ],
    pass: [['privileged false', (p) => set(csc(p), 'privileged', false)]],
  },
  {
    check: 'capabilities_baseline',
    level: 'baseline',
    since: 0,
    fail: [
      ['SYS_ADMIN', (p) => set(csc(p), 'capabilities', { add: ['SYS_ADMIN'] })],
      // Upstream compares the names as written.
      ['CAP_CHOWN', (p) => set(csc(p), 'capabilities', { add: ['CAP_CHOWN'] })],
    ],
    pass: [
      [
        'the baseline list',
        (p) => set(csc(p), 'capabilities', { drop: ['ALL'], add: ['CHOWN', 'KILL', 'SYS_CHROOT'] }),
      ],
    ],
  },
  {
    check: 'hostPathVolumes',
    level: 'baseline',
    since: 0,
    fail: [['hostPath', (p) => set(p.spec, 'volumes', [{ name: 'root', hostPath: { path: '/' } }])]],
    pass: [['emptyDir', (p) => set(p.spec, 'volumes', [{ name: 'tmp', emptyDir: {} }])]],
  },
  {
    check: 'hostPorts',
    level: 'baseline',
    since: 0,
    fail: [['hostPort 80', (p) => set(container(p), 'ports', [{ containerPort: 80, hostPort: 80 }])]],
    pass: [['hostPort 0', (p) => set(container(p), 'ports', [{ containerPort: 80, hostPort: 0 }])]],
  },
  {
    check: 'appArmorProfile',
    level: 'baseline',
    since: 0,
    fail: [
      [
        'unconfined annotation',
        (p) => set(p.metadata, 'annotations', { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
      ],
    ],
    pass: [
      [
        'localhost annotation',
        (p) => set(p.metadata, 'annotations', { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/x' }),
      ],
      ['RuntimeDefault field', (p) => set(csc(p), 'appArmorProfile', { type: 'RuntimeDefault' })],
    ],
  },
  {
    check: 'appArmorProfile',
    level: 'baseline',
    since: 30,
    fail: [
      ['Unconfined field on a container', (p) => set(csc(p), 'appArmorProfile', { type: 'Unconfined' })],
      ['Unconfined field on the pod', (p) => set(sc(p), 'appArmorProfile', { type: 'Unconfined' })],
    ],
    pass: [['Localhost field', (p) => set(sc(p), 'appArmorProfile', { type: 'Localhost', localhostProfile: 'x' })]],
  },
  {
    check: 'seLinuxOptions',
    level: 'baseline',
    since: 0,
    fail: [
      ['spc_t type', (p) => set(csc(p), 'seLinuxOptions', { type: 'spc_t' })],
      ['a user', (p) => set(sc(p), 'seLinuxOptions', { user: 'system_u' })],
      ['a role', (p) => set(csc(p), 'seLinuxOptions', { role: 'system_r' })],
    ],
    pass: [
      ['container_t', (p) => set(csc(p), 'seLinuxOptions', { type: 'container_t', level: 's0:c1,c2' })],
      ['container_kvm_t', (p) => set(sc(p), 'seLinuxOptions', { type: 'container_kvm_t' })],
    ],
  },
  {
    check: 'procMount',
    level: 'baseline',
    since: 0,
    fail: [['Unmasked', (p) => set(csc(p), 'procMount', 'Unmasked')]],
    pass: [['Default', (p) => set(csc(p), 'procMount', 'Default')]],
  },
  {
    check: 'seccompProfile_baseline',
    level: 'baseline',
    since: 19,
    fail: [
      ['Unconfined on the pod', (p) => set(sc(p), 'seccompProfile', { type: 'Unconfined' })],
      ['Unconfined on a container', (p) => set(csc(p), 'seccompProfile', { type: 'Unconfined' })],
    ],
    pass: [['Localhost', (p) => set(csc(p), 'seccompProfile', { type: 'Localhost', localhostProfile: 'x.json' })]],
  },
  {
    check: 'sysctls',
    level: 'baseline',
    since: 0,
    fail: [['kernel.msgmax', (p) => set(sc(p), 'sysctls', [{ name: 'kernel.msgmax', value: '1' }])]],
    pass: [['a safe one', (p) => set(sc(p), 'sysctls', [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }])]],
  },
  {
    check: 'hostProbesAndhostLifecycle',
    level: 'baseline',
    since: 34,
    fail: [
      ['liveness probe host', (p) => set(container(p), 'livenessProbe', { httpGet: { host: '10.0.0.1', port: 80 } })],
      ['preStop host', (p) => set(container(p), 'lifecycle', { preStop: { tcpSocket: { host: 'node', port: 22 } } })],
    ],
    pass: [['probe without host', (p) => set(container(p), 'readinessProbe', { httpGet: { port: 80, path: '/' } })]],
  },
  {
    check: 'restrictedVolumes',
    level: 'restricted',
    since: 0,
    fail: [
      ['nfs', (p) => set(p.spec, 'volumes', [{ name: 'n', nfs: { server: 'x', path: '/' } }])],
      ['hostPath', (p) => set(p.spec, 'volumes', [{ name: 'h', hostPath: { path: '/var' } }])],
    ],
    pass: [
      [
        'the allowed sources',
        (p) =>
          set(p.spec, 'volumes', [
            { name: 'a', configMap: { name: 'c' } },
            { name: 'b', secret: { secretName: 's' } },
            { name: 'c', projected: { sources: [] } },
            { name: 'd', persistentVolumeClaim: { claimName: 'x' } },
          ]),
      ],
    ],
  },
  {
    check: 'allowPrivilegeEscalation',
    level: 'restricted',
    since: 8,
    fail: [
      ['unset on the second container', (p) => void delete csc(p).allowPrivilegeEscalation],
      [
        'true on an init container',
        (p) => set(init(p).securityContext as Record<string, unknown>, 'allowPrivilegeEscalation', true),
      ],
    ],
    pass: [],
  },
  {
    check: 'runAsNonRoot',
    level: 'restricted',
    since: 0,
    fail: [
      ['unset everywhere', (p) => void delete sc(p).runAsNonRoot],
      ['false on a container', (p) => set(csc(p), 'runAsNonRoot', false)],
      ['false on the pod', (p) => set(sc(p), 'runAsNonRoot', false)],
    ],
    pass: [
      [
        'set on every container instead',
        (p) => {
          delete sc(p).runAsNonRoot;
          for (const c of [...(p.spec.containers as Record<string, unknown>[]), init(p)]) {
            (c.securityContext as Record<string, unknown>).runAsNonRoot = true;
          }
        },
      ],
    ],
  },
  {
    check: 'runAsUser',
    level: 'restricted',
    since: 23,
    fail: [
      ['0 on a container', (p) => set(csc(p), 'runAsUser', 0)],
      ['0 on the pod', (p) => set(sc(p), 'runAsUser', 0)],
    ],
    pass: [['1000', (p) => set(csc(p), 'runAsUser', 1000)]],
  },
  {
    check: 'seccompProfile_restricted',
    level: 'restricted',
    since: 19,
    fail: [
      ['unset everywhere', (p) => void delete sc(p).seccompProfile],
      ['Unconfined on a container', (p) => set(csc(p), 'seccompProfile', { type: 'Unconfined' })],
    ],
    pass: [
      [
        'set on every container instead',
        (p) => {
          delete sc(p).seccompProfile;
          for (const c of [...(p.spec.containers as Record<string, unknown>[]), init(p)]) {
            (c.securityContext as Record<string, unknown>).seccompProfile = { type: 'RuntimeDefault' };
          }
        },
      ],
    ],
  },
  {
    check: 'capabilities_restricted',
    level: 'restricted',
    since: 22,
    fail: [
      ['no drop ALL', (p) => set(csc(p), 'capabilities', { drop: ['NET_RAW'] })],
      ['adds CHOWN', (p) => set(csc(p), 'capabilities', { drop: ['ALL'], add: ['CHOWN'] })],
    ],
    pass: [['adds NET_BIND_SERVICE', (p) => set(csc(p), 'capabilities', { drop: ['ALL'], add: ['NET_BIND_SERVICE'] })]],
  },
];

function violations(change: Change, level: PsaLevel, version: number | 'latest') {
  const pod = restrictedPod();
  change(pod);
  return podSecurityViolations(pod as PssPod, level, version);
}

it('finds nothing in the restricted pod, at any level and version, and nothing at privileged', () => {
  for (const version of ['latest', 0, 8, 19, 22, 25, 30] as const) {
    expect(podSecurityViolations(restrictedPod(), 'restricted', version)).toEqual([]);
  }
  const pod = restrictedPod();
  csc(pod).privileged = true;
  pod.spec.hostPID = true;
  expect(podSecurityViolations(pod, 'privileged')).toEqual([]);
  expect(podSecurityViolations({ metadata: undefined, spec: {} }, 'restricted')).toEqual([]);
});

describe.each(CASES)('$check ($level, since v1.$since)', ({ check, level, since, fail, pass }) => {
  it.each(fail)('rejects %s from its version on, at both levels where it applies', (_name, change) => {
    for (const version of [since, 'latest'] as const) {
      expect(violations(change, level, version).map((v) => v.check)).toContain(check);
      // Restricted includes the baseline (through its own, stricter check where it overrides one).
      if (level === 'baseline') expect(violations(change, 'restricted', version).length).toBeGreaterThan(0);
    }
    if (since > 0) expect(violations(change, level, since - 1).map((v) => v.check)).not.toContain(check);
  });
  it.each(pass.length ? pass : [['(no allowed variant)', () => undefined] as [string, Change]])(
    'allows %s',
    (_name, change) => {
      expect(violations(change, level, 'latest').map((v) => v.check)).not.toContain(check);
    },
  );
});

it.each([
  [
    'seLinuxOptions type container_engine_t',
    31,
    (p: Pod) => set(csc(p), 'seLinuxOptions', { type: 'container_engine_t' }),
  ],
  [
    'sysctl net.ipv4.ip_local_reserved_ports',
    27,
    (p: Pod) => set(sc(p), 'sysctls', [{ name: 'net.ipv4.ip_local_reserved_ports', value: '80' }]),
  ],
  [
    'sysctl net.ipv4.tcp_keepalive_time',
    29,
    (p: Pod) => set(sc(p), 'sysctls', [{ name: 'net.ipv4.tcp_keepalive_time', value: '1' }]),
  ],
  [
    'sysctl net.ipv4.tcp_rmem',
    32,
    (p: Pod) => set(sc(p), 'sysctls', [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]),
  ],
])('allows %s from v1.%i on, not before', (_name, since, change) => {
  expect(violations(change, 'baseline', since - 1)).toHaveLength(1);
  expect(violations(change, 'baseline', since)).toEqual([]);
  expect(violations(change, 'baseline', 'latest')).toEqual([]);
});

describe('what a violation says', () => {
  it('names the exact field, the container and upstream’s reason', () => {
    const pod = restrictedPod();
    csc(pod).privileged = true;
    const [found] = podSecurityViolations(pod, 'baseline');
    expect(found).toMatchObject({
      check: 'privileged',
      reason: 'privileged',
      detail: 'container "sidecar" must not set securityContext.privileged=true',
      container: { name: 'sidecar', image: 'envoy' },
    });
    expect(formatPath(found?.path ?? [])).toBe('spec.containers[1].securityContext.privileged');
  });

  it('paths point into a controller’s template, and the message reads like the API server’s', () => {
    const pod = restrictedPod();
    pod.spec.hostNetwork = true;
    pod.spec.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
    const found = podSecurityViolations(
      { ...pod, metadataPath: ['spec', 'template', 'metadata'], specPath: ['spec', 'template', 'spec'] },
      'baseline',
      25,
    );
    expect(found.map((v) => formatPath(v.path))).toEqual([
      'spec.template.spec.hostNetwork',
      'spec.template.spec.volumes[0].hostPath',
    ]);
    expect(podSecurityMessage(found, 'baseline', 25)).toBe(
      'violates PodSecurity "baseline:v1.25": host namespaces (hostNetwork=true), hostPath volumes (volume "docker")',
    );
  });

  it('restricted replaces the baseline checks it overrides', () => {
    const pod = restrictedPod();
    pod.spec.volumes = [{ name: 'h', hostPath: { path: '/' } }];
    csc(pod).capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] };
    expect(podSecurityViolations(pod, 'restricted').map((v) => v.check)).toEqual([
      'restrictedVolumes',
      'capabilities_restricted',
    ]);
    // Before v1.22 there is no restricted capabilities check: the baseline one applies.
    expect(podSecurityViolations(pod, 'restricted', 21).map((v) => v.check)).toEqual([
      'capabilities_baseline',
      'restrictedVolumes',
    ]);
  });

  it('exempts Windows pods from the Linux-only restricted checks from v1.25', () => {
    const pod = restrictedPod();
    pod.spec.os = { name: 'windows' };
    delete sc(pod).seccompProfile;
    delete csc(pod).allowPrivilegeEscalation;
    csc(pod).capabilities = {};
    expect(podSecurityViolations(pod, 'restricted', 25)).toEqual([]);
    expect([...new Set(podSecurityViolations(pod, 'restricted', 24).map((v) => v.check))]).toEqual([
      'allowPrivilegeEscalation',
      'seccompProfile_restricted',
      'capabilities_restricted',
    ]);
  });

  it('reads seccomp annotations before v1.19 and the fields after', () => {
    const pod = restrictedPod();
    pod.metadata.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' };
    expect(podSecurityViolations(pod, 'baseline', 18).map((v) => v.check)).toEqual(['seccompProfile_baseline']);
    expect(podSecurityViolations(pod, 'baseline', 19)).toEqual([]);
  });
});

it('reads a workload of the inventory where it is written', () => {
  const [view] = inventoryOf(`apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {container.apparmor.security.beta.kubernetes.io/backup: unconfined}
        spec:
          containers:
          - name: backup
            image: busybox
            securityContext: {privileged: true}
`).podSpecs;
  if (!view) throw new Error('no pod spec');
  expect(podSecurityViolations(podOfSpecView(view), 'baseline').map((v) => formatPath(v.path))).toEqual([
    'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
    'spec.jobTemplate.spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/backup"]',
  ]);
});
