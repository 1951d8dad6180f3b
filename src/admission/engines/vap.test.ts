import { describe, expect, it } from 'vitest';
import { clusterOf, inventoryOf, requestFor } from '../../../test/support/admission.js';
import { validatingAdmissionPolicyEngine } from './vap.js';

const SHOP = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { tier: 'apps' } } };

function pod(name: string, containers: Record<string, unknown>[], labels?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', ...(labels ? { labels } : {}) },
    spec: { containers },
  };
}
const plain = { name: 'app', image: 'nginx' };
const privileged = { name: 'side', image: 'nginx', securityContext: { privileged: true } };
const PRIVILEGED_FIRST = pod('first', [privileged]);
const PRIVILEGED_SECOND = pod('second', [plain, privileged]);
const PRIVILEGED_LABELLED = pod('labelled', [privileged], { team: 'a' });
const BENIGN = pod('benign', [plain]);

const EFFECTIVE = 'object.spec.containers.all(c, !c.?securityContext.?privileged.orValue(false))';

function policy(expression: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'pod-hardening' },
    spec: {
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
        ],
      },
      validations: [{ expression, message: 'privileged containers are not allowed' }],
      ...extra,
    },
  };
}

function binding(spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'pod-hardening-binding' },
    spec: { policyName: 'pod-hardening', validationActions: ['Deny'], ...spec },
  };
}

/** The outcomes for each probe, by probe name. */
function outcomes(
  objects: Record<string, unknown>[],
  probes = [PRIVILEGED_FIRST, PRIVILEGED_SECOND, PRIVILEGED_LABELLED],
) {
  const inventory = inventoryOf(SHOP, ...objects);
  return Object.fromEntries(
    probes.map((probe) => [
      probe.metadata.name,
      validatingAdmissionPolicyEngine.evaluate(requestFor(probe), inventory).map((o) => o.outcome),
    ]),
  );
}

