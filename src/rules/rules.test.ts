import { describe, expect, it } from 'vitest';
import { allChecks } from '../checks/index.js';
import { ConfigError, parseConfig } from '../config/index.js';
import { analyze } from '../engine/analyze.js';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import { compileRules } from './index.js';

const BUILT_IN = new Set(allChecks.map((check) => check.id));

const TEAM_LABEL = `rules:
- id: team-label
  title: Deployment without a team label
  severity: medium
  techniques: [MS-TA9001]
  match:
    kinds: [Deployment]
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: every Deployment names its team in a team label
`;

const deployment = (name: string, labels: string, namespace = 'shop') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}, labels: ${labels}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - {name: app, image: registry.example.com/app:1.0}
`;

function rulesOf(config: string) {
  const parsed = parseConfig(config, '.kubematrix.yaml');
  return { config: parsed, checks: compileRules(parsed.rulesFile ? [parsed.rulesFile] : [], BUILT_IN) };
}

function run(config: string, manifests: string) {
  const { config: parsed, checks } = rulesOf(config);
  const read = parseManifest('app.yaml', Buffer.from(manifests));
  const { inventory } = buildInventory(read.objects);
  return analyze(inventory, { checks, config: parsed });
}

function refusal(config: string): string {
  try {
    rulesOf(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the rules were accepted');
}

describe('custom rules', () => {
  it('find objects that fail a validation, at the object, with the validation as located evidence', () => {
    const { findings, errors } = run(TEAM_LABEL, `${deployment('web', '{team: shop}')}---\n${deployment('api', '{}')}`);
    expect(errors).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      checkId: 'team-label',
      title: 'Deployment without a team label',
      severity: 'medium',
      techniques: ['MS-TA9001'],
      resource: { kind: 'Deployment', name: 'api' },
      location: { file: 'app.yaml', line: 12 },
      message: 'every Deployment names its team in a team label',
      evidence: [{ type: 'rule', location: { file: '.kubematrix.yaml', line: 9 } }],
    });
  });

  it('look only at what match selects: kinds, namespaces, labels', () => {
    const config = TEAM_LABEL.replace(
      '    kinds: [Deployment]',
      '    kinds: [Deployment]\n    namespaces: [prod-*]\n    labelSelector: {matchExpressions: [{key: tier, operator: Exists}]}',
    );
    const manifests = [
      deployment('a', '{}', 'shop'),
      deployment('b', '{}', 'prod-eu'),
      deployment('c', '{tier: web}', 'prod-eu'),
      deployment('d', '{tier: web}', 'shop'),
    ].join('---\n');
    expect(run(config, manifests).findings.map((f) => f.resource.name)).toEqual(['c']);
  });

  it('read the VAP variables: namespaceObject from the input, request, and their own variables', () => {
    const config = `rules:
- id: prod-replicas
  title: Production Deployment with one replica
  severity: low
  techniques: [MS-TA9040]
  match: {kinds: [Deployment]}
  variables:
  - name: prod
    expression: "namespaceObject != null && namespaceObject.metadata.labels.env == 'prod'"
  validations:
  - expression: "!variables.prod || object.spec.replicas > 1"
    messageExpression: "'only ' + string(object.spec.replicas) + ' replica in ' + request.namespace"
