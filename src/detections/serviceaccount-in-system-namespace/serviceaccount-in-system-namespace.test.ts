import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

const account = (namespace: string, overrides: EventOverrides = {}) =>
  auditEvent({
    requestURI: `/api/v1/namespaces/${namespace}/serviceaccounts`,
    objectRef: { resource: 'serviceaccounts', namespace, name: 'backup', apiVersion: 'v1' },
    ...overrides,
  });

testDetection(detection, {
  valid: [
    { name: 'a ServiceAccount in an application namespace', events: [account('shop')] },
    { name: 'a refused create', events: [account('kube-system', { responseStatus: { code: 403 } })] },
    {
      name: 'a dry run',
      events: [account('kube-system', { requestURI: '/api/v1/namespaces/kube-system/serviceaccounts?dryRun=All' })],
    },
    {
      name: 'a token requested in kube-system, not an account',
      events: [
        account('kube-system', {
          objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'kube-system', name: 'backup' },
        }),
      ],
    },
    {
      name: 'the controller manager creating its accounts (allow-listed)',
      events: [account('kube-system', { user: { username: 'system:kube-controller-manager' } })],
    },
  ],
  invalid: [
    {
      name: 'a person creating an account in kube-system',
      events: [account('kube-system')],
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9016'],
          message: 'alice@example.com created ServiceAccount kube-system/backup in system namespace kube-system.',
        },
      ],
    },
    {
      name: 'a ServiceAccount creating one in kube-node-lease',
      events: [account('kube-node-lease', { user: { username: 'system:serviceaccount:shop:web' } })],
      alerts: [{ message: /^system:serviceaccount:shop:web created ServiceAccount kube-node-lease\/backup/ }],
    },
  ],
});
