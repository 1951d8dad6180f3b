import { auditEvent, testDetection } from '../tester.js';
import detection from './index.js';

const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

testDetection(detection, {
  valid: [
    {
      name: 'health, readiness and version probes',
      events: ['/healthz', '/livez', '/readyz?verbose', '/readyz/etcd', '/version', '/version/'].map((requestURI) =>
        auditEvent({ verb: 'get', requestURI, objectRef: undefined, user: anonymous, responseStatus: { code: 200 } }),
      ),
    },
    {
      name: 'issuer discovery for workload identity federation',
      events: ['/.well-known/openid-configuration', '/openid/v1/jwks'].map((requestURI) =>
        auditEvent({ verb: 'get', requestURI, objectRef: undefined, user: anonymous, responseStatus: { code: 200 } }),
      ),
    },
    {
      name: 'an anonymous probe that was refused',
      events: [
        auditEvent({
          verb: 'list',
          requestURI: '/api/v1/secrets',
          objectRef: { resource: 'secrets', apiVersion: 'v1' },
          user: anonymous,
          responseStatus: { code: 403 },
        }),
      ],
    },
    {
      name: 'an authenticated user',
      events: [
        auditEvent({ verb: 'get', requestURI: '/api/v1/namespaces/default/pods', responseStatus: { code: 200 } }),
      ],
    },
    {
      name: 'RequestReceived: the answer is not known yet',
      events: [auditEvent({ stage: 'RequestReceived', user: anonymous, responseStatus: undefined })],
    },
  ],
  invalid: [
    {
      name: 'anonymous namespace creation (as in Falco’s capture, groups as the old test cluster wrote them)',
      events: [
        auditEvent({
          level: 'Request',
          requestURI: '/api/v1/namespaces',
          objectRef: { resource: 'namespaces', name: 'foo', apiVersion: 'v1' },
          user: { username: 'system:anonymous', groups: ['system:masters', 'system:authenticated'] },
        }),
      ],
      alerts: [
        {
          severity: 'critical',
          techniques: ['MS-TA9005'],
          message:
            'An unauthenticated create of "/api/v1/namespaces" was allowed (201): anyone can change the cluster.',
        },
      ],
    },
    {
      name: 'anonymous discovery and a pod list served',
      events: [
        auditEvent({
          verb: 'get',
          requestURI: '/apis',
          objectRef: undefined,
          user: anonymous,
          responseStatus: { code: 200 },
        }),
        auditEvent({
          verb: 'list',
          requestURI: '/api/v1/pods?limit=500',
          objectRef: { resource: 'pods', apiVersion: 'v1' },
          user: anonymous,
          responseStatus: { code: 200 },
        }),
      ],
      alerts: [
        { severity: 'high', message: 'An unauthenticated get of "/apis" was allowed (200).' },
        { severity: 'high', message: /list of "\/api\/v1\/pods"/ },
      ],
    },
    {
      name: 'anonymous exec upgraded to a stream',
      events: [
        auditEvent({
          stage: 'ResponseStarted',
          verb: 'get',
          requestURI: '/api/v1/namespaces/default/pods/web/exec?command=id&stdout=true',
          objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web', apiVersion: 'v1' },
          user: anonymous,
          responseStatus: { code: 101 },
        }),
      ],
      alerts: [{ severity: 'high', message: /\(101\)/ }],
    },
    {
      name: 'allow-listed users do not hide it: everyone',
      events: [
        auditEvent({
          verb: 'get',
          requestURI: '/api/v1/nodes',
          user: anonymous,
          responseStatus: { code: 200 },
        }),
      ],
      allow: { users: ['system:anonymous'], groups: ['system:unauthenticated'] },
      alerts: [{ severity: 'high' }],
    },
  ],
});
