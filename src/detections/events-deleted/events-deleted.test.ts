import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

function deleteEvents(overrides: EventOverrides = {}): AuditEvent {
  return auditEvent({
    verb: 'delete',
    level: 'Metadata',
    requestURI: '/api/v1/namespaces/default/events/web-7d4b9c6f5-x2x8q.17c8a4b1e3f0a2d9',
    objectRef: {
      resource: 'events',
      namespace: 'default',
      name: 'web-7d4b9c6f5-x2x8q.17c8a4b1e3f0a2d9',
      apiVersion: 'v1',
    },
    responseStatus: { code: 200 },
    ...overrides,
  });
}

testDetection(detection, {
  valid: [
    {
      name: 'listing events',
      events: [deleteEvents({ verb: 'list', requestURI: '/api/v1/namespaces/default/events' })],
    },
    { name: 'a refused delete', events: [deleteEvents({ responseStatus: { code: 403 } })] },
    {
      name: 'the namespace controller emptying a deleted namespace',
      events: [
        deleteEvents({
          verb: 'deletecollection',
          user: {
            username: 'system:serviceaccount:kube-system:namespace-controller',
            groups: ['system:serviceaccounts'],
          },
        }),
      ],
    },
    {
      name: 'deleting a pod',
      events: [deleteEvents({ objectRef: { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1' } })],
    },
  ],
  invalid: [
    {
      name: 'kubectl delete event NAME',
      events: [deleteEvents()],
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9022'],
          message: 'alice@example.com deleted event default/web-7d4b9c6f5-x2x8q.17c8a4b1e3f0a2d9.',
        },
      ],
    },
    {
      name: 'kubectl delete events --all through events.k8s.io',
      events: [
        deleteEvents({
          verb: 'deletecollection',
          requestURI: '/apis/events.k8s.io/v1/namespaces/kube-system/events',
          objectRef: { resource: 'events', namespace: 'kube-system', apiGroup: 'events.k8s.io', apiVersion: 'v1' },
        }),
      ],
      alerts: [{ severity: 'high', message: 'alice@example.com deleted all events in namespace kube-system.' }],
    },
  ],
});
