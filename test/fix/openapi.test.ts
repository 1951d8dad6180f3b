import { describe, expect, it } from 'vitest';
import { openApiErrors } from '../support/openapi.js';

describe('openApiErrors', () => {
  it('accepts a valid object of each generated kind and rejects a wrong type, enum or unknown kind', () => {
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'p' },
      spec: { validations: [{ expression: 'true' }] },
    };
    expect(openApiErrors(policy)).toEqual([]);
    expect(openApiErrors({ ...policy, spec: { validations: [{ expression: 1 }] } })).toEqual([
      expect.stringContaining('expression must be string'),
    ]);
    const networkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'n', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingres'] },
    };
    expect(openApiErrors(networkPolicy)).toEqual([expect.stringContaining('allowed values')]);
    expect(openApiErrors({ apiVersion: 'v1', kind: 'Widget' })).toEqual([expect.stringContaining('no schema')]);
  });

  it('validates the workloads fix patches: a patch that leaves a wrong type fails', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        template: { spec: { containers: [{ name: 'a', image: 'a:1', securityContext: { runAsNonRoot: true } }] } },
      },
    };
    expect(openApiErrors(deployment)).toEqual([]);
    const wrong = structuredClone(deployment);
    (wrong.spec.template.spec.containers[0] as { securityContext: unknown }).securityContext = { runAsNonRoot: 'yes' };
    expect(openApiErrors(wrong)).toEqual([expect.stringContaining('runAsNonRoot must be boolean')]);
    const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: 1 } };
    expect(openApiErrors(cronJob)).not.toEqual([]);
  });

  it('validates the audit policy file and Kyverno ClusterPolicy strictly: a misspelt field fails', () => {
    const audit = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] };
    expect(openApiErrors(audit)).toEqual([]);
    expect(openApiErrors({ ...audit, rules: [{ level: 'Metadata', verb: ['get'] }] })).not.toEqual([]);
    expect(openApiErrors({ ...audit, rules: [{ level: 'Everything' }] })).not.toEqual([]);
    const kyverno = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'k' },
      spec: {
        rules: [
          {
            name: 'r',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: { failureAction: 'Enforce', cel: { expressions: [{ expression: 'true' }] } },
          },
        ],
      },
    };
    expect(openApiErrors(kyverno)).toEqual([]);
    expect(openApiErrors({ ...kyverno, spec: { ...kyverno.spec, validationFailureActon: 'Audit' } })).not.toEqual([]);
  });
});
