import { describe, expect, it } from 'vitest';
import { scanManifests } from '../../engine/scan.js';
import { parseManifest } from '../../inputs/manifests.js';
import type { Finding } from '../../model/report.js';
import admissionDrift from '../admission-drift/index.js';
import check from './index.js';

/**
 * The input (standard input here) checked against the cluster's policies (`--policies`, here one file): what each
 * workload kind meets at deploy time, through the engines' own evaluation.
 */
async function scan(app: string, policies: string): Promise<{ findings: Finding[]; errors: string[] }> {
  const read = parseManifest('policies.yaml', Buffer.from(policies));
  expect(read.errors).toEqual([]);
  const { report } = await scanManifests(['-'], {
    stdin: async () => Buffer.from(app),
    checks: [check, admissionDrift],
    policies: read,
    paths: false,
  });
  return { findings: report.findings, errors: report.errors.map((error) => error.message) };
}

const template = (privileged: boolean) => `
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.0
        securityContext: {privileged: ${privileged}}`;

const controller = (kind: string, privileged: boolean, extra = '') => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: web, namespace: shop}
spec:${extra}
  selector: {matchLabels: {app: web}}
  template:${template(privileged)}
`;

/** Each workload kind, as a user writes it, privileged or not. */
const WORKLOADS: Readonly<Record<string, (privileged: boolean) => string>> = {
  Pod: (privileged) => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
    image: registry.example.com/web:1.0
    securityContext: {privileged: ${privileged}}
`,
  Deployment: (privileged) => controller('Deployment', privileged),
  DaemonSet: (privileged) => controller('DaemonSet', privileged),
  StatefulSet: (privileged) => controller('StatefulSet', privileged, '\n  serviceName: web'),
  ReplicaSet: (privileged) => controller('ReplicaSet', privileged),
  Job: (privileged) => `apiVersion: batch/v1
kind: Job
metadata: {name: web, namespace: shop}
spec:
  template:${template(privileged).replace('    spec:\n', '    spec:\n      restartPolicy: Never\n')}
`,
  CronJob: (privileged) => `apiVersion: batch/v1
kind: CronJob
metadata: {name: web, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:${template(privileged)
        .replace(/\n/g, '\n    ')
        .replace('    spec:\n', '    spec:\n          restartPolicy: Never\n')}
`,
};

const binding = (actions: string, extra = '') => `---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-privileged}
spec:
  policyName: no-privileged
  validationActions: [${actions}]${extra}
`;

/** Denies privileged containers in Pods, which every workload kind's controller creates. */
const NO_PRIVILEGED = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-privileged}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
  validations:
  - expression: "object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)"
    message: privileged containers are not allowed
