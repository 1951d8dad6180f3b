import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { cli } from '../cli/run.js';

/**
 * The issue's decoys, tried as a new user would: one benign Deployment in namespace shop plus one policy each,
 * through `kubematrix scan`. A policy that mentions privileged and hostPath but stops neither must not make
 * MS-M9013 present; the effective one must, with evidence naming the policy and validation.
 */

const shop = (labels = '{}') => `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: ${labels}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: web
        image: registry.shop.example/web:1.0
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
`;

const ALL_CONTAINERS =
  '(object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : []) + (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : []))';
const NOT_PRIVILEGED = `${ALL_CONTAINERS}.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged != true)`;
const FIRST_ONLY =
  '!has(object.spec.containers[0].securityContext) || !has(object.spec.containers[0].securityContext.privileged) || object.spec.containers[0].securityContext.privileged != true';
const NO_HOST_PATH = '!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))';

interface Vap {
  privileged?: string;
  hostPath?: string;
  matchConditions?: string;
  namespaceSelector?: string;
}

/** A ValidatingAdmissionPolicy on pods (ephemeral containers included) and its Deny binding. */
function vap({ privileged = NOT_PRIVILEGED, hostPath = NO_HOST_PATH, matchConditions, namespaceSelector }: Vap) {
  return `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: pod-hardening}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [pods, pods/ephemeralcontainers]
${matchConditions ? `  matchConditions:\n  - name: exempt\n    expression: ${JSON.stringify(matchConditions)}\n` : ''}  validations:
  - expression: ${JSON.stringify(privileged)}
    message: privileged containers are not allowed
  - expression: ${JSON.stringify(hostPath)}
    message: hostPath volumes are not allowed
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: pod-hardening}
spec:
  policyName: pod-hardening
  validationActions: [Deny]
${namespaceSelector ? `  matchResources:\n    namespaceSelector: ${namespaceSelector}\n` : ''}`;
}

const kyvernoLabelDecoy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: disallow-privileged}
spec:
  validationFailureAction: Enforce
  rules:
  - name: privileged
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      message: privileged pods are not allowed
      pattern:
        metadata:
          =(labels):
            =(privileged): "false"
  - name: host-path
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      message: hostPath volumes are not allowed
      pattern:
        spec:
          =(volumes):
          - X(hostPath): "null"
`;

async function scan(yaml: string): Promise<Report> {
  const { stdout, stderr } = await cli(['scan', '-', '-o', 'json'], { input: yaml });
  expect(stderr).toBe('');
  return JSON.parse(stdout) as Report;
}

function m9013(report: Report) {
  const technique = report.techniques.find((entry) => entry.id === 'MS-TA9018');
  return {
    present: technique?.mitigations.present.find((state) => state.id === 'MS-M9013'),
    status: technique?.status,
  };
}

describe('decoys through kubematrix scan: MS-M9013 is not present', () => {
  it.each([
    ['an always-true disjunct', vap({ privileged: `${NOT_PRIVILEGED} || object.metadata.name.startsWith('')` })],
    [
      'a check of containers[0] only',
      vap({
        privileged: FIRST_ONLY,
      }),
    ],
    [
      'a hostPath rule that forbids only the docker socket',
      vap({
        hostPath:
          "!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath) || v.hostPath.path != '/var/run/docker.sock')",
      }),
    ],
    [
      'a binding whose namespaceSelector excludes shop',
      vap({
        namespaceSelector: '{matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [shop]}]}',
      }),
    ],
    [
      'a matchCondition that exempts every labelled pod',
      vap({ matchConditions: '!has(object.metadata.labels) || size(object.metadata.labels) == 0' }),
    ],
    ['a Kyverno pattern on a label named privileged', kyvernoLabelDecoy],
  ])('%s', async (_name, policy) => {
    const report = await scan(`${shop()}---${policy}`);
    expect(m9013(report).present).toBeUndefined();
    const gap = report.findings.filter((finding) => finding.checkId === 'admission-gap');
    const policies = report.findings.filter((finding) => finding.checkId === 'admission-policies');
    // What the policy does stop is said; nothing claims privileged and hostPath pods are stopped.
    expect([...gap, ...policies].map((finding) => finding.message).join('\n')).not.toMatch(
      /rejects every probe of privileged containers, hostPath volumes/,
    );
  });
});

describe('the effective policy', () => {
  it('selecting shop by a label the Namespace carries is present, with the policy and validation as evidence', async () => {
    const report = await scan(`${shop('{env: prod}')}---${vap({ namespaceSelector: '{matchLabels: {env: prod}}' })}`);
    const { present } = m9013(report);
    expect(present?.by).toBe('simulated');
    expect(present?.evidence[0]).toMatch(
      /^admission rejects privileged and hostPath pods in every namespace in the input \(shop\)/,
    );
    expect(present?.evidence.slice(1).join('\n')).toMatch(
      /privileged containers: rejected by ValidatingAdmissionPolicy pod-hardening validation 0 \(-:\d+\)/,
    );
    expect(present?.probes?.length).toBeGreaterThan(20);
    expect(present?.probes?.every((probe) => probe.verdict === 'rejected' && probe.namespaces.includes('shop'))).toBe(
      true,
    );
    expect(report.findings.filter((finding) => finding.checkId === 'admission-gap')).toEqual([]);
  });

  it('a second container it checks, so the containers[0] decoy is reported as a gap naming what gets through', async () => {
    const report = await scan(`${shop()}---${vap({ privileged: FIRST_ONLY })}`);
    const gap = report.findings.find((finding) => finding.checkId === 'admission-gap');
    expect(gap?.severity).toBe('medium');
    expect(gap?.message).toMatch(
      /^ValidatingAdmissionPolicy pod-hardening rejects \d+ probes of privileged containers but not all: a privileged container in a second container of a labelled Pod is admitted in shop/,
    );
  });
});