`;
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n---\n';
    const one = deployment('web', '{}').replace('spec:\n', 'spec:\n  replicas: 1\n');
    expect(run(config, `${namespace}${one}`).findings.map((f) => f.message)).toEqual(['only 1 replica in shop']);
    // Without the Namespace in the input, namespaceObject is null: the rule decides what that means.
    expect(run(config, one).findings).toEqual([]);
  });

  it('give an object on which an expression fails at run time a located input error, and check the others', () => {
    const config = TEAM_LABEL.replace('kinds: [Deployment]', 'kinds: [Deployment, ConfigMap]').replace(
      "has(object.metadata.labels) && 'team' in object.metadata.labels",
      "object.spec.template.metadata.labels.app != 'api'",
    );
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n---\n';
    const { findings, errors } = run(config, `${configMap}${deployment('web', '{}')}---\n${deployment('api', '{}')}`);
    expect(findings.map((f) => f.resource.name)).toEqual(['api']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ source: 'app.yaml', line: 1 });
    expect(errors[0]?.message).toMatch(
      /^ConfigMap settings: rule team-label validations\[0\] \(\.kubematrix\.yaml:9:5\) failed on this object/,
    );
  });

  it('are suppressed like built-in checks: by the config and by annotation', () => {
    const ignored = `${TEAM_LABEL}ignore:\n- {check: team-label, name: api, reason: owned by nobody yet}\n`;
    const [byConfig] = run(ignored, deployment('api', '{}')).findings;
    expect(byConfig?.suppressed).toMatchObject({ by: 'config', reason: 'owned by nobody yet' });
    const annotated = deployment('api', '{}').replace(
      'labels: {}}',
      'labels: {}, annotations: {kubematrix.io/ignore: team-label}}',
    );
    const [byAnnotation] = run(TEAM_LABEL, annotated).findings;
    expect(byAnnotation?.suppressed).toMatchObject({ by: 'annotation' });
  });

  it('take their severity from the config like a built-in check', () => {
    const config = `${TEAM_LABEL}checks:\n  team-label: {severity: high}\n`;
    expect(run(config, deployment('api', '{}')).findings.map((f) => f.severity)).toEqual(['high']);
  });
});

describe('rules refused when loaded, each at its line', () => {
  it.each([
    [
      'an expression that does not parse',
      ["has(object.metadata.labels) && 'team' in object.metadata.labels", 'object.metadata.labels['],
      /\.kubematrix\.yaml:9:5: rules\[0\]\.validations\[0\]\.expression: the expression does not compile at column \d+: /,
    ],
    [
      'an unknown technique, with the closest ids',
      ['[MS-TA9001]', '[MS-TA9999]'],
      /\.kubematrix\.yaml:5:16: rules\[0\]\.techniques\[0\]: 'MS-TA9999' is no technique of the Threat Matrix for Kubernetes \(closest: MS-TA9/,
    ],
    [
      'a technique given by a name fragment, with the ids it names',
      ['[MS-TA9001]', '[privileged]'],
      /'privileged' is no technique .*MS-TA9018/,
    ],
    [
      'an unknown mitigation',
      ['match:', 'mitigations: [MS-M9999]\n  match:'],
      /mitigations\[0\]: 'MS-M9999' is no mitigation/,
    ],
    [
      'an id of a built-in check',
      ['id: team-label', 'id: privileged-container'],
      /'privileged-container' is the id of a built-in check/,
    ],
    [
      'a variable a rule does not have',
      ["'team' in object.metadata.labels", "'team' in params.labels"],
      /reads params: a rule takes no params/,
    ],
    [
      'an undeclared identifier',
      ["'team' in object.metadata.labels", "'team' in obj.metadata.labels"],
      /reads 'obj', which is not a variable of a rule/,
    ],
    [
      'an undeclared variable',
      ["'team' in object.metadata.labels", 'variables.team'],
      /reads variables\.team, which the rule does not declare/,
    ],
    [
      'the requesting user',
      ["'team' in object.metadata.labels", "request.userInfo.username != ''"],
      /the requesting user is unknown to a scan/,
    ],
    [
      'a function kubematrix does not evaluate',
      ["'team' in object.metadata.labels", 'object.isTeamed()'],
      /isTeamed\(\), which this evaluator does not implement: a rule must be evaluable/,
    ],
  ])('%s', (_name, [from, to], message) => {
    expect(refusal(TEAM_LABEL.replace(from as string, to as string))).toMatch(message);
  });

  it('a rule without a technique, or of the wrong shape, at its line', () => {
    expect(refusal(TEAM_LABEL.replace('  techniques: [MS-TA9001]\n', ''))).toMatch(
      /\.kubematrix\.yaml:2:3: rules\[0\]\.techniques: expected array/,
    );
    expect(refusal(TEAM_LABEL.replace('kinds: [Deployment]', 'kind: Deployment'))).toMatch(/rules\[0\]\.match/);
  });

  it('two rules with one id', () => {
    const twice = `${TEAM_LABEL}${TEAM_LABEL.replace('rules:\n', '')}`;
    expect(refusal(twice)).toMatch(
      /\.kubematrix\.yaml:11:3: rules\[1\]\.id: 'team-label' is already the id of the rule at \.kubematrix\.yaml:2/,
    );
  });
});
