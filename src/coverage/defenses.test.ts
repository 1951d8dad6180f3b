import { describe, expect, it } from 'vitest';
import { CONTROL_MITIGATIONS } from '../admission/probes.js';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import { derivableMitigations, observedMitigations } from './defenses.js';

function derive(yaml: string, complete = false) {
  const { inventory, errors } = buildInventory(parseManifest('in.yaml', Buffer.from(yaml)).objects, { complete });
  expect(errors).toEqual([]);
  return observedMitigations(inventory);
}

/** Mitigations proven in place, with their evidence. */
function observed(yaml: string, complete = false) {
  const proven = derive(yaml, complete).filter((mitigation) => !mitigation.unproven);
  return new Map(proven.map((mitigation) => [mitigation.id, mitigation.evidence]));
}

/** Mitigations that could not be proven either way. */
const unproven = (yaml: string) =>
  derive(yaml)
    .filter((mitigation) => mitigation.unproven)
    .map((mitigation) => mitigation.id);

const namespace = (name: string, labels = '{}') => `
apiVersion: v1
kind: Namespace
metadata: {name: ${name}, labels: ${labels}}
---`;
const deployment = (name: string, namespace: string, spec = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      ${spec}
      containers: [{name: app, image: registry.example.com/app@sha256:${'a'.repeat(64)}}]
---`;
const enforce = (level: string) => `{pod-security.kubernetes.io/enforce: ${level}}`;
const denyAll = (namespace: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: ${namespace}}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---`;
const apiserver = (...flags: string[]) => `
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.2
    command: [kube-apiserver, ${flags.join(', ')}]
---`;

describe('observedMitigations', () => {
  it('finds Pod Security admission (MS-M9017, and MS-M9013 since it rejects privileged and hostPath pods) only when it rejects every probe in every namespace', () => {
    const everywhere = observed(
      namespace('shop', enforce('restricted')) +
        namespace('web', enforce('baseline')) +
        namespace('kube-system') +
        deployment('api', 'shop'),
    );
    const [claim, privileged, hostPath] = everywhere.get('MS-M9017') ?? [];
    expect(claim).toMatch(
      /^Pod Security admission rejects privileged and hostPath pods in every namespace in the input \(shop, web\): each of \d+ probes rejected$/,
    );
    expect(privileged).toBe(
      'privileged containers: rejected by Pod Security admission enforce=restricted:latest on Namespace shop (in.yaml:4), Pod Security admission enforce=baseline:latest on Namespace web (in.yaml:8)',
    );
    expect(hostPath).toMatch(/^hostPath volumes: rejected by Pod Security admission enforce=restricted/);
    expect(everywhere.has('MS-M9013')).toBe(true);
    // Baseline rejects seccomp and AppArmor unconfined too.
    expect(everywhere.has('MS-M9011')).toBe(true);
    // A namespace without it, one that only warns: proven not in place.
    const decoys = [
      namespace('shop', enforce('restricted')) + namespace('web'),
      namespace('shop', '{pod-security.kubernetes.io/warn: restricted}'),
    ];
    for (const input of decoys) {
      expect(observed(input).has('MS-M9017')).toBe(false);
      expect(unproven(input)).not.toContain('MS-M9017');
    }
    // A workload in a namespace the input does not describe: its labels are unknown, so neither present nor missing.
    const unknown = namespace('shop', enforce('restricted')) + deployment('api', 'other');
    expect(observed(unknown).has('MS-M9017')).toBe(false);
    expect(unproven(unknown)).toContain('MS-M9017');
    // Nothing in the input to protect: no evidence either way.
    expect(observed(namespace('kube-system', enforce('restricted'))).has('MS-M9017')).toBe(false);
  });

  it('finds MS-M9013 from a cluster-wide enforcing policy engine, not from one that audits or is scoped away', () => {
    const kyverno = (action: string, exclude = '', kinds = '[Pod, Pod/ephemeralcontainers]') => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pod-security}
spec:
  validationFailureAction: ${action}
  rules:
  - name: baseline
    match: {any: [{resources: {kinds: ${kinds}}}]}
    ${exclude}
    validate: {podSecurity: {level: baseline}}
---`;
    const input = namespace('shop') + deployment('api', 'shop');
    // The two controls that stand for it are both MS-M9013.
    expect([CONTROL_MITIGATIONS.privileged, CONTROL_MITIGATIONS['host-path']]).toEqual(['MS-M9013', 'MS-M9013']);
    const [claim, ...pieces] = observed(kyverno('Enforce') + input).get('MS-M9013') ?? [];
    expect(claim).toMatch(/^admission rejects privileged and hostPath pods in every namespace in the input \(shop\)/);
    expect(pieces).toEqual([
      expect.stringMatching(/^privileged containers: rejected by Kyverno ClusterPolicy pod-security rule baseline/),
      expect.stringMatching(/^hostPath volumes: rejected by Kyverno ClusterPolicy pod-security rule baseline/),
    ]);
    expect(observed(kyverno('Audit') + input).has('MS-M9013')).toBe(false);
    // Matching Pods only, it never sees the ephemeral containers `kubectl debug` adds to a running pod.
    expect(observed(kyverno('Enforce', '', '[Pod]') + input).has('MS-M9013')).toBe(false);
    expect(
      observed(kyverno('Enforce', 'exclude: {any: [{resources: {namespaces: [sh*]}}]}') + input).has('MS-M9013'),
    ).toBe(false);
    // Kyverno is not Pod Security admission: MS-M9017 stays for the namespace labels.
    expect(observed(kyverno('Enforce') + input).has('MS-M9017')).toBe(false);
  });

  it('finds default-deny NetworkPolicies (MS-M9014) and blocked metadata egress (MS-M9018) in every namespace with workloads', () => {
    const both = observed(deployment('api', 'shop') + deployment('web', 'web') + denyAll('shop') + denyAll('web'));
    expect(both.get('MS-M9014')).toEqual([
      'a default-deny ingress NetworkPolicy in every namespace with workloads in the input',
      'NetworkPolicy deny-all in shop',
      'NetworkPolicy deny-all in web',
    ]);
    expect(both.get('MS-M9018')).toEqual([
      'egress to 169.254.169.254 and fd00:ec2::254 is blocked by NetworkPolicy for all 2 workloads in the input',
    ]);
    const half = observed(deployment('api', 'shop') + deployment('web', 'web') + denyAll('shop'));
    expect(half.has('MS-M9014')).toBe(false);
    expect(half.has('MS-M9018')).toBe(false);
    // A hostNetwork pod is beyond any NetworkPolicy.
    expect(observed(deployment('api', 'shop', 'hostNetwork: true') + denyAll('shop')).has('MS-M9018')).toBe(false);
  });

  it('finds automount off (MS-M9025) and LimitRanges (MS-M9029) only when every workload has them', () => {
    const limitRange = `
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec: {limits: [{type: Container, default: {cpu: 500m, memory: 256Mi}}]}
---`;
    const all = observed(deployment('api', 'shop', 'automountServiceAccountToken: false') + limitRange, true);
    expect(all.get('MS-M9025')).toEqual(['automountServiceAccountToken is false for all 1 workloads in the cluster']);
    expect(all.get('MS-M9029')).toEqual([
      'a LimitRange in every namespace with workloads in the cluster',
      'LimitRange defaults in shop',
    ]);
    const some = observed(deployment('api', 'shop', 'automountServiceAccountToken: false') + deployment('web', 'web'));
    expect(some.has('MS-M9025')).toBe(false);
    expect(some.has('MS-M9029')).toBe(false);
  });

  it('finds an audit policy with a backend (MS-M9020) and NodeRestriction (MS-M9027) on every API server', () => {
    const audited = observed(
      apiserver(
        '--audit-policy-file=/etc/kubernetes/audit.yaml',
        '--audit-webhook-config-file=/etc/kubernetes/webhook.yaml',
        '--enable-admission-plugins=NodeRestriction',
      ),
    );
    expect(audited.get('MS-M9020')).toEqual([
      'every kube-apiserver in the input has an audit policy and a backend',
      'Pod kube-system/kube-apiserver: --audit-policy-file and --audit-webhook-config-file',
    ]);
    expect(audited.get('MS-M9027')).toEqual([
      'every kube-apiserver in the input runs the NodeRestriction admission plugin',
      'Pod kube-system/kube-apiserver',
    ]);
    // A policy with nowhere to write, and a plugin enabled then disabled.
    const bare = observed(
      apiserver(
        '--audit-policy-file=/etc/kubernetes/audit.yaml',
        '--enable-admission-plugins=NodeRestriction',
        '--disable-admission-plugins=NodeRestriction',
      ),
    );
    expect(bare.has('MS-M9020')).toBe(false);
    expect(bare.has('MS-M9027')).toBe(false);
  });

  it('derives each mitigation it can produce from some input, and nothing from an empty one', () => {
    expect(observed('')).toEqual(new Map());
    expect([...derivableMitigations].sort()).toEqual(
      [
        'MS-M9005.003',
        'MS-M9011',
        'MS-M9013',
        'MS-M9014',
        'MS-M9017',
        'MS-M9018',
        'MS-M9020',
        'MS-M9025',
        'MS-M9027',
        'MS-M9029',
      ].sort(),
    );
  });
});
