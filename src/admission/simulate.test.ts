import { describe, expect, it } from 'vitest';
import { parseManifest } from '../inputs/manifests.js';
import { asRecord, buildInventory, type Inventory, type Resource } from '../inventory/index.js';
import { admissionRequest, admit, admitRequest, createdObjects, pluralOf } from './index.js';
import { CONTROLS, PROBES, probeObject } from './probes.js';
import { NEW_NAMESPACE, policyControls, simulate } from './simulate.js';
import type { AdmissionEngine, AdmissionRequest, PolicyOutcome } from './types.js';

function inventoryOf(yaml: string): Inventory {
  const { inventory, errors } = buildInventory(parseManifest('in.yaml', Buffer.from(yaml)).objects);
  expect(errors).toEqual([]);
  return inventory;
}

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.shop.example/web:1.0}]
`;

type Json = Record<string, unknown>;
const containersOf = (pod: Json, groups: readonly string[]) =>
  groups.flatMap((group) => (asRecord(pod.spec)[group] as Json[] | undefined) ?? []);
const isPrivileged = (container: Json) => asRecord(container.securityContext).privileged === true;

/** A policy as a fake engine: applies to Pods, decides with `violates`, answers `outcome` when it does. */
function fakeEngine(
  name: string,
  violates: (pod: Json, request: AdmissionRequest) => boolean,
  outcome: PolicyOutcome['outcome'] = 'deny',
): AdmissionEngine {
  const policy: Resource = {
    ref: { apiVersion: 'example/v1', kind: 'FakePolicy', namespace: null, name },
    object: {},
    labels: {},
    annotations: {},
    locate: () => undefined,
  };
  return {
    id: 'validating-admission-policy',
    evaluate(request) {
      if (request.kind.kind !== 'Pod') return [];
      const violated = violates(request.object as Json, request);
      return [
        {
          engine: 'validating-admission-policy',
          policy,
          path: ['spec', 'validations', 0],
          name: `FakePolicy ${name}`,
          outcome: violated ? outcome : 'pass',
          ...(violated ? { message: `${name} says no`, reason: `${name} could not tell` } : {}),
        },
      ];
    },
    // It reads nothing of the input but the request.
    dependsOn: () => [],
  };
}

const ALL_GROUPS = ['containers', 'initContainers', 'ephemeralContainers'];
const noPrivileged = fakeEngine('no-privileged', (pod) => containersOf(pod, ALL_GROUPS).some(isPrivileged));
const firstOnly = fakeEngine('first-only', (pod) => isPrivileged(containersOf(pod, ['containers'])[0] ?? {}));

describe('admit', () => {
  const inventory = inventoryOf(SHOP);
  const pod = (privileged: boolean) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a', image: 'x', securityContext: { privileged } }] },
  });

  it('names resources by their API plural', () => {
    expect(['Pod', 'NetworkPolicy', 'Ingress', 'ClusterRoleBinding', 'Deployment'].map(pluralOf)).toEqual([
      'pods',
      'networkpolicies',
      'ingresses',
      'clusterrolebindings',
      'deployments',
    ]);
    expect(admissionRequest(pod(false), 'shop')).toMatchObject({
      namespace: 'shop',
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      object: { metadata: { namespace: 'shop' } },
    });
  });

  it('admits what no engine speaks of, and rejects on one deny whatever the others say', () => {
    expect(admit(pod(true), 'shop', inventory, [])).toMatchObject({ verdict: 'admitted', by: [] });
    const warns = fakeEngine('warns', () => true, 'warn');
    const unsure = fakeEngine('unsure', () => true, 'unproven');
    expect(admit(pod(true), 'shop', inventory, [warns]).verdict).toBe('warned');
    expect(admit(pod(true), 'shop', inventory, [warns, unsure]).verdict).toBe('unproven');
    const rejected = admit(pod(true), 'shop', inventory, [warns, unsure, noPrivileged]);
    expect(rejected.verdict).toBe('rejected');
    expect(rejected.by.map((outcome) => outcome.name)).toEqual(['FakePolicy no-privileged']);
    expect(rejected.reason).toBe('Pod p in shop is rejected by FakePolicy no-privileged (no-privileged says no)');
    expect(admit(pod(false), 'shop', inventory, [warns, noPrivileged]).verdict).toBe('warned');
  });

  it("judges a workload by the pods its controllers create, the CronJob's through its Job", () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '@daily',
        jobTemplate: {
          spec: { template: { metadata: { labels: { app: 'n' } }, spec: pod(true).spec } },
        },
      },
    };
    expect(createdObjects(cronJob).map((object) => object.kind)).toEqual(['Job', 'Pod']);
    expect(createdObjects(cronJob)[1]).toMatchObject({
      metadata: { labels: { app: 'n' }, ownerReferences: [{ kind: 'Job', controller: true }] },
    });
    const result = admit(cronJob, 'shop', inventory, [noPrivileged]);
    expect(result.verdict).toBe('rejected');
    expect(result.reason).toMatch(/^Pod nightly-1-1 in shop is rejected/);
    // An ephemeral container is a subresource UPDATE of the pod: no controller creates anything from it.
    const update = admissionRequest(pod(true), 'shop', { operation: 'UPDATE', subResource: 'ephemeralcontainers' });
    expect(admitRequest(update, inventory, [noPrivileged]).verdict).toBe('rejected');
  });
});

describe('probes', () => {
  it('violate only their control: each reference is admitted where the probe is not', () => {
    for (const probe of PROBES) {
      expect(JSON.stringify(probeObject(probe, 'img', false))).not.toBe(JSON.stringify(probeObject(probe, 'img')));
    }
    expect(new Set(PROBES.map((probe) => probe.id)).size).toBe(PROBES.length);
    for (const control of CONTROLS) expect(PROBES.some((probe) => probe.control === control)).toBe(true);
    const privileged = PROBES.filter((probe) => probe.control === 'privileged').map((probe) => probe.description);
    expect(privileged).toContain('a privileged container in a second container of an unlabelled Pod');
    expect(privileged).toContain(
      'a privileged container in an ephemeral container added to a running pod of a labelled Pod',
    );
    expect(privileged).toContain('a privileged container in the only container of a CronJob');
  });
});

describe('simulate', () => {
  it('calls a control enforced only where every probe is rejected for its violation', () => {
    const simulation = simulate(inventoryOf(SHOP), [noPrivileged]);
    expect(simulation.namespaces).toEqual(['shop']);
    expect(simulation.image).toBe('registry.shop.example/web:1.0');
    const result = simulation.inNamespace('privileged', 'shop');
    expect(result.enforcement).toBe('enforced');
    expect(result.probes.every((probe) => probe.by[0]?.name === 'FakePolicy no-privileged')).toBe(true);
    expect(simulation.cluster('privileged')?.enforcement).toBe('enforced');
    expect(simulation.cluster('host-path')?.enforcement).toBe('not-enforced');
  });

  it('says what gets through a policy that checks only the first container', () => {
    const result = simulate(inventoryOf(SHOP), [firstOnly]).inNamespace('privileged', 'shop');
    expect(result.enforcement).toBe('partial');
    const admitted = result.probes.filter((probe) => probe.verdict === 'admitted').map((p) => p.probe.placement);
    expect(new Set(admitted)).toEqual(new Set(['second-container', 'init-container', 'ephemeral-container']));
    expect(result.reason).toMatch(
      /^6 of \d+ probes of privileged containers are admitted in shop, such as a privileged container in a second container/,
    );
  });

  it('exempting labelled pods lets the labelled probes through', () => {
    const exempt = fakeEngine(
      'unlabelled-only',
      (pod) =>
        Object.keys(asRecord(asRecord(pod.metadata).labels)).length === 0 &&
        containersOf(pod, ALL_GROUPS).some(isPrivileged),
    );
    const result = simulate(inventoryOf(SHOP), [exempt]).inNamespace('privileged', 'shop');
    expect(result.enforcement).toBe('partial');
    expect(result.probes.filter((probe) => probe.verdict === 'admitted').every((probe) => probe.probe.labelled)).toBe(
      true,
    );
  });

  it('does not credit a policy that rejects the compliant reference too, nor one it cannot evaluate', () => {
    const everything = fakeEngine('everything', () => true);
    const refused = simulate(inventoryOf(SHOP), [everything]).inNamespace('privileged', 'shop');
    expect(refused.enforcement).toBe('unproven');
    expect(refused.reason).toMatch(/rejected only by what rejects the compliant reference too/);
    const unsure = fakeEngine('unsure', (pod) => containersOf(pod, ALL_GROUPS).some(isPrivileged), 'unproven');
    expect(simulate(inventoryOf(SHOP), [unsure]).inNamespace('privileged', 'shop').enforcement).toBe('unproven');
    // A warning is no rejection.
    const warns = fakeEngine('warns', (pod) => containersOf(pod, ALL_GROUPS).some(isPrivileged), 'warn');
    const warned = simulate(inventoryOf(SHOP), [warns]).inNamespace('privileged', 'shop');
    expect(warned.enforcement).toBe('not-enforced');
    expect(warned.probes[0]?.reason).toMatch(/is admitted, only warned by FakePolicy warns$/);
  });

  it('adds a new namespace when a subject of the input may create namespaces, and claims nothing on empty input', () => {
    const creator = `${SHOP}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ns-creator}
