import { describe, expect, it } from 'vitest';
import { inventoryOf, requestFor } from '../../../test/support/admission.js';
import { kyvernoValidatingPolicyEngine } from './kyverno-vpol.js';

const SHOP = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const PRIVILEGED = { name: 'bad', image: 'nginx', securityContext: { privileged: true } };

function policy(spec: Record<string, unknown> = {}, kind = 'ValidatingPolicy', namespace?: string) {
  return {
    apiVersion: 'policies.kyverno.io/v1alpha1',
    kind,
    metadata: { name: 'no-privileged', ...(namespace ? { namespace } : {}) },
    spec: {
      validationActions: ['Deny'],
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
        ],
      },
      validations: [
        {
          expression:
            '(object.spec.containers + object.spec.?initContainers.orValue([])).all(c, !c.?securityContext.?privileged.orValue(false))',
          message: 'privileged containers are not allowed',
        },
      ],
      ...spec,
    },
  };
}

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'shop', labels: { app: 'x' } },
  spec: { containers: [PRIVILEGED] },
};
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'shop' },
  spec: {
    template: {
      metadata: { labels: { app: 'x' } },
      spec: { containers: [{ name: 'ok', image: 'nginx' }], initContainers: [PRIVILEGED] },
    },
  },
};
const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'c', namespace: 'shop' },
  spec: { jobTemplate: { spec: { template: { spec: { containers: [PRIVILEGED] } } } } },
};

const outcomes = (objects: Record<string, unknown>[], probe: Record<string, unknown>) =>
  kyvernoValidatingPolicyEngine.evaluate(requestFor(probe), inventoryOf(SHOP, ...objects)).map((o) => o.outcome);

describe('Kyverno ValidatingPolicy', () => {
  it('denies a privileged pod, and through autogen the pod template of each controller', () => {
    expect(outcomes([policy()], pod)).toEqual(['deny']);
    expect(outcomes([policy()], deployment)).toEqual(['deny']);
    expect(outcomes([policy()], cronJob)).toEqual(['deny']);
    const [outcome] = kyvernoValidatingPolicyEngine.evaluate(requestFor(deployment), inventoryOf(SHOP, policy()));
    expect(outcome).toMatchObject({
      engine: 'kyverno',
      name: 'ValidatingPolicy no-privileged (autogen for Deployment) validation 0',
      message: 'privileged containers are not allowed',
      path: ['spec', 'validations', 0],
    });
  });

  it('autogen covers only the controllers a policy lists', () => {
    const deploymentsOnly = policy({ autogen: { podControllers: { controllers: ['deployments'] } } });
    expect(outcomes([deploymentsOnly], deployment)).toEqual(['deny']);
    expect(outcomes([deploymentsOnly], cronJob)).toEqual([]);
  });

  it('follows validationActions and evaluation settings', () => {
    expect(outcomes([policy({ validationActions: ['Audit'] })], pod)).toEqual(['audit']);
    expect(outcomes([policy({ evaluation: { admission: { enabled: false } } })], pod)).toEqual([]);
    expect(outcomes([policy({ validationActions: undefined })], pod)).toEqual(['unproven']);
  });

  it('a namespaced policy acts only in its namespace', () => {
    expect(outcomes([policy({}, 'NamespacedValidatingPolicy', 'shop')], pod)).toEqual(['deny']);
    expect(outcomes([policy({}, 'NamespacedValidatingPolicy', 'other')], pod)).toEqual([]);
  });

  it('a PolicyException exempts what its conditions accept, and is unproven when it cannot be evaluated', () => {
    const exception = (expression: string) => ({
      apiVersion: 'policies.kyverno.io/v1alpha1',
      kind: 'PolicyException',
      metadata: { name: 'allow-x', namespace: 'shop' },
      spec: {
        policyRefs: [{ name: 'no-privileged', kind: 'ValidatingPolicy' }],
        matchConditions: [{ name: 'x', expression }],
      },
    });
    expect(outcomes([policy(), exception("object.metadata.labels.app == 'x'")], pod)).toEqual([]);
    expect(outcomes([policy(), exception("object.metadata.labels.app == 'y'")], pod)).toEqual(['deny']);
    expect(outcomes([policy(), exception("resource.Get('v1', 'configmaps', 'shop', 'x') != null")], pod)).toEqual([
      'unproven',
    ]);
  });

  it("Kyverno's own libraries are unproven, never a verdict", () => {
    const external = policy({
      validations: [{ expression: "image.GetMetadata(object.spec.containers[0].image).config.user != 'root'" }],
    });
    const [outcome] = kyvernoValidatingPolicyEngine.evaluate(requestFor(pod), inventoryOf(SHOP, external));
    expect(outcome).toMatchObject({ outcome: 'unproven', reason: expect.stringContaining('does not implement') });
  });
});
