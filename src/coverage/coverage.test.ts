import { describe, expect, it } from 'vitest';
import allowPrivilegeEscalation from '../checks/allow-privilege-escalation/index.js';
import { allChecks } from '../checks/index.js';
import privilegedContainer from '../checks/privileged-container/index.js';
import { scanManifests } from '../engine/scan.js';
import { techniques } from '../matrix/index.js';
import { type Finding, TechniqueStatus, TechniqueStatusValue } from '../model/report.js';
import type { DeclaredControl } from './controls.js';
import { type MitigationFacts, techniqueStatuses } from './index.js';

const base: Omit<Finding, 'id' | 'techniques' | 'mitigations' | 'severity'> = {
  checkId: 'x',
  title: 'x',
  resource: { apiVersion: 'v1', kind: 'Pod', namespace: null, name: 'p' },
  message: 'm',
  remediation: 'r',
};
const finding = (over: Partial<Finding>): Finding => ({
  ...base,
  id: Math.random().toString(16),
  techniques: [],
  mitigations: [],
  severity: 'low',
  ...over,
});
const statusOf = (findings: Finding[], id: string, facts?: MitigationFacts) =>
  techniqueStatuses(findings, [privilegedContainer, allowPrivilegeEscalation], new Map(), facts).find(
    (t) => t.id === id,
  );
const psa = { id: 'MS-M9017', evidence: ['Pod Security admission enforces restricted everywhere'] } as const;
const declare = (mitigation: DeclaredControl['mitigation'], status: DeclaredControl['status']): DeclaredControl => ({
  mitigation,
  status,
  evidence: 'IdP conditional access policy',
  owner: 'platform',
  reviewed: '2026-11-01',
});

describe('techniqueStatuses', () => {
  it('marks a technique exposed with the count and the worst severity of its unsuppressed findings', () => {
    const status = statusOf(
      [
        finding({ techniques: ['MS-TA9018'], severity: 'high' }),
        finding({ techniques: ['MS-TA9018'], severity: 'critical' }),
        finding({ techniques: ['MS-TA9018'], severity: 'critical', suppressed: { reason: 'r', by: 'config' } }),
      ],
      'MS-TA9018',
    );
    expect(status).toMatchObject({ status: 'exposed', findings: 2, severity: 'critical' });
    expect(status?.assessedBy).toEqual(['privileged-container', 'allow-privilege-escalation']);
  });

  it('marks a technique weakened when only a mitigation it lists is missing, sub-mitigations included', () => {
    expect(statusOf([finding({ mitigations: ['MS-M9017'] })], 'MS-TA9013')?.status).toBe('weakened');
    expect(statusOf([finding({ mitigations: ['MS-M9005.003'] })], 'MS-TA9002')?.status).toBe('weakened');
  });

  it('separates what was assessed and not seen from what this input cannot show, and from questions', () => {
    expect(statusOf([], 'MS-TA9018')).toMatchObject({ status: 'not-observed', findings: 0 });
    // Events deletion shows only in RBAC and audit data; cloud credential theft is also for the organization to answer.
    expect(statusOf([], 'MS-TA9022')?.status).toBe('not-assessed');
    expect(statusOf([], 'MS-TA9001')?.status).toBe('question');
  });

  it('does not count an info finding (inventory) as exposure', () => {
    expect(statusOf([finding({ techniques: ['MS-TA9018'], severity: 'info' })], 'MS-TA9018')?.status).toBe(
      'not-observed',
    );
  });

  it('does not count a suppressed finding as exposure', () => {
    const suppressed = finding({ techniques: ['MS-TA9018'], suppressed: { reason: 'r', by: 'annotation' } });
    expect(statusOf([suppressed], 'MS-TA9018')?.status).toBe('not-observed');
  });
});

