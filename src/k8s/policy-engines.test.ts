import { describe, expect, it } from 'vitest';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import { admissionDefenses } from './policy-engines.js';

function defensesOf(yaml: string) {
  const { inventory } = buildInventory(parseManifest('policies.yaml', Buffer.from(yaml)).objects);
  const { defenses, problems } = admissionDefenses(inventory);
  return {
    defenses: defenses.map(({ engine, resource, controls, mode, scope, related }) => ({
      engine,
      name: resource.ref.name,
      controls,
      mode,
      scope,
      related: related.map((entry) => entry.ref.name),
    })),
    problems: problems.map(({ resource, path, message }) => ({ name: resource.ref.name, path, message })),
  };
}

describe('admissionDefenses', () => {
  it('reads Kyverno rules by the fields they check, their action and their namespaces', () => {
    const { defenses, problems } = defensesOf(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-host-access}
spec:
  validationFailureAction: Enforce
  rules:
  - name: deny-host-namespaces
    match:
      any:
      - resources: {kinds: [Pod]}
    exclude:
      any:
      - resources: {namespaces: [kube-system]}
    validate:
      message: "sharing the host is not allowed; neither is privileged mode"
      pattern:
        spec:
          =(hostNetwork): "false"
          =(hostPID): "false"
  - name: only-our-registry
    match:
      resources: {kinds: [Pod], namespaces: [shop]}
    validate:
      failureAction: Audit
      pattern:
        spec:
          containers:
          - image: "registry.shop.example/*"
  - name: add-default-labels
    match:
      resources: {kinds: [Pod]}
    mutate:
      patchStrategicMerge: {metadata: {labels: {team: unknown}}}
---
apiVersion: kyverno.io/v1
kind: Policy
metadata: {name: disallow-privileged-containers, namespace: team-a}
spec:
  rules:
  - name: check
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.containers[].securityContext.privileged }}"
            operator: AnyIn
            value: [true]
`);
    expect(problems).toEqual([]);
    expect(defenses).toEqual([
      {
        engine: 'kyverno',
        name: 'no-host-access',
        controls: ['host-namespaces'],
        mode: 'enforce',
        scope: { excludedNamespaces: ['kube-system'], selectors: false },
        related: [],
      },
      {
        engine: 'kyverno',
        name: 'no-host-access',
        controls: ['image-registries'],
        mode: 'audit',
        scope: { namespaces: ['shop'], selectors: false },
        related: [],
      },
      {
        engine: 'kyverno',
        name: 'disallow-privileged-containers',
        controls: ['privileged'],
        mode: 'audit',
        scope: { namespaces: ['team-a'], selectors: false },
        related: [],
      },
    ]);
  });

  it('reads a Kyverno podSecurity rule as its level, less the controls it exempts, and image verification', () => {
    const { defenses } = defensesOf(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pss}
spec:
  rules:
  - name: baseline
    match:
      any:
      - resources:
          kinds: [Pod]
          namespaceSelector: {matchLabels: {tier: apps}}
    validate:
      failureAction: Enforce
      podSecurity:
        level: baseline
        version: latest
        exclude:
        - controlName: Host Ports
  - name: signed
    match:
      any:
      - resources: {kinds: [Pod]}
    verifyImages:
    - imageReferences: ["registry.shop.example/*"]
`);
    expect(defenses).toEqual([
      {
        engine: 'kyverno',
        name: 'pss',
        controls: [
          'privileged',
          'host-path',
          'host-namespaces',
          'capabilities',
          'seccomp',
          'apparmor',
          'proc-mount',
          'sysctls',
        ],
        mode: 'enforce',
        scope: { selectors: true },
        related: [],
      },
      {
        engine: 'kyverno',
        name: 'pss',
        controls: ['image-signatures'],
        mode: 'enforce',
        scope: { selectors: false },
        related: [],
      },
    ]);
  });

  it('reads Gatekeeper constraints by kind or by their template, with their enforcement action', () => {
    const { defenses } = defensesOf(`
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: nohostfolders}
spec:
  crd:
    spec:
      names: {kind: NoHostFolders}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package nohostfolders
      violation[{"msg": "host folder"}] { input.review.object.spec.volumes[_].hostPath }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: NoHostFolders
metadata: {name: everywhere}
spec:
  match:
    excludedNamespaces: [kube-system]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata: {name: no-privileged}
spec:
  enforcementAction: dryrun
  match:
    namespaces: [prod]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPVolumeTypes
metadata: {name: any-volume}
spec:
  parameters: {volumes: ["*"]}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: owner-label}
spec: {}
`);
    expect(defenses).toEqual([
      {
        engine: 'gatekeeper',
        name: 'everywhere',
        controls: ['host-path'],
        mode: 'enforce',
        scope: { excludedNamespaces: ['kube-system'], selectors: false },
        related: ['nohostfolders'],
      },
      {
        engine: 'gatekeeper',
        name: 'no-privileged',
        controls: ['privileged'],
        mode: 'audit',
        scope: { namespaces: ['prod'], selectors: false },
        related: [],
      },
    ]);
  });

  it('reads a ValidatingAdmissionPolicy only through a binding, whose actions give the mode', () => {
    const { defenses } = defensesOf(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-host-network}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
  validations:
  - expression: "!has(object.spec.hostNetwork) || object.spec.hostNetwork == false"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-host-network-apps}
spec:
  policyName: no-host-network
  validationActions: [Warn, Audit]
  matchResources:
    namespaceSelector: {matchLabels: {tier: apps}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: unbound-registries}
spec:
  validations:
  - expression: "object.spec.containers.all(c, c.image.startsWith('registry.shop.example/'))"
`);
    expect(defenses).toEqual([
      {
        engine: 'validating-admission-policy',
        name: 'no-host-network',
        controls: ['host-namespaces'],
        mode: 'audit',
        scope: { selectors: true },
        related: ['no-host-network-apps'],
      },
    ]);
  });

  it('counts Pod Security labels as defenses of their namespace', () => {
    const { defenses } = defensesOf(`
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: privileged}
`);
    expect(defenses).toMatchObject([
      { engine: 'pod-security-admission', name: 'shop', mode: 'enforce', scope: { namespaces: ['shop'] } },
    ]);
    expect(defenses[0]?.controls).toContain('run-as-root');
  });

  it('turns objects of the wrong shape into located problems and reads the rest', () => {
    const { defenses, problems } = defensesOf(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-spec}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: bad-rule}
spec:
  validationFailureAction: Enforce
  rules:
  - name: broken
    match: "pods"
  - name: fine
    validate:
      pattern: {spec: {=(hostPID): "false"}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPCapabilities
metadata: {name: caps}
spec:
  match: {namespaces: prod}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-actions}
spec: {policyName: whatever}
`);
    expect(problems.map(({ name, path }) => ({ name, path }))).toEqual([
      { name: 'no-spec', path: ['spec'] },
      { name: 'bad-rule', path: ['spec', 'rules', 0, 'match'] },
      { name: 'caps', path: ['spec', 'match', 'namespaces'] },
      { name: 'no-actions', path: ['spec', 'validationActions'] },
    ]);
    expect(defenses.map((defense) => defense.name)).toEqual(['bad-rule']);
  });
});
