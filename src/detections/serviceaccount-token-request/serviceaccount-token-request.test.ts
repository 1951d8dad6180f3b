import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

/** `kubectl create token NAME -n NAMESPACE --duration …` at level RequestResponse: the token is in the response. */
function tokenRequest(
  namespace: string,
  name: string,
  expirationSeconds: number,
  overrides: EventOverrides = {},
): AuditEvent {
  return auditEvent({
    requestURI: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace, name, apiVersion: 'v1' },
    requestObject: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { audiences: null, expirationSeconds },
    },
    responseObject: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds },
      status: {
        token: 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.e30.c2lnbmF0dXJl',
        expirationTimestamp: '2026-11-30T11:00:00Z',
      },
    },
    ...overrides,
  });
}

testDetection(detection, {
  valid: [
    {
      name: 'the kubelet refreshing a projected token (a node)',
      events: [
        tokenRequest('web', 'frontend', 3607, {
          user: { username: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] },
          userAgent: 'kubelet/v1.31.0 (linux/amd64) kubernetes/abcdef0',
        }),
      ],
    },
    {
      name: 'refused',
      events: [
        tokenRequest('kube-system', 'clusterrole-aggregation-controller', 3600, { responseStatus: { code: 403 } }),
      ],
    },
    {
      name: 'reading the service account',
      events: [
        auditEvent({
          verb: 'get',
          objectRef: { resource: 'serviceaccounts', namespace: 'web', name: 'frontend', apiVersion: 'v1' },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'kubectl create token frontend -n web',
      events: [tokenRequest('web', 'frontend', 3600)],
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9016'],
          message: 'alice@example.com requested a token for service account web/frontend, valid 1 h.',
        },
      ],
    },
    {
      name: 'a year-long token for a kube-system account, level Metadata',
      events: [
        tokenRequest('kube-system', 'clusterrole-aggregation-controller', 31_536_000, {
          level: 'Metadata',
          requestObject: undefined,
          responseObject: undefined,
        }),
      ],
      alerts: [
        {
          severity: 'high',
          message:
            'alice@example.com requested a token for service account kube-system/clusterrole-aggregation-controller.',
        },
      ],
    },
    {
      name: "one service account minting another's token",
      events: [
        tokenRequest('ci', 'deployer-admin', 86_400, {
          user: { username: 'system:serviceaccount:ci:runner', groups: ['system:serviceaccounts'] },
        }),
      ],
      alerts: [{ severity: 'high', message: /valid 24 h: one service account minting another's identity\.$/ }],
    },
  ],
});
