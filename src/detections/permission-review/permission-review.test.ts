import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

function review(resource: string, overrides: EventOverrides = {}): AuditEvent {
  const group = resource === 'selfsubjectreviews' ? 'authentication.k8s.io' : 'authorization.k8s.io';
  return auditEvent({
    level: 'Metadata',
    requestURI: `/apis/${group}/v1/${resource}`,
    objectRef: { resource, apiGroup: group, apiVersion: 'v1' },
    ...overrides,
  });
}

const stolen = {
  username: 'system:serviceaccount:web:frontend',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:web', 'system:authenticated'],
};

testDetection(detection, {
  valid: [
    {
      name: 'metrics-server checking a caller (a system identity)',
      events: [
        review('subjectaccessreviews', {
          user: { username: 'system:serviceaccount:kube-system:metrics-server', groups: ['system:serviceaccounts'] },
        }),
      ],
    },
    {
      name: 'the API server asking a webhook authoriser (allow-listed)',
      events: [review('subjectaccessreviews', { user: { username: 'system:apiserver', groups: ['system:masters'] } })],
    },
    {
      name: 'reading a role is not a review',
      events: [
        auditEvent({
          verb: 'get',
          objectRef: {
            resource: 'roles',
            apiGroup: 'rbac.authorization.k8s.io',
            namespace: 'web',
            name: 'x',
            apiVersion: 'v1',
          },
        }),
      ],
    },
    {
      name: 'RequestReceived only',
      events: [review('selfsubjectrulesreviews', { stage: 'RequestReceived', responseStatus: undefined })],
    },
  ],
  invalid: [
    {
      name: 'a person running kubectl auth can-i',
      events: [review('selfsubjectaccessreviews')],
      alerts: [
        {
          severity: 'low',
          techniques: ['MS-TA9029'],
          message: 'alice@example.com asked the API server whether it may do something (kubectl auth can-i).',
        },
      ],
    },
    {
      name: 'a stolen service-account token listing its rights',
      events: [review('selfsubjectrulesreviews', { user: stolen, sourceIPs: ['10.244.1.17'] })],
      alerts: [
        {
          severity: 'medium',
          message:
            'system:serviceaccount:web:frontend asked the API server everything it may do (kubectl auth can-i --list): service account web/frontend exploring its own rights.',
        },
      ],
    },
    { name: 'kubectl auth whoami', events: [review('selfsubjectreviews')], alerts: [{ message: /who it is/ }] },
    {
      name: 'a person asking about someone else',
      events: [review('subjectaccessreviews')],
      alerts: [{ severity: 'low', message: /what another subject may do/ }],
    },
  ],
});
