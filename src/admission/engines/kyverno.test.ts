import { describe, expect, it } from 'vitest';
import { inventoryOf, requestFor } from './engines.fixtures.js';
import { kyverno } from './kyverno.js';

/**
 * The Kyverno engine on effective policies and on decoys: policies that use the right words and stop nothing, or
 * stop it somewhere else. Probes: a privileged second container, in a Pod and in a Deployment's template.
 */

const privileged = { name: 'second', image: 'busybox', securityContext: { privileged: true } };
const plain = { name: 'app', image: 'nginx' };
const pod = (containers: unknown[], labels: Record<string, string> = {}, namespace = 'shop') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'probe', namespace, labels },
  spec: { containers },
});
const deployment = (containers: unknown[], kind = 'Deployment') => ({
  apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
  kind,
  metadata: { name: 'web', namespace: 'shop' },
  spec:
    kind === 'CronJob'
      ? { jobTemplate: { spec: { template: { spec: { containers } } } } }
      : { template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
});

const PRIVILEGED_PATTERN = `
      validate:
        message: Privileged mode is disallowed.
        pattern:
          spec:
            =(ephemeralContainers):
              - =(securityContext):
                  =(privileged): "false"
            =(initContainers):
              - =(securityContext):
                  =(privileged): "false"
            containers:
              - =(securityContext):
                  =(privileged): "false"`;

function policy({
  kind = 'ClusterPolicy',
  namespace,
  action = 'Enforce',
  match = '\n        any:\n        - resources:\n            kinds: [Pod]',
  rule = PRIVILEGED_PATTERN,
  extra = '',
  annotations = '',
}: {
  kind?: string;
  namespace?: string;
  action?: string;
  match?: string;
  rule?: string;
  extra?: string;
  annotations?: string;
} = {}): string {
  return `apiVersion: kyverno.io/v1
kind: ${kind}
metadata:
  name: disallow-privileged${namespace ? `\n  namespace: ${namespace}` : ''}${annotations ? `\n  annotations:\n    ${annotations}` : ''}
spec:
  validationFailureAction: ${action}
  rules:
    - name: privileged-containers
      match:${match}${extra}${rule}
---
`;
}

const shop = (labels = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: ${labels}\n---\n`;

function outcomes(yaml: string, object: Record<string, unknown>, namespace = 'shop', subResource = '') {
  return kyverno.evaluate(requestFor(object, namespace, subResource), inventoryOf(yaml)).map((o) => o.outcome);
}

describe('Kyverno: an effective policy', () => {
  it('rejects a privileged second container in a Pod, and through autogen in each controller', () => {
    const inventory = inventoryOf(policy());
    const [denied] = kyverno.evaluate(requestFor(pod([plain, privileged])), inventory);
    expect(denied).toMatchObject({
      engine: 'kyverno',
      outcome: 'deny',
      name: 'Kyverno ClusterPolicy disallow-privileged rule privileged-containers',
      path: ['spec', 'rules', 0],
    });
    expect(denied?.message).toBe(
      'validation error: Privileged mode is disallowed. rule privileged-containers failed: failed at path /spec/containers/1/securityContext/privileged/: value true does not match "false"',
    );
    expect(outcomes(policy(), pod([plain]))).toEqual(['pass']);
    const [viaDeployment] = kyverno.evaluate(requestFor(deployment([plain, privileged])), inventory);
    expect(viaDeployment).toMatchObject({
      outcome: 'deny',
      name: expect.stringContaining('rule autogen-privileged-containers'),
    });
    const [viaCronJob] = kyverno.evaluate(requestFor(deployment([privileged], 'CronJob')), inventory);
    expect(viaCronJob).toMatchObject({
      outcome: 'deny',
      name: expect.stringContaining('rule autogen-cronjob-privileged-containers'),
    });
  });

  it('applies through a namespaceSelector that selects the Namespace by a label it carries', () => {
    const match =
      '\n        any:\n        - resources:\n            kinds: [Pod]\n            namespaceSelector:\n              matchLabels: {team: shop}';
    expect(outcomes(policy({ match }) + shop('{team: shop}'), pod([privileged]))).toEqual(['deny']);
    expect(outcomes(policy({ match }) + shop('{team: web}'), pod([privileged]))).toEqual([]);
    expect(outcomes(policy({ match }), pod([privileged]))).toEqual(['unproven']);
  });

  it('reads Enforce and Audit in any case, per rule and per namespace', () => {
    expect(outcomes(policy({ action: 'enforce' }), pod([privileged]))).toEqual(['deny']);
    expect(outcomes(policy({ action: 'Audit' }), pod([privileged]))).toEqual(['audit']);
    const ruleEnforces = policy({
      action: 'Audit',
      rule: PRIVILEGED_PATTERN.replace('validate:', 'validate:\n        failureAction: Enforce'),
    });
    expect(outcomes(ruleEnforces, pod([privileged]))).toEqual(['deny']);
    const overridden = policy().replace(
      '  rules:',
      '  validationFailureActionOverrides:\n  - action: Audit\n    namespaces: ["sh*"]\n  rules:',
    );
    expect(outcomes(overridden, pod([privileged]))).toEqual(['audit']);
    expect(outcomes(overridden, pod([privileged], {}, 'web'), 'web')).toEqual(['deny']);
  });

  it('checks ephemeral containers through Pod/ephemeralcontainers, which a plain Pod rule does not match', () => {
    const debug = { ...pod([plain]), spec: { containers: [plain], ephemeralContainers: [privileged] } };
    const match = '\n        any:\n        - resources:\n            kinds: [Pod, Pod/ephemeralcontainers]';
    expect(outcomes(policy({ match }), debug, 'shop', 'ephemeralcontainers')).toEqual(['deny']);
    expect(outcomes(policy(), debug, 'shop', 'ephemeralcontainers')).toEqual([]);
  });

  it('evaluates podSecurity with its exclusions', () => {
    const rule = `
      validate:
        podSecurity:
          level: baseline
          version: latest
          exclude:
          - controlName: Host Ports
            images: ["nginx*"]`;
    const hostPort = { ...plain, ports: [{ containerPort: 80, hostPort: 80 }] };
    expect(outcomes(policy({ rule }), pod([hostPort]))).toEqual(['pass']);
    expect(outcomes(policy({ rule }), pod([{ ...hostPort, image: 'busybox' }]))).toEqual(['deny']);
    expect(outcomes(policy({ rule }), pod([plain, privileged]))).toEqual(['deny']);
  });

  it('evaluates deny conditions on the request, and preconditions', () => {
    const rule = `
      preconditions:
        all:
        - key: "{{ request.operation || 'BACKGROUND' }}"
          operator: NotEquals
          value: DELETE
      validate:
        message: no host network
        deny:
          conditions:
            any:
            - key: "{{ request.object.spec.hostNetwork || \`false\` }}"
              operator: Equals
              value: true`;
    expect(outcomes(policy({ rule }), { ...pod([plain]), spec: { hostNetwork: true, containers: [plain] } })).toEqual([
      'deny',
    ]);
    expect(outcomes(policy({ rule }), pod([plain]))).toEqual(['pass']);
  });
});

describe('Kyverno: decoys', () => {
  it('a pattern on a label named privileged stops no privileged container', () => {
    const rule = `
      validate:
        message: no privileged
        pattern:
          metadata:
            =(labels):
              =(privileged): "false"`;
    expect(outcomes(policy({ rule }), pod([privileged]))).toEqual(['pass']);
    expect(outcomes(policy({ rule }), pod([plain], { privileged: 'true' }))).toEqual(['deny']);
  });

  it('a rule that checks only the first container admits a privileged second one', () => {
    const rule = `
      validate:
        message: no privileged
        deny:
          conditions:
            any:
            - key: "{{ request.object.spec.containers[0].securityContext.privileged || \`false\` }}"
              operator: Equals
              value: true`;
    expect(outcomes(policy({ rule }), pod([plain, privileged]))).toEqual(['pass']);
    expect(outcomes(policy({ rule }), pod([privileged, plain]))).toEqual(['deny']);
  });

  it('=() anchors on a field pods do not have make the rule vacuous', () => {
    const rule = `
      validate:
        message: no privileged
        pattern:
          spec:
            =(securityContext):
              =(privileged): "false"`;
    expect(outcomes(policy({ rule }), pod([plain, privileged]))).toEqual(['pass']);
  });

  it('a Policy in another namespace, and an exclude that covers the namespace, stop nothing here', () => {
    expect(outcomes(policy({ kind: 'Policy', namespace: 'other' }), pod([privileged]))).toEqual([]);
    expect(outcomes(policy({ kind: 'Policy', namespace: 'shop' }), pod([privileged]))).toEqual(['deny']);
    const exclude = '\n      exclude:\n        any:\n        - resources:\n            namespaces: ["sh?p"]';
    expect(outcomes(policy({ extra: exclude }), pod([privileged]))).toEqual([]);
    expect(outcomes(policy({ extra: exclude }), pod([privileged], {}, 'web'), 'web')).toEqual(['deny']);
  });

  it('autogen stops where the policy says so, and at rules narrowed by a selector', () => {
    const none = policy({ annotations: 'pod-policies.kyverno.io/autogen-controllers: none' });
    expect(outcomes(none, deployment([privileged]))).toEqual([]);
    expect(outcomes(none, pod([privileged]))).toEqual(['deny']);
    const onlyJobs = policy({ annotations: 'pod-policies.kyverno.io/autogen-controllers: Job,CronJob' });
    expect(outcomes(onlyJobs, deployment([privileged]))).toEqual([]);
    const selected =
      '\n        any:\n        - resources:\n            kinds: [Pod]\n            selector:\n              matchLabels: {app: web}';
    expect(outcomes(policy({ match: selected }), deployment([privileged]))).toEqual([]);
    expect(outcomes(policy({ match: selected }), pod([privileged], { app: 'web' }))).toEqual(['deny']);
    expect(outcomes(policy({ match: selected }), pod([privileged]))).toEqual([]);
  });

  it('Kyverno leaves kube-system alone by default, and what its ConfigMap’s resourceFilters name', () => {
    expect(outcomes(policy(), pod([privileged], {}, 'kube-system'), 'kube-system')).toEqual([]);
    const filters = `apiVersion: v1
kind: ConfigMap
metadata: {name: kyverno, namespace: kyverno}
data:
  resourceFilters: "[Event,*,*][*/*,sh*,*]"
---
`;
    expect(outcomes(filters + policy(), pod([privileged]))).toEqual([]);
    expect(outcomes(filters + policy(), pod([privileged], {}, 'kube-system'), 'kube-system')).toEqual(['deny']);
  });

  it('a PolicyException exempts the pods it matches from the rules it names', () => {
    const exception = (ruleNames: string, namespaces = '[shop]') => `apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: debug-tools, namespace: shop}
spec:
  exceptions:
  - policyName: disallow-privileged
    ruleNames: ${ruleNames}
  match:
    any:
    - resources:
        kinds: [Pod, Deployment]
        namespaces: ${namespaces}
---
`;
    const exempt = exception('[privileged-containers]');
    expect(kyverno.evaluate(requestFor(pod([privileged])), inventoryOf(exempt + policy()))).toMatchObject([
      { outcome: 'pass', reason: 'exempted by PolicyException shop/debug-tools' },
    ]);
    // Kyverno names the generated rule: an exception for the Pod rule does not cover the Deployment.
    expect(outcomes(exempt + policy(), deployment([privileged]))).toEqual(['deny']);
    expect(outcomes(exception('[autogen-privileged-containers]') + policy(), deployment([privileged]))).toEqual([
      'pass',
    ]);
    expect(outcomes(exception('[privileged-containers]', '[web]') + policy(), pod([privileged]))).toEqual(['deny']);
  });
});

describe('Kyverno: what is unproven', () => {
  it('context, mutate and verifyImages rules, and variables the request does not show', () => {
    const context = PRIVILEGED_PATTERN.replace(
      '      validate:',
      '      context:\n      - name: cm\n        configMap: {name: x, namespace: y}\n      validate:',
    );
    expect(kyverno.evaluate(requestFor(pod([privileged])), inventoryOf(policy({ rule: context })))).toMatchObject([
      { outcome: 'unproven', reason: expect.stringContaining('context') },
    ]);
    const verify = `
      verifyImages:
      - imageReferences: ["*"]`;
    expect(kyverno.evaluate(requestFor(pod([plain])), inventoryOf(policy({ rule: verify })))).toMatchObject([
      { outcome: 'unproven', reason: expect.stringContaining('image signatures are unproven') },
    ]);
    const user = `
      validate:
        message: admins only
        deny:
          conditions:
            any:
            - key: "{{ request.userInfo.username }}"
              operator: NotEquals
              value: admin`;
    expect(outcomes(policy({ rule: user }), pod([plain]))).toEqual(['unproven']);
    expect(outcomes(policy({ rule: '\n      generate:\n        kind: ConfigMap' }), pod([plain]))).toEqual([]);
  });

  it('a rule only for some requesters is unproven; excluding some requesters leaves the rest checked', () => {
    const forSome =
      '\n        any:\n        - resources:\n            kinds: [Pod]\n          subjects:\n          - kind: User\n            name: dev';
    expect(outcomes(policy({ match: forSome }), pod([privileged]))).toEqual(['unproven']);
    const exclude = '\n      exclude:\n        any:\n        - clusterRoles: [cluster-admin]';
    expect(outcomes(policy({ extra: exclude }), pod([privileged]))).toEqual(['deny']);
  });

  it('a rule it cannot read is unproven, and the policy’s other rules still count', () => {
    const broken = policy().replace(
      '  rules:',
      `  rules:
    - name: odd
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        deny:
          conditions:
            any:
            - key: "{{ request.object.metadata.{a: name} }}"
              operator: Equals
              value: x`,
    );
    expect(outcomes(broken, pod([privileged]))).toEqual(['unproven', 'deny']);
  });

  it('nothing applies to an empty input', () => {
    expect(kyverno.evaluate(requestFor(pod([privileged])), inventoryOf(''))).toEqual([]);
  });
});
