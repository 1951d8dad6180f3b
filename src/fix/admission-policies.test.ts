import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryOf } from '../../test/support/admission.js';
import { contextOf, findingsIn, inventoryWith } from '../../test/support/fix.js';
import { openApiErrors } from '../../test/support/openapi.js';
import { compileCel } from '../admission/cel.js';
import { kyverno } from '../admission/engines/kyverno.js';
import { validatingAdmissionPolicyEngine } from '../admission/engines/vap.js';
import { admissionRequest, admit, admitRequest, outcomesOf } from '../admission/index.js';
import { PROBES, probeObject } from '../admission/probes.js';
import { simulate } from '../admission/simulate.js';
import type { AdmissionEngine } from '../admission/types.js';
import { asRecord, type Inventory, type Resource } from '../inventory/index.js';
import { admissionPolicies, exemptionOf, exemptionsWithin } from './admission-policies.js';
import type { FixContext, FixFile } from './types.js';

const SHOP = ['examples/shop'];

const byPath = (files: readonly FixFile[], path: string) => {
  const file = files.find((each) => each.path === path);
  if (!file) throw new Error(`no ${path} in ${files.map((each) => each.path).join(', ')}`);
  return file;
};

/** A pod that runs as non-root an image in use: only what `spec` adds can make a policy reject it. */
function pod(name: string, namespace: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...extra },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0' }],
      ...spec,
    },
  };
}

/** The generated policies that reject creating `object` in `namespace`, by name. */
function policiesRejecting(object: Record<string, unknown>, namespace: string, after: Inventory): string[] {
  const outcomes = outcomesOf(admissionRequest(object, namespace), after, [validatingAdmissionPolicyEngine]);
  return [...new Set(outcomes.filter((o) => o.outcome === 'deny').map((o) => o.policy.ref.name))].sort();
}

/** Every current workload's verdict under the generated policies alone. */
function verdicts(context: FixContext, files: readonly FixFile[], engine: AdmissionEngine) {
  const after = inventoryWith(context.inventory, files);
  return after.podSpecs.map((spec) => ({
    workload: `${spec.owner.ref.kind} ${spec.namespace}/${spec.owner.ref.name}`,
    verdict: admit(spec.owner.object, spec.namespace, after, [engine]).verdict,
  }));
}

