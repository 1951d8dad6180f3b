import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/report.js';
import { compareFindingSets, fingerprint } from './baseline.js';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  id: 'id',
  checkId: 'privileged-container',
  title: 'Privileged container',
  severity: 'critical',
  techniques: ['MS-TA9018'],
  mitigations: [],
  resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
  location: { file: 'deploy/web.yaml', line: 12, column: 9 },
  path: 'spec.template.spec.containers[0].securityContext.privileged',
  message: 'privileged',
  remediation: 'fix',
  ...overrides,
});

describe('baseline fingerprints', () => {
  it('ignore the file, the line, the API version, the message and the id', () => {
    const moved = finding({
      id: 'other',
      location: { file: '/ci/checkout/k8s/web.yaml', line: 40, column: 1 },
      resource: { apiVersion: 'apps/v1beta2', kind: 'Deployment', namespace: 'shop', name: 'web' },
      message: 'reworded',
    });
    expect(fingerprint(moved)).toBe(fingerprint(finding()));
  });

  it('tell apart the check, the API group, the kind, the namespace, the name and the field', () => {
    const variants = [
      finding({ checkId: 'host-network' }),
      finding({ resource: { apiVersion: 'extensions/v1beta1', kind: 'Deployment', namespace: 'shop', name: 'web' } }),
      finding({ resource: { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'web' } }),
      finding({ resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'web' } }),
      finding({ resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' } }),
      finding({ path: 'spec.template.spec.containers[1].securityContext.privileged' }),
      finding({ path: undefined }),
    ];
    const prints = new Set([finding(), ...variants].map(fingerprint));
    expect(prints.size).toBe(variants.length + 1);
  });

  it('match one identity defined several times one to one: a third definition is new, a missing one fixed', () => {
    const base = finding({ location: { file: 'base/web.yaml', line: 1, column: 1 } });
    const overlay = finding({ location: { file: 'overlays/prod/web.yaml', line: 1, column: 1 } });
    const extra = finding({ location: { file: 'overlays/dev/web.yaml', line: 1, column: 1 } });
    expect(compareFindingSets([base, overlay], [base, overlay, extra])).toEqual({
      added: [extra],
      unchanged: [base, overlay],
      fixed: [],
    });
    expect(compareFindingSets([base, overlay], [overlay])).toEqual({
      added: [],
      unchanged: [overlay],
      fixed: [overlay],
    });
    expect(compareFindingSets([], [])).toEqual({ added: [], unchanged: [], fixed: [] });
  });
});
