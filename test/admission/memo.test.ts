import { describe, expect, it } from 'vitest';
import { keyOf } from '../../src/admission/access.js';
import { compileCel, recordAccess } from '../../src/admission/cel.js';
import { ENGINES } from '../../src/admission/engines/index.js';
import { admit } from '../../src/admission/index.js';
import { CONTROLS } from '../../src/admission/probes.js';
import { simulate } from '../../src/admission/simulate.js';
import type { AdmissionEngine } from '../../src/admission/types.js';
import drift from '../../src/checks/admission-drift/index.js';
import type { Inventory } from '../../src/inventory/index.js';
import { inventoryOf } from '../support/admission.js';

/**
 * Engines answer once per request that differs in what their policies read, CEL bodies are evaluated once per
 * input that differs in what they read (access.ts), and the admission-drift check asks only the policies that may
 * reject. Neither may change an answer: over a corpus of
 * varied workloads and policies, decoys among them, the simulation and the drift findings are the same as when
 * every request is evaluated in full, by every policy, with nothing remembered between requests.
 */

/** The inventory as a new object each time it is asked for: what engines remember per inventory starts empty. */
function unremembered(inventory: Inventory): Inventory {
  return {
    get complete() {
      return inventory.complete;
    },
    get unreadable() {
      return inventory.unreadable;
    },
    get resources() {
      return inventory.resources;
    },
    get podSpecs() {
      return inventory.podSpecs;
    },
    get kubeletConfigs() {
      return inventory.kubeletConfigs;
    },
    ofKind: (kind) => inventory.ofKind(kind),
    inNamespace: (kind, namespace) => inventory.inNamespace(kind, namespace),
    find: (kind, namespace, name, near) => inventory.find(kind, namespace, name, near),
  };
}

const STRAIGHT: readonly AdmissionEngine[] = ENGINES.map((engine) => ({
  id: engine.id,
  evaluate: (request, inventory) => engine.evaluate(request, unremembered(inventory)),
}));

const ALL_CONTAINERS =
  '(object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : []) + object.spec.?ephemeralContainers.orValue([]))';

function vap(name: string, expression: string, actions: string, extra: Record<string, unknown> = {}) {
  const { binding = {}, ...spec } = extra as { binding?: Record<string, unknown> };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [''],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['pods', 'pods/ephemeralcontainers'],
            },
          ],
        },
        validations: [{ expression, message: `${name} says no` }],
        ...spec,
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, validationActions: [actions], ...binding },
    },
  ];
}

function kyverno(name: string, action: string, validate: Record<string, unknown>, resources = {}) {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name },
    spec: {
      validationFailureAction: action,
      rules: [{ name, match: { any: [{ resources: { kinds: ['Pod'], ...resources } }] }, validate }],
    },
  };
}

const POLICIES = [
  ...vap(
    'all-containers',
    `${ALL_CONTAINERS}.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged != true)`,
    'Deny',
  ),
  // Decoys: the first container only; an always-true disjunct.
  ...vap(
    'first-only',
    '!has(object.spec.containers[0].securityContext) || object.spec.containers[0].securityContext.?privileged.orValue(false) != true',
    'Deny',
  ),
  ...vap(
    'always-true',
    "!has(object.spec.hostNetwork) || object.spec.hostNetwork == false || object.metadata.name.startsWith('')",
    'Deny',
  ),
  // Variables, a match condition on labels, a message naming the object, a namespace selector.
  ...vap('host-path', 'variables.volumes.all(v, !has(v.hostPath))', 'Deny', {
    variables: [{ name: 'volumes', expression: 'object.spec.?volumes.orValue([])' }],
    matchConditions: [{ name: 'not-exempt', expression: "!('exempt' in object.metadata.?labels.orValue({}))" }],
    validations: [
      {
        expression: 'variables.volumes.all(v, !has(v.hostPath))',
        messageExpression: "'hostPath in ' + object.metadata.name",
      },
    ],
    binding: { matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } },
  }),
  ...vap('request-namespace', "request.namespace != 'shop' || object.spec.?hostPID.orValue(false) != true", 'Deny'),
  ...vap(
    'namespace-label',
    "namespaceObject.metadata.?labels.?tier.orValue('') != 'locked' || object.spec.?hostIPC.orValue(false) != true",
    'Deny',
  ),
  ...vap('audited', `${ALL_CONTAINERS}.all(c, c.image.startsWith('registry.example/'))`, 'Audit'),
  kyverno('no-host-path', 'Enforce', {
    message: 'no hostPath',
    pattern: { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } },
  }),
  kyverno('privileged-audit', 'Audit', {
    message: 'no privileged',
    pattern: { spec: { containers: [{ '=(securityContext)': { '=(privileged)': 'false' } }] } },
  }),
  kyverno(
    'shop-host-network',
    'Enforce',
    { message: 'no hostNetwork in shop', pattern: { spec: { '=(hostNetwork)': 'false' } } },
    { namespaces: ['shop'] },
  ),
  kyverno('non-root', 'Enforce', {
    cel: { expressions: [{ expression: 'object.spec.?securityContext.?runAsNonRoot.orValue(false) == true' }] },
  }),
];