describe('ValidatingAdmissionPolicy', () => {
  it('rejects every privileged probe under an effective policy, and passes the benign pod', () => {
    expect(
      outcomes([policy(EFFECTIVE), binding()], [PRIVILEGED_FIRST, PRIVILEGED_SECOND, PRIVILEGED_LABELLED, BENIGN]),
    ).toEqual({
      first: ['deny'],
      second: ['deny'],
      labelled: ['deny'],
      benign: ['pass'],
    });
    const [outcome] = validatingAdmissionPolicyEngine.evaluate(
      requestFor(PRIVILEGED_SECOND),
      inventoryOf(SHOP, policy(EFFECTIVE), binding()),
    );
    expect(outcome).toMatchObject({
      engine: 'validating-admission-policy',
      name: 'ValidatingAdmissionPolicy pod-hardening validation 0',
      path: ['spec', 'validations', 0],
      message: 'privileged containers are not allowed',
    });
    expect(outcome?.related?.map((r) => r.ref.name)).toEqual(['pod-hardening-binding']);
  });

  it('admits what decoys let through', () => {
    const alwaysTrue = `${EFFECTIVE} || object.metadata.name.startsWith('')`;
    expect(outcomes([policy(alwaysTrue), binding()])).toEqual({
      first: ['pass'],
      second: ['pass'],
      labelled: ['pass'],
    });
    const firstOnly = '!object.spec.containers[0].?securityContext.?privileged.orValue(false)';
    expect(outcomes([policy(firstOnly), binding()])).toEqual({ first: ['deny'], second: ['pass'], labelled: ['deny'] });
  });

  it('forbidding only the docker socket leaves other hostPaths admitted', () => {
    const hostPath = (path: string) => ({
      ...pod(`host-${path.replaceAll('/', '')}`, [plain]),
      spec: { containers: [plain], volumes: [{ name: 'h', hostPath: { path } }] },
    });
    const socketOnly =
      "object.spec.?volumes.orValue([]).all(v, v.?hostPath.?path.orValue('') != '/var/run/docker.sock')";
    expect(outcomes([policy(socketOnly), binding()], [hostPath('/var/run/docker.sock'), hostPath('/')])).toEqual({
      'host-varrundocker.sock': ['deny'],
      'host-': ['pass'],
    });
  });

  it('resolves namespaceSelectors against the Namespace objects of the input', () => {
    const excluding = binding({ matchResources: { namespaceSelector: { matchLabels: { tier: 'system' } } } });
    expect(outcomes([policy(EFFECTIVE), excluding])).toEqual({ first: [], second: [], labelled: [] });
    const selecting = binding({ matchResources: { namespaceSelector: { matchLabels: { tier: 'apps' } } } });
    expect(outcomes([policy(EFFECTIVE), selecting])).toEqual({ first: ['deny'], second: ['deny'], labelled: ['deny'] });
    const byName = binding({
      matchResources: {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }],
        },
      },
    });
    expect(outcomes([policy(EFFECTIVE), byName])).toEqual({ first: ['deny'], second: ['deny'], labelled: ['deny'] });
    // A namespace the input does not hold: its labels are unknown.
    const elsewhere = { ...PRIVILEGED_FIRST, metadata: { name: 'elsewhere', namespace: 'unknown' } };
    expect(outcomes([policy(EFFECTIVE), selecting], [elsewhere])).toEqual({ elsewhere: ['unproven'] });
  });

  it('skips pods a matchCondition exempts, and only those', () => {
    const exempting = policy(EFFECTIVE, {
      matchConditions: [{ name: 'unlabelled', expression: '!has(object.metadata.labels)' }],
    });
    expect(outcomes([exempting, binding()])).toEqual({ first: ['deny'], second: ['deny'], labelled: [] });
  });

  it('follows the binding: Warn only warns, no binding does nothing, and objectSelector narrows', () => {
    expect(outcomes([policy(EFFECTIVE), binding({ validationActions: ['Warn', 'Audit'] })])).toEqual({
      first: ['warn'],
      second: ['warn'],
      labelled: ['warn'],
    });
    expect(outcomes([policy(EFFECTIVE)])).toEqual({ first: [], second: [], labelled: [] });
    const onlyTeamA = binding({ matchResources: { objectSelector: { matchLabels: { team: 'a' } } } });
    expect(outcomes([policy(EFFECTIVE), onlyTeamA])).toEqual({ first: [], second: [], labelled: ['deny'] });
  });

  it('reads params from the input, and says unproven when they are missing', () => {
    const withParams = policy('!object.spec.containers.exists(c, c.image.startsWith(params.data.banned))', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    });
    const params = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'rules', namespace: 'shop' },
      data: { banned: 'ngi' },
    };
    const ref = binding({ paramRef: { name: 'rules', parameterNotFoundAction: 'Deny' } });
    expect(outcomes([withParams, ref, params], [BENIGN])).toEqual({ benign: ['deny'] });
    const [missing] = validatingAdmissionPolicyEngine.evaluate(requestFor(BENIGN), inventoryOf(SHOP, withParams, ref));
    // A live cluster holds every ConfigMap: a missing one is missing, and parameterNotFoundAction decides.
    const inCluster = (action?: string) =>
      validatingAdmissionPolicyEngine
        .evaluate(
          requestFor(BENIGN),
          clusterOf(
            SHOP,
            withParams,
            binding({ paramRef: { name: 'rules', ...(action ? { parameterNotFoundAction: action } : {}) } }),
          ),
        )
        .map((o) => o.outcome);
    expect(inCluster('Allow')).toEqual([]);
    expect(inCluster()).toEqual(['deny']);
    expect(missing).toMatchObject({
      outcome: 'unproven',
      reason: 'ConfigMap rules for binding pod-hardening-binding is not in the input',
    });
  });

  it('never decides on what it cannot evaluate: authorizer, unsupported functions', () => {
    const authorizer = policy(`authorizer.group('').resource('pods').check('create').allowed() || ${EFFECTIVE}`);
    const [byAuthorizer] = validatingAdmissionPolicyEngine.evaluate(
      requestFor(PRIVILEGED_FIRST),
      inventoryOf(SHOP, authorizer, binding()),
    );
    expect(byAuthorizer).toMatchObject({ outcome: 'unproven' });
    expect(byAuthorizer?.reason).toMatch(/not implement|authorizer/);
    const unsupported = policy(`cel.bind(cs, object.spec.containers, cs.all(c, true))`);
    const [byUnsupported] = validatingAdmissionPolicyEngine.evaluate(
      requestFor(PRIVILEGED_FIRST),
      inventoryOf(SHOP, unsupported, binding()),
    );
    expect(byUnsupported).toMatchObject({ outcome: 'unproven' });
    expect(byUnsupported?.reason).toContain('bind()');
  });

  it('applies failurePolicy to evaluation errors: Fail rejects, Ignore admits', () => {
    const erroring = 'object.spec.missing.size() == 0';
    expect(outcomes([policy(erroring), binding()], [BENIGN])).toEqual({ benign: ['deny'] });
    expect(outcomes([policy(erroring, { failurePolicy: 'Ignore' }), binding()], [BENIGN])).toEqual({
      benign: ['pass'],
    });
  });

  it('the empty input decides nothing', () => {
    expect(validatingAdmissionPolicyEngine.evaluate(requestFor(PRIVILEGED_FIRST), inventoryOf())).toEqual([]);
  });
});
