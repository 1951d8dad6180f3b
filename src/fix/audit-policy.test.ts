import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inventoryOf } from '../../test/support/admission.js';
import { type AuditPolicy, decide, policyGaps } from '../../test/support/audit-policy.js';
import { contextOf, findingsIn } from '../../test/support/fix.js';
import { openApiErrors } from '../../test/support/openapi.js';
import { APISERVER_IMAGE, staticPod } from '../checks/control-plane.fixtures.js';
import { defineDetection } from '../detections/define.js';
import { allDetections } from '../detections/index.js';
import { auditPolicyFix, detectionsAuditPolicy } from './audit-policy.js';

const { policy } = detectionsAuditPolicy();
const alice = { user: 'alice@example.com', groups: ['system:authenticated'] };

describe('detectionsAuditPolicy', () => {
  it('is a valid audit.k8s.io/v1 Policy', () => {
    expect(openApiErrors(policy)).toEqual([]);
  });

  it.each(allDetections.map((detection) => [detection.id, detection] as const))(
    'logs what %s needs, at its level',
    (_id, detection) => {
      expect(policyGaps(policy as AuditPolicy, detection)).toEqual([]);
    },
  );

  it('never logs a Secret, token or TokenReview body, even for a rule that asks for one', () => {
    const wantsBodies = defineDetection({
      id: 'wants-secret-bodies',
      title: 'Reads Secret bodies',
      severity: 'high',
      techniques: ['MS-TA9025'],
      description: 'A rule the policy must not serve.',
      rationale: 'None.',
      response: 'None.',
      fields: ['requestObject.data'],
      level: 'RequestResponse',
      benign: 'None.',
      on: { verbs: ['create', 'get'], resources: ['secrets', 'configmaps'] },
      detect() {},
    });
    const { policy: capped, capped: names } = detectionsAuditPolicy([...allDetections, wantsBodies]);
    expect(names).toEqual(['wants-secret-bodies (secrets)']);
    for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'])
      for (const resource of ['secrets', 'serviceaccounts/token'])
        expect(decide(capped as AuditPolicy, { ...alice, verb, resource, group: '' }).level).toBe('Metadata');
    expect(
      decide(capped as AuditPolicy, {
        ...alice,
        verb: 'create',
        resource: 'tokenreviews',
        group: 'authentication.k8s.io',
      }).level,
    ).toBe('Metadata');
    // The ConfigMap half of the same rule is served.
    expect(decide(capped as AuditPolicy, { ...alice, verb: 'get', resource: 'configmaps', group: '' }).level).toBe(
      'RequestResponse',
    );
  });
});

describe('auditPolicyFix', () => {
  it('without a control plane in the input: the policy alone, scanned clean', async () => {
    const context = await contextOf(['examples/shop']);
    const files = auditPolicyFix(context);
    expect(files.map((file) => file.path)).toEqual(['MS-M9020-audit-policy/audit-policy.yaml']);
    expect(parse(files[0]?.text ?? '')).toEqual(policy);
    expect(files[0]?.text).toMatch(/^# kubematrix fix: the audit policy/);
    expect(await findingsIn(files)).toEqual([]);
    expect(auditPolicyFix({ inventory: inventoryOf(), findings: [], mode: 'warn' })).toHaveLength(1);
  });

  it("with the API server's static pod: its audit flags, and each control-plane finding's fix, as text", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kubematrix-cp-'));
    try {
      writeFileSync(
        path.join(folder, 'kube-apiserver.yaml'),
        staticPod('kube-apiserver', APISERVER_IMAGE, ['--anonymous-auth=true', '--authorization-mode=Node,RBAC']),
      );
      const context = await contextOf([folder]);
      const files = auditPolicyFix(context);
      const flags = files.find((file) => file.path === 'MS-M9020-audit-policy/control-plane-flags.txt');
      expect(flags?.text).toContain('--audit-policy-file=/etc/kubernetes/audit-policy.yaml');
      expect(flags?.text).toContain('--audit-log-path=/var/log/kubernetes/audit/audit.log');
      const controlPlane = context.findings.filter((finding) => /^(apiserver|kubelet|etcd)-/.test(finding.checkId));
      expect(controlPlane.map((finding) => finding.checkId)).toEqual(
        expect.arrayContaining(['apiserver-audit-log', 'apiserver-anonymous-access']),
      );
      expect(flags?.closes.findings).toEqual(controlPlane.map((finding) => finding.id));
      expect(flags?.text).toContain(`apiserver-anonymous-access at ${path.join(folder, 'kube-apiserver.yaml')}:`);
      expect(files[0]?.closes.findings).toEqual(
        context.findings.filter((finding) => finding.checkId === 'apiserver-audit-log').map((finding) => finding.id),
      );
      expect(flags?.creates).toBeUndefined();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