describe('techniqueStatuses with mitigations observed and declared', () => {
  it('marks a technique mitigated when one of its mitigations is observed in place, and says what it rests on', () => {
    // Privileged container: assessed, nothing found, and Pod Security admission in place.
    const status = statusOf([], 'MS-TA9018', { observed: [psa] });
    expect(status).toMatchObject({ status: 'mitigated', findings: 0 });
    expect(status?.mitigations).toEqual({
      present: [{ id: 'MS-M9017', by: 'observed', evidence: psa.evidence }],
      missing: [],
    });
    // A technique that does not list the mitigation is not concerned.
    expect(statusOf([], 'MS-TA9019', { observed: [psa] })?.mitigations.present).toEqual([]);
  });

  it('marks a technique declared when only the controls file vouches for its mitigation', () => {
    const status = statusOf([], 'MS-TA9001', { declared: [declare('MS-M9001', 'implemented')] });
    expect(status?.status).toBe('declared');
    expect(status?.mitigations.present).toEqual([
      {
        id: 'MS-M9001',
        by: 'declared',
        status: 'implemented',
        evidence: ['IdP conditional access policy', 'owner: platform', 'reviewed: 2026-11-01'],
      },
    ]);
  });

  it('shows partial and not-implemented declarations as missing: the technique is weakened', () => {
    for (const declared of ['partial', 'not-implemented'] as const) {
      const status = statusOf([], 'MS-TA9001', { declared: [declare('MS-M9001', declared)] });
      expect(status?.status).toBe('weakened');
      expect(status?.mitigations.missing).toMatchObject([{ id: 'MS-M9001', by: 'declared', status: declared }]);
      expect(status?.mitigations.present).toEqual([]);
    }
  });

  it('follows the precedence exposed > weakened > mitigated > declared > not-observed', () => {
    const exposing = finding({ techniques: ['MS-TA9018'], severity: 'high' });
    const weakening = finding({ checkId: 'drop-all-capabilities', mitigations: ['MS-M9013'] });
    const facts = { observed: [psa], declared: [declare('MS-M9005.003', 'implemented')] };
    expect(statusOf([exposing, weakening], 'MS-TA9018', facts)?.status).toBe('exposed');
    expect(statusOf([weakening], 'MS-TA9018', facts)).toMatchObject({
      status: 'weakened',
      mitigations: {
        // The scan observes MS-M9005.003 (admission is simulated): its declaration is not used.
        present: [{ id: 'MS-M9017' }],
        missing: [{ id: 'MS-M9013', by: 'observed', evidence: ['drop-all-capabilities: 1 finding'] }],
      },
    });
    // Observed in place outranks declared: what was seen needs no word for it.
    expect(statusOf([], 'MS-TA9018', facts)?.status).toBe('mitigated');
    expect(statusOf([], 'MS-TA9018', { declared: facts.declared })?.status).toBe('not-observed');
    expect(statusOf([], 'MS-TA9001', { declared: [declare('MS-M9001', 'implemented')] })?.status).toBe('declared');
    expect(statusOf([], 'MS-TA9018')?.status).toBe('not-observed');
  });

  it('does not count a mitigation as present, observed or declared, when a finding reports it missing', () => {
    const missing = finding({ checkId: 'pod-security-admission', mitigations: ['MS-M9017'] });
    const status = statusOf([missing], 'MS-TA9013', {
      observed: [psa],
      declared: [declare('MS-M9017', 'implemented')],
    });
    expect(status?.status).toBe('weakened');
    expect(status?.mitigations.present).toEqual([]);
    expect(status?.mitigations.missing).toEqual([
      { id: 'MS-M9017', by: 'observed', evidence: ['pod-security-admission: 1 finding'] },
    ]);
  });

  it('reaches every status, and gives each of the 40 techniques exactly one that the schema accepts', () => {
    const facts = { observed: [psa], declared: [declare('MS-M9001', 'implemented')] };
    const findings = [
      finding({ techniques: ['MS-TA9012'] }),
      finding({ checkId: 'network-policy', mitigations: ['MS-M9014'] }),
    ];
    const statuses = techniqueStatuses(findings, allChecks, new Map(), facts);
    expect(statuses.map((status) => status.id)).toEqual(techniques.map((technique) => technique.id));
    expect(statuses).toHaveLength(40);
    for (const status of statuses) TechniqueStatus.parse(status);
    const reached = new Set(statuses.map((status) => status.status));
    // Not-assessed needs a technique nothing assesses and nobody can answer: none with every check, so a subset.
    const few = techniqueStatuses([], [privilegedContainer]).map((status) => status.status);
    expect(new Set([...reached, ...few])).toEqual(new Set(TechniqueStatusValue.options));
  });
});

describe('coverage of a scanned inventory', () => {
  it('marks privileged containers mitigated when Pod Security admission is enforced where the hardened workload runs', async () => {
    const yaml = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: restricted}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  containers:
  - name: api
    image: registry.example.com/api:1.0
    securityContext:
      runAsNonRoot: true
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
      seccompProfile: {type: RuntimeDefault}
`;
    const { report } = await scanManifests(['-'], { stdin: async () => Buffer.from(yaml) });
    const privileged = report.techniques.find((technique) => technique.id === 'MS-TA9018');
    expect(privileged?.mitigations.missing).toEqual([]);
    expect(privileged?.status).toBe('mitigated');
    expect(privileged?.mitigations.present.map((state) => state.id)).toEqual(['MS-M9013', 'MS-M9017']);
    expect(report.techniques).toHaveLength(40);
  });
});
