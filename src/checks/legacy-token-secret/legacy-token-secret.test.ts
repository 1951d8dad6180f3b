import { describe, expect, it } from 'vitest';
import { Config } from '../../config/index.js';
import { analyze } from '../../engine/analyze.js';
import { buildInventory } from '../../inventory/index.js';
import { testCheck } from '../tester.js';
import check from './index.js';

const secret = (meta: string, rest = 'type: kubernetes.io/service-account-token') => `apiVersion: v1
kind: Secret
metadata:
  name: deployer-token
  namespace: ci
${meta}
${rest}
`;
const ANNOTATED = '  annotations: {kubernetes.io/service-account.name: deployer}';

testCheck(check, {
  valid: [
    {
      name: 'the account annotation on an Opaque Secret, or on one of no type (Opaque too): no token is written into it',
      yaml: `${secret(ANNOTATED, 'type: Opaque')}---\n${secret(ANNOTATED, 'data: {token: ZGVjb3k=}')}`,
    },
    {
      name: 'a token Secret the cluster has invalidated: its token no longer authenticates',
      yaml: secret(`${ANNOTATED}\n  labels: {kubernetes.io/legacy-token-invalid-since: "2026-01-01"}`),
    },
    { name: 'a token Secret naming no account, which the API server refuses', yaml: secret('  labels: {a: b}') },
    {
      name: 'other Secrets that hold credentials of other kinds',
      yaml: `${secret('', 'type: kubernetes.io/dockerconfigjson')}---\n${secret('', 'type: kubernetes.io/tls')}`,
    },
  ],
  invalid: [
    {
      name: 'a token Secret written by hand for a CI deployer',
      yaml: secret(ANNOTATED),
      findings: [
        {
          line: 7,
          column: 1,
          techniques: ['MS-TA9016'],
          severity: 'medium',
          path: 'type',
          message:
            "Secret 'deployer-token' holds a token of service account 'deployer' that never expires; whoever reads Secrets in namespace 'ci', or has a copy of it, acts as 'deployer' from anywhere",
        },
      ],
    },
  ],
});

describe('legacy-token-secret on a live cluster', () => {
  // Secrets are listed as metadata only there (src/inputs/cluster/collect.ts): no data, and no type.
  const listed = (name: string, annotations: Record<string, string>, labels: Record<string, string> = {}) => ({
    object: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ci', annotations, labels } },
    context: 'prod',
  });
  const objects = [
    listed('deployer-token', { 'kubernetes.io/service-account.name': 'deployer' }),
    listed(
      'old-token',
      { 'kubernetes.io/service-account.name': 'old' },
      { 'kubernetes.io/legacy-token-invalid-since': 'x' },
    ),
    listed('app-config', { note: 'no account' }),
  ];
  const findingsOf = (complete: boolean) =>
    analyze(buildInventory(objects, { complete }).inventory, { checks: [check], config: Config.parse({}) }).findings;

  it('takes a Secret annotated with its account for a token Secret, and says its type was not read', () => {
    const findings = findingsOf(true);
    expect(findings.map((finding) => finding.resource.name)).toEqual(['deployer-token']);
    expect(findings[0]?.path).toBe('metadata.annotations["kubernetes.io/service-account.name"]');
    expect(findings[0]?.message).toMatch(/as a token Secret does \(its type is not read from a cluster\)/);
  });

  it('does not from files, where a Secret without a type is Opaque', () => {
    expect(findingsOf(false)).toEqual([]);
  });
});
