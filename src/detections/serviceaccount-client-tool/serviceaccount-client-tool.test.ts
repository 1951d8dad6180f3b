import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

const frontend = {
  username: 'system:serviceaccount:web:frontend',
  uid: '3b2b9f0e-41a3-4c0e-9a57-5d0a0c1e2f3a',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:web', 'system:authenticated'],
};

function call(userAgent: string, overrides: EventOverrides = {}): AuditEvent {
  return auditEvent({
    verb: 'list',
    level: 'Metadata',
    requestURI: '/api/v1/namespaces/web/pods?limit=500',
    objectRef: { resource: 'pods', namespace: 'web', apiVersion: 'v1' },
    user: frontend,
    userAgent,
    sourceIPs: ['10.244.1.17'],
    responseStatus: { code: 200 },
    ...overrides,
  });
}

testDetection(detection, {
  valid: [
    { name: 'the workload’s own client-go binary', events: [call('frontend/v0.0.0 (linux/amd64) kubernetes/$Format')] },
    { name: 'the official Python client', events: [call('OpenAPI-Generator/31.0.0/python')] },
    {
      name: 'a person with kubectl',
      events: [
        call('kubectl/v1.31.0 (darwin/arm64) kubernetes/abcdef0', {
          user: { username: 'alice@example.com', groups: ['system:authenticated'] },
        }),
      ],
    },
    {
      name: 'a controller’s own account is allow-listed',
      events: [
        call('kubectl/v1.31.0 (linux/amd64) kubernetes/abcdef0', {
          user: {
            username: 'system:serviceaccount:kube-system:replicaset-controller',
            groups: ['system:serviceaccounts'],
          },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'kubectl with a stolen token from a laptop: discovery, then lists, one alert',
      events: [
        call('kubectl/v1.31.0 (darwin/arm64) kubernetes/abcdef0', {
          verb: 'get',
          requestURI: '/api',
          objectRef: undefined,
          sourceIPs: ['198.51.100.23'],
        }),
        call('kubectl/v1.31.0 (darwin/arm64) kubernetes/abcdef0', {
          verb: 'get',
          requestURI: '/apis',
          objectRef: undefined,
          sourceIPs: ['198.51.100.23'],
        }),
        call('kubectl/v1.31.0 (darwin/arm64) kubernetes/abcdef0', { sourceIPs: ['198.51.100.23'] }),
      ],
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9016'],
          message: 'Service account web/frontend\'s token was used by "kubectl" from 198.51.100.23 (get "/api").',
        },
      ],
    },
    {
      name: 'curl from inside the pod, then kubectl.exe from elsewhere',
      events: [
        call('curl/8.5.0', { responseStatus: { code: 403 } }),
        call('kubectl.exe/v1.30.2 (windows/amd64) kubernetes/39683505', { sourceIPs: ['203.0.113.50'] }),
      ],
      alerts: [{ message: /"curl" from 10\.244\.1\.17/ }, { message: /"kubectl" from 203\.0\.113\.50/ }],
    },
    { name: 'python-requests', events: [call('python-requests/2.32.3')], alerts: [{ message: /"python-requests"/ }] },
  ],
});