`;

/** Decoy: the same name and message, but the expression checks host networking, not privilege. */
const WRONG_EXPRESSION = NO_PRIVILEGED.replace(
  /expression: .*/,
  'expression: "!has(object.spec.hostNetwork) || !object.spec.hostNetwork"',
);

describe.each(Object.keys(WORKLOADS))('%s', (kind) => {
  const workload = WORKLOADS[kind] as (privileged: boolean) => string;

  it('is rejected when privileged, under a denying policy: a high finding at the object, evidence at the policy', async () => {
    const { findings, errors } = await scan(workload(true), `${NO_PRIVILEGED}${binding('Deny')}`);
    expect(errors).toEqual([]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      checkId: 'admission-rejected',
      severity: 'high',
      resource: { kind, name: 'web', namespace: 'shop' },
      location: { file: '-', line: 1 },
    });
    expect(finding?.message).toMatch(
      /^would be rejected: privileged containers are not allowed \(ValidatingAdmissionPolicy no-privileged validation 0/,
    );
    expect(finding?.evidence?.map((e) => [e.type, e.location?.file, e.location?.line])).toEqual([
      ['policy', 'policies.yaml', 9],
      ['policy', 'policies.yaml', 12],
    ]);
  });

  it('passes when not privileged', async () => {
    expect((await scan(workload(false), `${NO_PRIVILEGED}${binding('Deny')}`)).findings).toEqual([]);
  });

  it('is warned about, not rejected, under a Warn binding: medium', async () => {
    const { findings } = await scan(workload(true), `${NO_PRIVILEGED}${binding('Warn')}`);
    expect(findings.map((f) => [f.severity, f.message.split(':')[0]])).toEqual([
      ['medium', 'would be admitted with a warning'],
    ]);
  });

  it.each([
    ['a policy without a binding', NO_PRIVILEGED],
    [
      'a policy whose expression checks something else under the right name and message',
      `${WRONG_EXPRESSION}${binding('Deny')}`,
    ],
    [
      'a binding for another namespace',
      `${NO_PRIVILEGED}${binding('Deny', '\n  matchResources:\n    namespaceSelector:\n      matchLabels: {kubernetes.io/metadata.name: other}')}`,
    ],
  ])('is not rejected by a decoy: %s', async (_name, policies) => {
    expect((await scan(workload(true), policies)).findings).toEqual([]);
  });
});

describe('admission-rejected', () => {
  const pod = WORKLOADS.Pod as (privileged: boolean) => string;

  it('reports what could not be evaluated as info, with the reason, never as rejected', async () => {
    const policies = `${NO_PRIVILEGED}${binding('Deny', '\n  matchResources:\n    namespaceSelector:\n      matchLabels: {tier: prod}')}`;
    const { findings } = await scan(pod(true), policies);
    expect(findings.map((f) => f.severity)).toEqual(['info']);
    expect(findings[0]?.message).toMatch(/^may be rejected, which was not evaluated: .*shop/);
  });

  it("judges Pod Security labels of the cluster's Namespaces", async () => {
    const namespace = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: baseline}}
`;
    const { findings } = await scan(pod(true), namespace);
    expect(findings.map((f) => [f.checkId, f.severity])).toEqual([['admission-rejected', 'high']]);
    expect(findings[0]?.message).toMatch(/Pod Security admission enforce=baseline/);
    expect(findings[0]?.evidence?.[0]?.location).toMatchObject({ file: 'policies.yaml', line: 3 });
  });

  it("leaves the input's own Namespace to admission-drift: one finding, not two", async () => {
    const own = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
${pod(true)}`;
    const { findings } = await scan(own, `${NO_PRIVILEGED}${binding('Audit')}`);
    expect(findings.map((f) => [f.checkId, f.severity])).toEqual([
      ['admission-drift', 'medium'],
      ['admission-rejected', 'low'],
    ]);
  });

  it('without Namespaces in --policies, does not judge Pod Security (every pod would be unproven)', async () => {
    expect((await scan(pod(true), `${WRONG_EXPRESSION}${binding('Deny')}`)).findings).toEqual([]);
  });

  it('judges Kyverno policies: Enforce rejects, Audit is low', async () => {
    const kyverno = (action: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: disallow-privileged}
spec:
  validationFailureAction: ${action}
  rules:
  - name: privileged
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      message: privileged mode is disallowed
      pattern:
        spec:
          containers:
          - =(securityContext):
              =(privileged): "false"
`;
    expect((await scan(pod(true), kyverno('Enforce'))).findings.map((f) => f.severity)).toEqual(['high']);
    expect((await scan(pod(true), kyverno('Audit'))).findings.map((f) => f.severity)).toEqual(['low']);
    expect((await scan(pod(false), kyverno('Enforce'))).findings).toEqual([]);
  });

  it('judges Gatekeeper constraints with a CEL template; a Rego-only template is not evaluated, and says so', async () => {
    const template = (code: string) => `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8snoprivileged}
spec:
  crd: {spec: {names: {kind: K8sNoPrivileged}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
${code}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNoPrivileged
metadata: {name: no-privileged}
spec:
  enforcementAction: deny
  match: {kinds: [{apiGroups: [""], kinds: [Pod]}]}
`;
    const cel = template(`    code:
    - engine: K8sNativeValidation
      source:
        validations:
        - expression: "variables.anyObject.spec.containers.all(c, !c.?securityContext.?privileged.orValue(false))"
          message: no privileged containers`);
    const { findings } = await scan(pod(true), cel);
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['high', expect.stringMatching(/^would be rejected: no privileged containers/)],
    ]);
    expect((await scan(pod(false), cel)).findings).toEqual([]);
    const rego = await scan(pod(false), template('    rego: package k8snoprivileged'));
    expect(rego.findings.map((f) => f.severity)).toEqual(['info']);
  });

  it('does not run, and so assesses nothing, without --policies', async () => {
    const { report } = await scanManifests(['-'], {
      stdin: async () => Buffer.from(pod(true)),
      checks: [check],
      paths: false,
    });
    expect(report.findings).toEqual([]);
    expect(report.techniques.flatMap((technique) => technique.assessedBy)).toEqual([]);
  });
});
