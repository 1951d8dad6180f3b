import { describe, expect, it } from 'vitest';
import { inventoryOf, requestFor } from '../../../test/support/admission.js';
import { gatekeeperEngine } from './gatekeeper.js';

const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

const TEMPLATE = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8snoprivileged' },
  spec: {
    crd: { spec: { names: { kind: 'K8sNoPrivileged' } } },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        code: [
          {
            engine: 'K8sNativeValidation',
            source: {
              variables: [
                {
                  name: 'all',
                  expression:
                    'variables.anyObject.spec.containers + variables.anyObject.spec.?initContainers.orValue([])',
                },
              ],
              validations: [
                {
                  expression:
                    'variables.all.all(c, !c.?securityContext.?privileged.orValue(false) || (has(variables.params.exempt) && c.image in variables.params.exempt))',
                  messageExpression:
                    "'privileged: ' + variables.all.filter(c, c.?securityContext.?privileged.orValue(false)).map(c, c.name).join(', ')",
                },
              ],
            },
          },
          { engine: 'Rego', source: { rego: 'package x' } },
        ],
      },
    ],
  },
};

const REGO_ONLY = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8sregoonly' },
  spec: {
    crd: { spec: { names: { kind: 'K8sRegoOnly' } } },
    targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package k8sregoonly' }],
  },
};

function constraint(spec: Record<string, unknown> = {}, kind = 'K8sNoPrivileged') {
  return {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind,
    metadata: { name: 'no-privileged' },
    spec: { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, ...spec },
  };
}

function pod(ns: string, init = false, labels: Record<string, string> = {}) {
  const privileged = { name: 'bad', image: 'nginx', securityContext: { privileged: true } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: ns, labels },
    spec: { containers: [{ name: 'ok', image: 'nginx' }], ...(init ? { initContainers: [privileged] } : {}) },
  };
}

const run = (objects: Record<string, unknown>[], probe: Record<string, unknown>) =>
  gatekeeperEngine.evaluate(requestFor(probe), inventoryOf(namespace('shop', { env: 'prod' }), ...objects));

describe('Gatekeeper', () => {
  it('evaluates the template CEL for a matching constraint, naming both and the message', () => {
    const [outcome] = run([TEMPLATE, constraint()], pod('shop', true));
    expect(outcome).toMatchObject({
      engine: 'gatekeeper',
      outcome: 'deny',
      message: 'privileged: bad',
      name: 'K8sNoPrivileged no-privileged (ConstraintTemplate k8snoprivileged) validation 0',
      path: ['spec', 'targets', 0, 'code', 0, 'source', 'validations', 0],
    });
    expect(outcome?.policy.ref.name).toBe('k8snoprivileged');
    expect(outcome?.related?.map((r) => r.ref.name)).toEqual(['no-privileged']);
    expect(run([TEMPLATE, constraint()], pod('shop')).map((o) => o.outcome)).toEqual(['pass']);
  });

  it('passes parameters: an exempted image is admitted', () => {
    const exempting = constraint({ parameters: { exempt: ['nginx'] } });
    expect(run([TEMPLATE, exempting], pod('shop', true)).map((o) => o.outcome)).toEqual(['pass']);
  });

  it('follows spec.match: excluded namespaces by glob, label and namespace selectors, kinds', () => {
    const excluded = constraint({
      match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }], excludedNamespaces: ['sh*'] },
    });
    expect(run([TEMPLATE, excluded], pod('shop', true))).toEqual([]);
    const onlyDeployments = constraint({ match: { kinds: [{ apiGroups: ['apps'], kinds: ['Deployment'] }] } });
    expect(run([TEMPLATE, onlyDeployments], pod('shop', true))).toEqual([]);
    const labelled = constraint({ match: { labelSelector: { matchLabels: { team: 'a' } } } });
    expect(run([TEMPLATE, labelled], pod('shop', true))).toEqual([]);
    expect(run([TEMPLATE, labelled], pod('shop', true, { team: 'a' })).map((o) => o.outcome)).toEqual(['deny']);
    const prodOnly = constraint({ match: { namespaceSelector: { matchLabels: { env: 'prod' } } } });
    expect(run([TEMPLATE, prodOnly], pod('shop', true)).map((o) => o.outcome)).toEqual(['deny']);
    expect(run([TEMPLATE, prodOnly], pod('elsewhere', true)).map((o) => o.outcome)).toEqual(['unproven']);
  });

  it('maps enforcementAction: dryrun audits, warn warns, scoped acts only at admission points', () => {
    expect(
      run([TEMPLATE, constraint({ enforcementAction: 'dryrun' })], pod('shop', true)).map((o) => o.outcome),
    ).toEqual(['audit']);
    expect(run([TEMPLATE, constraint({ enforcementAction: 'warn' })], pod('shop', true)).map((o) => o.outcome)).toEqual(
      ['warn'],
    );
    const auditOnly = constraint({
      enforcementAction: 'scoped',
      scopedEnforcementActions: [{ action: 'deny', enforcementPoints: [{ name: 'audit.gatekeeper.sh' }] }],
    });
    expect(run([TEMPLATE, auditOnly], pod('shop', true)).map((o) => o.outcome)).toEqual(['pass']);
    const atWebhook = constraint({
      enforcementAction: 'scoped',
      scopedEnforcementActions: [{ action: 'deny', enforcementPoints: [{ name: 'validation.gatekeeper.sh' }] }],
    });
    expect(run([TEMPLATE, atWebhook], pod('shop', true)).map((o) => o.outcome)).toEqual(['deny']);
  });

  it('is unproven for Rego-only templates and constraints without a template', () => {
    const [rego] = run([REGO_ONLY, constraint({}, 'K8sRegoOnly')], pod('shop', true));
    expect(rego).toMatchObject({
      outcome: 'unproven',
      reason: expect.stringContaining('Rego does not run in-process'),
    });
    const [orphan] = run([constraint()], pod('shop', true));
    expect(orphan).toMatchObject({
      outcome: 'unproven',
      reason: 'no ConstraintTemplate for kind K8sNoPrivileged is in the input',
    });
  });

  it('skips namespaces Gatekeeper ignores, and says when its own namespace may be exempt', () => {
    const ignored = inventoryOf(namespace('shop', { 'admission.gatekeeper.sh/ignore': 'yes' }), TEMPLATE, constraint());
    expect(gatekeeperEngine.evaluate(requestFor(pod('shop', true)), ignored)).toEqual([]);
    const [own] = run([TEMPLATE, constraint()], pod('gatekeeper-system', true));
    expect(own?.reason).toContain('--exempt-namespace');
  });

  it('decides nothing without constraints', () => {
    expect(run([TEMPLATE], pod('shop', true))).toEqual([]);
  });
});
