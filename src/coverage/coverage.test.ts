import { describe, expect, it } from 'vitest';
import allowPrivilegeEscalation from '../checks/allow-privilege-escalation/index.js';
import privilegedContainer from '../checks/privileged-container/index.js';
import type { Finding } from '../model/report.js';
import { techniqueStatuses } from './index.js';

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
const statusOf = (findings: Finding[], id: string) =>
  techniqueStatuses(findings, [privilegedContainer, allowPrivilegeEscalation]).find((t) => t.id === id);

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
