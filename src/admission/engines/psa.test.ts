import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../inputs/manifests.js';
import { formatPath } from '../../inputs/path.js';
import { buildInventory, type Inventory } from '../../inventory/index.js';
import { inventoryOf, requestFor } from './engines.fixtures.js';
import { podSecurityAdmission } from './psa.js';

const namespace = (labels: Record<string, string>, name = 'shop') =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n---\n`;

const privilegedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'probe', namespace: 'shop' },
  spec: {
    containers: [
      { name: 'app', image: 'nginx' },
      { name: 'second', image: 'busybox', securityContext: { privileged: true } },
    ],
  },
};
const plainPod = { ...privilegedPod, spec: { containers: [{ name: 'app', image: 'nginx' }] } };
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { metadata: { labels: { app: 'web' } }, spec: privilegedPod.spec } },
};

function evaluate(inventory: Inventory, object: Record<string, unknown>, subResource = '') {
  return podSecurityAdmission.evaluate(requestFor(object, 'shop', subResource), inventory);
}

describe('Pod Security admission', () => {
  it('rejects a Pod that fails the enforced level, naming the label and the field', () => {
    const inventory = inventoryOf(namespace({ 'pod-security.kubernetes.io/enforce': 'baseline' }));
    const [outcome] = evaluate(inventory, privilegedPod);
    expect(outcome).toMatchObject({
      engine: 'pod-security-admission',
      outcome: 'deny',
      name: 'Pod Security admission enforce=baseline:latest on Namespace shop',
      message:
        'violates PodSecurity "baseline:latest": privileged (container "second" must not set securityContext.privileged=true)',
    });
    expect(formatPath(outcome?.path ?? [])).toBe('metadata.labels["pod-security.kubernetes.io/enforce"]');
    expect(outcome?.policy.ref).toMatchObject({ kind: 'Namespace', name: 'shop' });
    expect(outcome?.reason).toContain('spec.containers[1].securityContext.privileged');
    expect(evaluate(inventory, plainPod)).toMatchObject([{ outcome: 'pass' }]);
  });

  it('only warns and audits on a controller’s template: its Pods are rejected when created', () => {
    const inventory = inventoryOf(
      namespace({
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'baseline',
        'pod-security.kubernetes.io/audit': 'restricted',
      }),
    );
    const outcomes = evaluate(inventory, deployment);
    expect(outcomes.map((o) => o.outcome)).toEqual(['audit', 'warn']);
    expect(outcomes[1]?.message).toMatch(/^would violate PodSecurity "baseline:latest"/);
    expect(outcomes[1]?.reason).toContain('spec.template.spec.containers[1].securityContext.privileged');
  });

  it('warn and audit labels alone never reject', () => {
    const inventory = inventoryOf(
      namespace({ 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'baseline' }),
    );
    expect(evaluate(inventory, privilegedPod).map((o) => o.outcome)).toEqual(['audit', 'warn']);
  });

  it('the privileged level and a Namespace without labels admit anything', () => {
    expect(
      evaluate(inventoryOf(namespace({ 'pod-security.kubernetes.io/enforce': 'privileged' })), privilegedPod),
    ).toEqual([]);
    expect(evaluate(inventoryOf(namespace({})), privilegedPod)).toEqual([]);
  });

  it('checks with the pinned version: restricted v1.21 had no capabilities check', () => {
    const pod = {
      ...plainPod,
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'app', image: 'nginx', securityContext: { allowPrivilegeEscalation: false } }],
      },
    };
    const at = (version: string) =>
      evaluate(
        inventoryOf(
          namespace({
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': version,
          }),
        ),
        pod,
      ).map((o) => o.outcome);
    expect(at('v1.21')).toEqual(['pass']);
    expect(at('v1.22')).toEqual(['deny']);
    expect(at('latest')).toEqual(['deny']);
  });

  it('is unproven where the Namespace is not in the input, and with labels the API server would refuse', () => {
    expect(evaluate(inventoryOf(''), privilegedPod)).toMatchObject([
      { outcome: 'unproven', reason: 'Namespace shop is not in the input: its Pod Security labels are unknown' },
    ]);
    expect(
      evaluate(inventoryOf(namespace({ 'pod-security.kubernetes.io/enforce': 'strict' })), privilegedPod),
    ).toMatchObject([{ outcome: 'unproven' }]);
    // A complete cluster read without the Namespace: it does not exist yet, and the defaults (privileged) apply.
    const parsed = parseManifest('cluster.yaml', Buffer.from(''));
    expect(evaluate(buildInventory(parsed.objects, { complete: true }).inventory, privilegedPod)).toEqual([]);
  });

  it('judges ephemeral containers added through their subresource, and no other subresource', () => {
    const inventory = inventoryOf(namespace({ 'pod-security.kubernetes.io/enforce': 'baseline' }));
    const debug = {
      ...plainPod,
      spec: {
        ...plainPod.spec,
        ephemeralContainers: [{ name: 'debug', image: 'busybox', securityContext: { privileged: true } }],
      },
    };
    expect(evaluate(inventory, debug, 'ephemeralcontainers').map((o) => o.outcome)).toEqual(['deny']);
    expect(evaluate(inventory, debug, 'status')).toEqual([]);
  });

  it('ignores what is not a pod or a pod template', () => {
    const inventory = inventoryOf(namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }));
    expect(evaluate(inventory, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
  });
});

describe('the PodSecurity plugin configuration', () => {
  const config = (body: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
${body}
---
`;

  it('applies its defaults to a Namespace without labels, and labels override them', () => {
    const defaults = config('    defaults:\n      enforce: baseline\n      enforce-version: latest');
    expect(evaluate(inventoryOf(defaults + namespace({})), privilegedPod)).toMatchObject([
      { outcome: 'deny', policy: { ref: { kind: 'AdmissionConfiguration' } } },
    ]);
    expect(
      evaluate(
        inventoryOf(defaults + namespace({ 'pod-security.kubernetes.io/enforce': 'privileged' })),
        privilegedPod,
      ),
    ).toEqual([]);
  });

  it('exempts namespaces and runtime classes, and names exempted usernames', () => {
    const exempting = config(
      '    defaults:\n      enforce: baseline\n    exemptions:\n      namespaces: [shop]\n      runtimeClasses: [kata]\n      usernames: [ci-bot]',
    );
    expect(evaluate(inventoryOf(exempting + namespace({})), privilegedPod)).toMatchObject([
      { outcome: 'pass', reason: 'namespace shop is exempt from Pod Security admission' },
    ]);
    const other = inventoryOf(exempting + namespace({}, 'web'));
    const inWeb = (object: Record<string, unknown>) => podSecurityAdmission.evaluate(requestFor(object, 'web'), other);
    expect(inWeb(privilegedPod)).toMatchObject([{ outcome: 'deny', reason: expect.stringContaining('ci-bot') }]);
    expect(inWeb({ ...privilegedPod, spec: { ...privilegedPod.spec, runtimeClassName: 'kata' } })).toMatchObject([
      { outcome: 'pass', reason: 'runtimeClassName kata is exempt from Pod Security admission' },
    ]);
  });

  it('is unproven when the configuration lives in a file the input does not hold', () => {
    const elsewhere = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  path: /etc/kubernetes/pod-security.yaml
---
`;
    expect(
      evaluate(inventoryOf(elsewhere + namespace({ 'pod-security.kubernetes.io/enforce': 'baseline' })), privilegedPod),
    ).toMatchObject([{ outcome: 'unproven', reason: expect.stringContaining('/etc/kubernetes/pod-security.yaml') }]);
  });
});