describe('admissionPolicies', () => {
  it('on examples/shop: one policy per exposure found, each OpenAPI-valid, exempting exactly the workloads that need it', async () => {
    const context = await contextOf(SHOP);
    const files = admissionPolicies(context);
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining([
        'MS-M9013-admission-policies/privileged.yaml',
        'MS-M9013-admission-policies/host-namespaces.yaml',
        'MS-M9013-admission-policies/writable-host-path.yaml',
        'MS-M9013-admission-policies/node-root.yaml',
        'MS-M9013-admission-policies/run-as-root.yaml',
        'MS-M9005.003-image-policies/latest-tag.yaml',
        'MS-M9005.003-image-policies/image-registries.yaml',
      ]),
    );
    for (const file of files) {
      for (const object of file.creates ?? []) expect(openApiErrors(object)).toEqual([]);
      expect(file.breaks).toEqual([]);
    }
    const privileged = byPath(files, 'MS-M9013-admission-policies/privileged.yaml');
    expect(privileged.text).toContain('Exempted, by namespace and name');
    expect(privileged.text).toContain('CronJob shop/nightly-backup.');
    expect(privileged.closes.techniques).toContain('MS-TA9018');
    const hostNamespaces = byPath(files, 'MS-M9013-admission-policies/host-namespaces.yaml');
    expect(hostNamespaces.text).toContain('DaemonSet logging/log-shipper.');
    expect(hostNamespaces.text).not.toContain('nightly-backup');
    const latest = byPath(files, 'MS-M9005.003-image-policies/latest-tag.yaml');
    expect(latest.text).toContain('Deployment shop/storefront.');
    // Without Kyverno in the input, no Kyverno policy.
    expect(files.some((file) => file.path.includes('kyverno'))).toBe(false);
  });

  it('warn mode: every current workload is admitted, and each violating probe is warned about in every namespace', async () => {
    const context = await contextOf(SHOP);
    const files = admissionPolicies(context);
    expect(new Set(verdicts(context, files, validatingAdmissionPolicyEngine).map((v) => v.verdict))).toEqual(
      new Set(['admitted']),
    );
    const after = inventoryWith(context.inventory, files);
    const simulation = simulate(context.inventory);
    for (const file of files) {
      const binding = (file.creates ?? []).find((object) => object.kind === 'ValidatingAdmissionPolicyBinding');
      expect(asRecord(binding?.spec).validationActions).toEqual(['Warn', 'Audit']);
    }
    for (const probe of PROBES.filter((each) => each.control === 'privileged')) {
      for (const namespace of simulation.namespaces) {
        const { object, options } = probeObject(probe, simulation.image);
        const request = admissionRequest(object, namespace, options);
        expect(admitRequest(request, after, [validatingAdmissionPolicyEngine]).verdict, probe.id).toBe('warned');
        const reference = probeObject(probe, simulation.image, false);
        const admitted = admitRequest(admissionRequest(reference.object, namespace, reference.options), after, [
          validatingAdmissionPolicyEngine,
        ]);
        expect(admitted.verdict).toBe('admitted');
      }
    }
  });

  it('enforce mode: each policy enforces its control against every probe in every namespace, and rejects no current workload', async () => {
    const context = await contextOf(SHOP, 'enforce');
    const files = admissionPolicies(context);
    const after = inventoryWith(context.inventory, files);
    const simulation = simulate(after, [validatingAdmissionPolicyEngine]);
    const controls = [
      'privileged',
      'host-namespaces',
      'host-path-writable',
      'node-root',
      'run-as-root',
      'image-registries',
    ] as const;
    for (const control of controls) {
      const result = simulation.cluster(control);
      expect(result?.enforcement, `${control}: ${result?.namespaces.map((n) => n.reason).join('; ')}`).toBe('enforced');
    }
    expect(verdicts(context, files, validatingAdmissionPolicyEngine).filter((v) => v.verdict !== 'admitted')).toEqual(
      [],
    );
  });

  it('covers the classes the shop does not show: capabilities and runtime sockets, in every container list', () => {
    const inventory = inventoryOf(pod('web', 'shop', {}));
    const files = admissionPolicies({ inventory, findings: [], mode: 'enforce' });
    const after = inventoryWith(inventory, files);
    const simulation = simulate(after, [validatingAdmissionPolicyEngine]);
    for (const control of ['capabilities', 'runtime-socket', 'privileged'] as const)
      expect(simulation.cluster(control)?.enforcement, control).toBe('enforced');
    // Ways around a path test: a lowercase CAP_ name, a socket's directory, a path that walks up.
    const rejectedBy = (spec: Record<string, unknown>) => policiesRejecting(pod('x', 'shop', spec), 'shop', after);
    const container = (securityContext: unknown) => [{ name: 'a', image: 'ghcr.io/example/app:1.0', securityContext }];
    expect(rejectedBy({ initContainers: container({ capabilities: { add: ['cap_sys_admin'] } }) })).toEqual([
      'kubematrix-escape-capabilities',
    ]);
    const volume = (hostPath: string) => ({ volumes: [{ name: 'h', hostPath: { path: hostPath } }] });
    expect(rejectedBy(volume('/var//run/'))).toEqual(['kubematrix-runtime-socket']);
    expect(rejectedBy(volume('/var/lib/../..'))).toEqual(['kubematrix-node-root', 'kubematrix-runtime-socket']);
    expect(rejectedBy(volume('/data/containerd.sock'))).toEqual(['kubematrix-runtime-socket']);
    expect(rejectedBy(volume('/var/lib/app'))).toEqual([]);
    expect(rejectedBy({})).toEqual([]);
  });

  it('exempts a workload by namespace and name only: a namesake elsewhere, or a new ReplicaSet named after it, is rejected', async () => {
    const context = await contextOf(SHOP, 'enforce');
    const files = admissionPolicies(context);
    const after = inventoryWith(context.inventory, files);
    const backup = context.inventory.find('CronJob', 'shop', 'nightly-backup');
    if (!backup) throw new Error('no backup CronJob in the shop');
    const privilegedRejects = (object: Record<string, unknown>, namespace: string) =>
      policiesRejecting(object, namespace, after).includes('kubematrix-privileged');
    expect(policiesRejecting(backup.object, 'shop', after)).toEqual([]);
    expect(privilegedRejects(backup.object, 'payments')).toBe(true);
    const privilegedPod = (owner: Record<string, unknown>) =>
      pod(
        'p',
        'shop',
        { containers: [{ name: 'a', image: 'ghcr.io/example/app:1.0', securityContext: { privileged: true } }] },
        {
          ownerReferences: [{ apiVersion: 'batch/v1', controller: true, uid: 'u', ...owner }],
        },
      );
    // The Job its CronJob creates, and that Job's pod, are exempted; a Job named alike by someone else is not.
    expect(privilegedRejects(privilegedPod({ kind: 'Job', name: 'nightly-backup-29012345' }), 'shop')).toBe(false);
    expect(privilegedRejects(privilegedPod({ kind: 'CronJob', name: 'nightly-backup' }), 'shop')).toBe(false);
    expect(privilegedRejects(privilegedPod({ kind: 'Job', name: 'nightly-backup-evil-1' }), 'shop')).toBe(true);
    expect(privilegedRejects(privilegedPod({ kind: 'ReplicaSet', name: 'nightly-backup-abc12' }), 'shop')).toBe(true);
    expect(privilegedRejects(privilegedPod({ kind: 'Job', name: 'nightly-backup-29012345' }), 'payments')).toBe(true);
    expect(
      privilegedRejects(privilegedPod({ kind: 'Job', name: 'nightly-backup-29012345', controller: false }), 'shop'),
    ).toBe(true);
  });

  it('exempts many workloads by key: each one, what its controllers create, and nothing named like them', async () => {
    // Twenty privileged Deployments (a name with quotes among them, which a manifest may hold) and one that is not.
    const deployment = (name: string, privileged: boolean) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'a', image: 'ghcr.io/example/app:1.0', securityContext: { privileged } }] },
        },
      },
    });
    const names = [...Array.from({ length: 19 }, (_, i) => `app-${i}`), "x' || true || '"];
    const folder = mkdtempSync(path.join(tmpdir(), 'kubematrix-exempt-'));
    try {
      const objects = [...names.map((name) => deployment(name, true)), deployment('app-0-x', false)];
      writeFileSync(path.join(folder, 'all.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
      const context = await contextOf([folder], 'enforce');
      const files = admissionPolicies(context);
      const after = inventoryWith(context.inventory, files);
      const privilegedRejects = (owner: Record<string, unknown> | undefined, named = true) => {
        const ownerReferences = owner ? [{ apiVersion: 'apps/v1', controller: true, uid: 'u', ...owner }] : [];
        const spec = {
          containers: [{ name: 'a', image: 'ghcr.io/example/app:1.0', securityContext: { privileged: true } }],
        };
        const object = pod('p', 'shop', spec, { ownerReferences });
        // Not named yet: a pod a ReplicaSet creates from generateName.
        const { name: _, ...unnamed } = object.metadata;
        return policiesRejecting(named ? object : { ...object, metadata: unnamed }, 'shop', after).includes(
          'kubematrix-privileged',
        );
      };
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'app-0-7d4b9c' })).toBe(false);
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'app-18-1' })).toBe(false);
      expect(privilegedRejects({ kind: 'Deployment', name: 'app-3' })).toBe(false);
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'app-0-7d4b9c' }, false)).toBe(false);
      // The ReplicaSet of app-0-x, which needs nothing, and suffixes a ReplicaSet does not have.
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'app-0-x-7d4b9c' })).toBe(true);
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'app-0-7D4B9C' })).toBe(true);
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'app-0-' })).toBe(true);
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'app-0' })).toBe(true);
      expect(privilegedRejects({ kind: 'Job', name: 'app-0-1' })).toBe(true);
      expect(privilegedRejects({ kind: 'ReplicaSet', name: 'evil-7d4b9c' })).toBe(true);
      expect(privilegedRejects(undefined, false)).toBe(true);
      // The quoted name stays a string: its own pods are exempted, and it exempts nothing else.
      expect(privilegedRejects({ kind: 'Deployment', name: "x' || true || '" })).toBe(false);
      expect(privilegedRejects({ kind: 'Deployment', name: 'x' })).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('exempts whole namespaces, those with the most names first, when the names would not fit in one API object', () => {
    const workload = (namespace: string, kind: string, name: string) => ({
      kind,
      namespace,
      name,
      resource: { ref: { apiVersion: 'apps/v1', kind, namespace, name } } as Resource,
    });
    const many = [
      ...Array.from({ length: 50 }, (_, i) => workload('shop', 'Deployment', `app-${i}`)),
      ...Array.from({ length: 10 }, (_, i) => workload('payments', 'Deployment', `pay-${i}`)),
      ...Array.from({ length: 2 }, (_, i) => workload('docs', 'CronJob', `backup-${i}`)),
    ];
    const listed = exemptionOf({ workloads: many, namespaces: [] });
    expect(exemptionsWithin(many)).toEqual({ workloads: many, namespaces: [] });
    const within = exemptionsWithin(many, listed.length - 1);
    expect(within.namespaces).toEqual([{ namespace: 'shop', workloads: 50 }]);
    expect(within.workloads).toEqual(many.filter((each) => each.namespace !== 'shop'));
    expect(exemptionOf(within).length).toBeLessThan(listed.length - 1);
    expect(exemptionsWithin(many, 10).namespaces.map((each) => each.namespace)).toEqual(['shop', 'payments', 'docs']);

    const program = compileCel(exemptionOf(within));
    if ('error' in program) throw new Error(program.error);
    const exempted = (namespace: string, owner?: { kind: string; name: string }) => {
      const ownerReferences = owner ? [{ apiVersion: 'apps/v1', controller: true, uid: 'u', ...owner }] : [];
      const outcome = program.evaluate({
        request: { namespace },
        object: { kind: 'Pod', metadata: { name: 'p', namespace, ownerReferences } },
      });
      return outcome.ok ? outcome.value : outcome.error;
    };
    expect(exempted('shop')).toBe(true);
    expect(exempted('payments', { kind: 'ReplicaSet', name: 'pay-3-7d4b9c' })).toBe(true);
    expect(exempted('payments', { kind: 'ReplicaSet', name: 'app-3-7d4b9c' })).toBe(false);
    expect(exempted('payments')).toBe(false);
    expect(exempted('docs', { kind: 'Job', name: 'backup-1-29012345' })).toBe(true);
    expect(exempted('docs', { kind: 'Job', name: 'backup-2-29012345' })).toBe(false);
  });

  it('is scanned clean by kubematrix: the policies add no finding of their own', async () => {
    const context = await contextOf(SHOP);
    expect(await findingsIn(admissionPolicies(context))).toEqual([]);
  });

  it('with Kyverno in the input, the same rules as ClusterPolicies, proven by the Kyverno engine', async () => {
    const context = await contextOf(SHOP, 'enforce');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'clusterpolicies.kyverno.io' },
      spec: { group: 'kyverno.io' },
    };
    const withKyverno = { ...context, inventory: inventoryWith(context.inventory, [{ creates: [crd] }]) };
    const files = admissionPolicies(withKyverno);
    const kyvernoFiles = files.filter((file) => file.path.includes('/kyverno-'));
    expect(kyvernoFiles.map((file) => file.path)).toContain('MS-M9013-admission-policies/kyverno-privileged.yaml');
    for (const file of kyvernoFiles) {
      for (const object of file.creates ?? []) expect(openApiErrors(object)).toEqual([]);
      expect(file.breaks).toEqual([]);
    }
    const after = inventoryWith(withKyverno.inventory, kyvernoFiles);
    const simulation = simulate(after, [kyverno]);
    const controls = [
      'privileged',
      'capabilities',
      'host-namespaces',
      'host-path-writable',
      'node-root',
      'runtime-socket',
      'run-as-root',
      'image-registries',
    ] as const;
    for (const control of controls) {
      const result = simulation.cluster(control);
      expect(result?.enforcement, `${control}: ${result?.namespaces.map((n) => n.reason).join('; ')}`).toBe('enforced');
    }
    expect(verdicts(withKyverno, kyvernoFiles, kyverno).filter((v) => v.verdict !== 'admitted')).toEqual([]);
  });

  it('proposes nothing for an empty input', () => {
    expect(admissionPolicies({ inventory: inventoryOf(), findings: [], mode: 'warn' })).toEqual([]);
  });
});
