import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

const probes: [verb: string, resource: string, apiGroup?: string][] = [
  ['list', 'secrets'],
  ['list', 'nodes'],
  ['list', 'clusterroles', 'rbac.authorization.k8s.io'],
  ['list', 'clusterrolebindings', 'rbac.authorization.k8s.io'],
  ['create', 'pods'],
  ['list', 'pods'],
  ['get', 'configmaps'],
  ['list', 'serviceaccounts'],
  ['create', 'serviceaccounts/token'],
  ['list', 'daemonsets', 'apps'],
];

/** A refused request `second` seconds after 10:00, stamped with microseconds as the API server writes them. */
function refused(
  second: number,
  [verb, resource, apiGroup]: (typeof probes)[number],
  overrides: EventOverrides = {},
): AuditEvent {
  const [plural, subresource] = resource.split('/') as [string, string?];
  const stamp = new Date(Date.UTC(2026, 10, 30, 10, 0, second)).toISOString().replace('Z', '000Z');
  return auditEvent({
    verb,
    level: 'Metadata',
    requestURI: `${apiGroup ? `/apis/${apiGroup}/v1` : '/api/v1'}/${plural}`,
    objectRef: {
      resource: plural,
      ...(subresource ? { subresource } : {}),
      ...(apiGroup ? { apiGroup } : {}),
      apiVersion: 'v1',
    },
    user: {
      username: 'system:serviceaccount:web:frontend',
      groups: ['system:serviceaccounts', 'system:authenticated'],
    },
    sourceIPs: ['10.244.1.17'],
    userAgent: 'curl/8.5.0',
    responseStatus: { code: 403, status: 'Failure', reason: 'Forbidden' },
    requestReceivedTimestamp: stamp,
    stageTimestamp: stamp,
    ...overrides,
  });
}

testDetection(detection, {
  valid: [
    {
      name: 'nine different refusals',
      events: probes.slice(0, 9).map((probe, second) => refused(second, probe)),
    },
    {
      name: 'one refused request retried thirty times',
      events: Array.from({ length: 30 }, (_, second) => refused(second, ['watch', 'secrets'])),
    },
    {
      name: 'ten refusals spread over two minutes',
      events: probes.map((probe, index) => refused(index * 13, probe)),
    },
    {
      name: 'ten refusals split between two users',
      events: probes.map((probe, second) =>
        refused(
          second,
          probe,
          second % 2 ? { user: { username: 'bob@example.com', groups: ['system:authenticated'] } } : {},
        ),
      ),
    },
    {
      name: 'ten different successful requests',
      events: probes.map((probe, second) => refused(second, probe, { responseStatus: { code: 200 } })),
    },
  ],
  invalid: [
    {
      name: 'a stolen token enumerating ten kinds of objects in ten seconds',
      events: probes.map((probe, second) => refused(second, probe)),
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9029'],
          message:
            'system:serviceaccount:web:frontend was refused 10 different requests within 60 seconds (list secrets, list nodes, list clusterroles.rbac.authorization.k8s.io, list clusterrolebindings.rbac.authorization.k8s.io, …): probing for permissions.',
        },
      ],
    },
    {
      name: 'twenty probes make two bursts',
      events: [
        ...probes,
        ...probes.map(([verb, resource, group]) => [verb === 'list' ? 'watch' : 'delete', resource, group] as const),
      ].map((probe, index) => refused(index, [...probe])),
      alerts: [{ message: /refused 10 different/ }, { message: /refused 10 different/ }],
    },
    {
      name: 'non-resource paths count too',
      events: [
        '/metrics',
        '/debug/pprof/',
        '/logs/',
        '/apis',
        '/api',
        '/openapi/v2',
        '/version',
        '/configz',
        '/flags',
        '/livez/etcd',
      ].map((requestURI, second) => refused(second, ['get', 'x'], { requestURI, objectRef: undefined })),
      alerts: [{ message: /\(get \/metrics, get \/debug\/pprof\/, get \/logs\/, get \/apis, …\)/ }],
    },
  ],
});