rules: [{apiGroups: [""], resources: [namespaces], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ns-creator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ns-creator}
subjects: [{kind: User, name: alice}]
`;
    // Only in shop: the fake policy reads the namespace, and says it names shop.
    const shopOnly: AdmissionEngine = {
      ...fakeEngine(
        'shop-only',
        (pod, request) => request.namespace === 'shop' && containersOf(pod, ALL_GROUPS).some(isPrivileged),
      ),
      dependsOn: () => ['shop'],
    };
    const simulation = simulate(inventoryOf(creator), [shopOnly]);
    expect(simulation.namespaces).toEqual(['shop', NEW_NAMESPACE]);
    expect(simulation.cluster('privileged')?.enforcement).toBe('partial');
    expect(simulate(inventoryOf(SHOP), [shopOnly]).cluster('privileged')?.enforcement).toBe('enforced');
    expect(simulate(inventoryOf(''), [noPrivileged]).cluster('privileged')).toBeUndefined();
  });

  it('leaves out engines with no policies in the input, and says whether any probe may be rejected', () => {
    const silent: AdmissionEngine = {
      id: 'gatekeeper',
      evaluate: () => {
        throw new Error('an engine with no policies is asked');
      },
      mayDeny: () => false,
      mayAnswer: () => false,
    };
    const simulation = simulate(inventoryOf(SHOP), [noPrivileged, silent]);
    expect(simulation.engines).toEqual(['validating-admission-policy']);
    expect(simulation.mayReject).toBe(true);
    expect(simulation.cluster('privileged')).toEqual(simulate(inventoryOf(SHOP), [noPrivileged]).cluster('privileged'));
    // The built-in engines on an input without policies or Pod Security labels: only Pod Security admission
    // answers, and it rejects nothing.
    const bare = simulate(inventoryOf(SHOP));
    expect(bare.engines).toEqual(['pod-security-admission']);
    expect(bare.mayReject).toBe(false);
    expect(bare.cluster('privileged')?.enforcement).toBe('not-enforced');
    const labelled = simulate(
      inventoryOf(
        SHOP.replace(
          'metadata: {name: shop}',
          'metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: baseline}}',
        ),
      ),
    );
    expect(labelled.mayReject).toBe(true);
    expect(labelled.cluster('privileged')?.enforcement).toBe('enforced');
  });

  it('answers each namespace of a class as its own, however often and in whatever order it is asked', () => {
    const yaml = ['a', 'b', 'c']
      .map(
        (namespace) => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ${namespace}}
spec:
  containers: [{name: web, image: registry.example/web:1.0}]`,
      )
      .join('\n---\n');
    const simulation = simulate(inventoryOf(yaml), [firstOnly]);
    const c = simulation.inNamespace('privileged', 'c');
    const a = simulation.inNamespace('privileged', 'a');
    expect(c.namespace).toBe('c');
    expect(c.reason).toContain(' in c,');
    expect(a.reason).toContain(' in a,');
    // One class: the probes are walked once, and each namespace keeps the answer said of it.
    expect(c.probes).toBe(a.probes);
    expect(simulation.inNamespace('privileged', 'c')).toBe(c);
    const entries = policyControls(simulation).filter((entry) => entry.control === 'privileged');
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.through.map((placed) => placed.namespace)).toEqual(
      ['a', 'b', 'c'].flatMap((namespace) => Array(6).fill(namespace)),
    );
    expect(entry?.rejects.length).toBe(3 * (a.probes.length - 6));
  });

  it('tells apart a namespace that only an exception, a namespaced policy or a configuration names', () => {
    const namespaces = ['shop', 'payments']
      .map((name) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}`)
      .join('\n---\n');
    const clusterPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-privileged}
spec:
  validationFailureAction: Enforce
  rules:
  - name: no-privileged
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: no privileged containers
      pattern: {spec: {containers: [{=(securityContext): {=(privileged): "false"}}]}}`;
    const validatingPolicy = (kind: string, namespace?: string) => `apiVersion: policies.kyverno.io/v1
kind: ${kind}
metadata: {name: no-privileged${namespace ? `, namespace: ${namespace}` : ''}}
spec:
  validationActions: [Deny]
  matchConstraints: {resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]}
  validations:
  - expression: "!object.spec.containers.exists(c, c.?securityContext.?privileged.orValue(false))"`;
    const cases: Record<string, string> = {
      'a Kyverno PolicyException': `${clusterPolicy}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: payments, namespace: kyverno}
spec:
  exceptions: [{policyName: no-privileged, ruleNames: [no-privileged]}]
  match: {any: [{resources: {kinds: [Pod], namespaces: [payments]}}]}`,
      'a CEL PolicyException in the namespace': `${validatingPolicy('ValidatingPolicy')}
---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: payments, namespace: payments}
spec:
  policyRefs: [{name: no-privileged, kind: ValidatingPolicy}]
  matchConditions: [{name: all, expression: "true"}]`,
      'a NamespacedValidatingPolicy': validatingPolicy('NamespacedValidatingPolicy', 'shop'),
      'a PodSecurityConfiguration': `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults: {enforce: baseline}
exemptions: {namespaces: [payments]}`,
    };
    for (const [what, policies] of Object.entries(cases)) {
      const simulation = simulate(inventoryOf(`${namespaces}\n---\n${policies}`));
      const admitted = (namespace: string) =>
        simulation.inNamespace('privileged', namespace).probes.filter((probe) => probe.verdict === 'admitted').length;
      // The shop rejects the probes of plain pods at least; payments admits them.
      expect.soft(admitted('shop'), what).toBeLessThan(admitted('payments'));
    }
  });

  it('does not let a namespace missing from the input answer for a new one: its labels are unknown, the new one has none', () => {
    // Pods in `logging`, whose Namespace the input lacks, and a user who may create namespaces.
    const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: logging}
spec:
  containers: [{name: agent, image: registry.example/agent:1.0}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ns-creator}
rules: [{apiGroups: [""], resources: [namespaces], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ns-creator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ns-creator}
subjects: [{kind: User, name: alice}]
`;
    const simulation = simulate(inventoryOf(yaml));
    expect(simulation.namespaces).toEqual(['logging', NEW_NAMESPACE]);
    // Pod Security admission cannot read logging's labels; a new namespace has none, so nothing stops the probes.
    expect(simulation.inNamespace('privileged', 'logging').enforcement).toBe('unproven');
    const fresh = simulation.inNamespace('privileged', NEW_NAMESPACE);
    expect(fresh.enforcement).toBe('not-enforced');
    expect(fresh.reason).not.toContain('logging');
  });
});
