import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

/** `kubectl get secret NAME -n NAMESPACE` at `second` seconds past 10:00, answered with the Secret. */
function read(second: number, namespace: string, name: string, overrides: EventOverrides = {}): AuditEvent {
  const stamp = new Date(Date.UTC(2026, 10, 30, 10, 0, second)).toISOString().replace('Z', '000Z');
  return auditEvent({
    verb: 'get',
    requestURI: `/api/v1/namespaces/${namespace}/secrets/${name}`,
    objectRef: { resource: 'secrets', namespace, name, apiVersion: 'v1' },
    responseStatus: { code: 200 },
    responseObject: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name, namespace },
      data: { password: 'aHVudGVyMg==' },
    },
    requestReceivedTimestamp: stamp,
    stageTimestamp: stamp,
    ...overrides,
  });
}

const names = Array.from({ length: 10 }, (_, index) => `app-${index}-credentials`);

testDetection(detection, {
  valid: [
    { name: 'nine Secrets', events: names.slice(0, 9).map((name, second) => read(second, 'payments', name)) },
    {
      name: 'one Secret read twenty times',
      events: Array.from({ length: 20 }, (_, second) => read(second, 'payments', 'db')),
    },
    { name: 'ten Secrets over three minutes', events: names.map((name, index) => read(index * 20, 'payments', name)) },
    {
      name: 'ten reads refused',
      events: names.map((name, second) =>
        read(second, 'payments', name, { responseStatus: { code: 403 }, responseObject: undefined }),
      ),
    },
  ],
  invalid: [
    {
      name: 'ten Secrets in ten seconds across two namespaces',
      events: names.map((name, second) => read(second, second < 5 ? 'payments' : 'web', name)),
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9025'],
          message: 'alice@example.com read 10 different Secrets within 60 seconds, in namespaces payments, web.',
        },
      ],
    },
    {
      name: 'a service account going through token Secrets',
      events: names.map((name, second) =>
        read(second, 'kube-system', `${name}-token`, {
          user: { username: 'system:serviceaccount:web:frontend', groups: ['system:serviceaccounts'] },
        }),
      ),
      alerts: [
        {
          message:
            /^system:serviceaccount:web:frontend read 10 different Secrets within 60 seconds, in namespace kube-system\.$/,
        },
      ],
    },
  ],
});