const NAMESPACES = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { env: 'prod', 'pod-security.kubernetes.io/enforce': 'baseline' } },
  },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { env: 'dev', tier: 'locked' } } },
];

const KINDS = [
  ['v1', 'Pod'],
  ['apps/v1', 'Deployment'],
  ['batch/v1', 'CronJob'],
  ['batch/v1', 'Job'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'StatefulSet'],
] as const;

/** Workloads that differ in what the policies read and in what they do not (names, images, ports). */
function workload(n: number): Record<string, unknown> {
  const container = (name: string, privileged: boolean) => ({
    name,
    image: `registry.example/team-${n % 5}/app:${n % 13}`,
    ports: [{ containerPort: 8000 + (n % 50) }],
    ...(privileged ? { securityContext: { privileged: true } } : n % 3 === 0 ? { securityContext: {} } : {}),
  });
  const where = n % 4;
  const spec: Record<string, unknown> = {
    ...(n % 2 === 0 ? { securityContext: { runAsNonRoot: true } } : {}),
    containers: [
      container('main', where === 1),
      ...(n % 3 === 1 || where === 2 ? [container('side', where === 2)] : []),
    ],
    ...(where === 3 ? { initContainers: [container('init', true)] } : {}),
    ...(n % 5 === 0 ? { volumes: [{ name: 'host', hostPath: { path: '/var/log' } }] } : {}),
    ...(n % 7 === 0 ? { hostNetwork: true } : {}),
    ...(n % 11 === 0 ? { hostPID: true } : {}),
    ...(n % 9 === 4 ? { hostIPC: true } : {}),
  };
  const [apiVersion, kind] = KINDS[n % KINDS.length] as (typeof KINDS)[number];
  const labels = { app: `app-${n}`, ...(n % 6 === 0 ? { exempt: 'yes' } : {}) };
  const metadata = { name: `w-${n}`, namespace: ['shop', 'dev', 'elsewhere'][n % 3], labels };
  const template = { metadata: { labels }, spec };
  switch (kind) {
    case 'Pod':
      return { apiVersion, kind, metadata, spec };
    case 'CronJob':
      return { apiVersion, kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
    default:
      return { apiVersion, kind, metadata, spec: { selector: { matchLabels: labels }, template } };
  }
}

function driftFindings(inventory: Inventory): string[] {
  const found: string[] = [];
  drift.run({
    inventory,
    options: undefined,
    report: (draft) => found.push(`${draft.resource.ref.name}: ${draft.message}`),
    error: () => {},
  });
  return found;
}

/** What admission-drift must find: every workload that full evaluation, by every policy, rejects. */
function straightDrift(inventory: Inventory): string[] {
  return inventory.podSpecs.flatMap(({ owner, namespace }) => {
    const result = admit(owner.object, namespace, inventory, STRAIGHT);
    return result.verdict === 'rejected' ? [`${owner.ref.name}: would be rejected now: ${result.reason}`] : [];
  });
}

describe('remembered and narrowed evaluation gives the answers of straight evaluation', () => {
  const inventory = inventoryOf(...NAMESPACES, ...POLICIES, ...Array.from({ length: 300 }, (_, n) => workload(n)));

  it('admission-drift: the same workloads, the same reasons and policies', () => {
    const found = driftFindings(inventory);
    expect(found).toEqual(straightDrift(inventory));
    // Not a corpus where nothing happens: many rejected, by several policies, and many admitted.
    expect(found.length).toBeGreaterThan(100);
    expect(found.length).toBeLessThan(inventory.podSpecs.length);
    for (const policy of ['all-containers', 'host-path', 'request-namespace', 'namespace-label', 'no-host-path'])
      expect(
        found.some((line) => line.includes(policy)),
        policy,
      ).toBe(true);
  });

  it('simulation: every probe of every control, in every namespace, gets the same verdict and reason', () => {
    const remembered = simulate(inventory);
    const straight = simulate(inventory, STRAIGHT);
    expect(remembered.namespaces).toEqual(straight.namespaces);
    const shape = (simulation: typeof remembered) =>
      CONTROLS.flatMap((control) =>
        simulation.namespaces.map((namespace) => {
          const result = simulation.inNamespace(control, namespace);
          return [
            control,
            namespace,
            result.enforcement,
            result.reason,
            ...result.probes.map((probe) => `${probe.probe.id} ${probe.verdict} ${probe.reason}`),
          ];
        }),
      );
    const expected = shape(straight);
    expect(shape(remembered)).toEqual(expected);
    expect(expected.flat().some((line) => line.includes(' rejected '))).toBe(true);
    expect(expected.flat().some((line) => line.includes(' admitted '))).toBe(true);
  });
});

describe('what a CEL expression reads, and the key of an input by it', () => {
  const keyBy = (expression: string, object: unknown) => {
    const roots = new Map();
    const value = recordAccess(compileCel(expression), roots, new Map());
    for (const access of value ?? []) access.whole = true;
    return value && keyOf(object, roots.get('object'));
  };
  const pod = (securityContext: unknown, image = 'a') => ({
    metadata: { name: `pod-${image}` },
    spec: { containers: [{ name: 'c', image, ...(securityContext === undefined ? {} : { securityContext }) }] },
  });
  const PRIVILEGED = 'object.spec.containers.all(c, !has(c.securityContext) || c.securityContext.privileged != true)';

  it('inputs that differ only in what is not read share a key', () => {
    expect(keyBy(PRIVILEGED, pod({ privileged: true }, 'a'))).toBe(keyBy(PRIVILEGED, pod({ privileged: true }, 'b')));
    expect(keyBy(PRIVILEGED, pod({ privileged: true, runAsUser: 1 }))).toBe(
      keyBy(PRIVILEGED, pod({ privileged: true })),
    );
  });

  it('inputs that differ in what is read do not', () => {
    const keys = [pod(undefined), pod({}), pod({ privileged: true }), pod({ privileged: false }), pod(null)].map(
      (object) => keyBy(PRIVILEGED, object),
    );
    expect(new Set(keys).size).toBe(keys.length);
    // A second container, a list where a map is read, a number YAML can write and JSON cannot.
    const two = { spec: { containers: [{ name: 'c' }, { name: 'd' }] } };
    expect(keyBy(PRIVILEGED, two)).not.toBe(keyBy(PRIVILEGED, pod(undefined)));
    expect(keyBy(PRIVILEGED, { spec: { containers: { a: 1 } } })).not.toBe(
      keyBy(PRIVILEGED, { spec: { containers: { a: 2 } } }),
    );
    const names = "object.metadata.name.startsWith('pod-')";
    expect(keyBy(names, pod(undefined, 'a'))).not.toBe(keyBy(names, pod(undefined, 'b')));
    const number = 'object.spec.replicas > 1';
    expect(keyBy(number, { spec: { replicas: Number.NaN } })).not.toBe(keyBy(number, { spec: { replicas: null } }));
  });

  it('an expression that reads the variables map itself is not keyed', () => {
    expect(keyBy('size(variables) > 0', pod(undefined))).toBeUndefined();
  });
});

describe('admission-drift skips the per-workload requests only where nothing in the input can reject', () => {
  const workloads = Array.from({ length: 60 }, (_, n) => workload(n));
  const plainNamespaces = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { env: 'prod' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } },
  ];
  const podSecurityDefaults = {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      {
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: { enforce: 'baseline' },
        },
      },
    ],
  };
  const rejecting: Record<string, readonly Record<string, unknown>[]> = {
    'a Pod Security label on a namespace': NAMESPACES,
    'Pod Security defaults in the plugin configuration': [...plainNamespaces, podSecurityDefaults],
    'a ValidatingAdmissionPolicy': [
      ...plainNamespaces,
      ...vap(
        'no-privileged',
        `${ALL_CONTAINERS}.all(c, c.?securityContext.?privileged.orValue(false) != true)`,
        'Deny',
      ),
    ],
    'a Kyverno ClusterPolicy': [
      ...plainNamespaces,
      kyverno('no-host-path', 'Enforce', {
        message: 'no hostPath',
        pattern: { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } },
      }),
    ],
  };

  it('with no policy, no label and no configuration, no engine may deny and nothing is found', () => {
    const inventory = inventoryOf(...plainNamespaces, ...workloads);
    expect(ENGINES.map((engine) => engine.mayDeny?.(inventory))).toEqual(ENGINES.map(() => false));
    expect(driftFindings(inventory)).toEqual([]);
    expect(straightDrift(inventory)).toEqual([]);
  });

  for (const [what, objects] of Object.entries(rejecting)) {
    it(`with ${what} alone, the findings of full evaluation`, () => {
      const inventory = inventoryOf(...objects, ...workloads);
      expect(ENGINES.some((engine) => engine.mayDeny?.(inventory))).toBe(true);
      const found = driftFindings(inventory);
      expect(found).toEqual(straightDrift(inventory));
      expect(found.length).toBeGreaterThan(0);
    });
  }
});
