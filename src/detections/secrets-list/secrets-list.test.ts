import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

function listSecrets(namespace: string | undefined, query = 'limit=500', overrides: EventOverrides = {}): AuditEvent {
  return auditEvent({
    verb: 'list',
    level: 'Metadata',
    requestURI: `/api/v1${namespace ? `/namespaces/${namespace}` : ''}/secrets?${query}`,
    objectRef: { resource: 'secrets', ...(namespace ? { namespace } : {}), apiVersion: 'v1' },
    responseStatus: { code: 200 },
    ...overrides,
  });
}

testDetection(detection, {
  valid: [
    {
      name: 'kubectl get secret NAME -w (a watch pinned to one name)',
      events: [
        listSecrets('web', 'fieldSelector=metadata.name%3Ddb-password&watch=true', {
          verb: 'watch',
          stage: 'ResponseStarted',
        }),
      ],
    },
    { name: 'refused', events: [listSecrets(undefined, 'limit=500', { responseStatus: { code: 403 } })] },
    {
      name: 'the kubelet watching its pods’ secrets (a node, allow-listed)',
      events: [
        listSecrets('web', 'fieldSelector=metadata.name%3Dweb-tls&resourceVersion=0', {
          user: { username: 'system:node:worker-1', groups: ['system:nodes'] },
        }),
      ],
    },
    {
      name: 'listing ConfigMaps',
      events: [
        listSecrets('web', 'limit=500', { objectRef: { resource: 'configmaps', namespace: 'web', apiVersion: 'v1' } }),
      ],
    },
  ],
  invalid: [
    {
      name: 'kubectl get secrets -A',
      events: [listSecrets(undefined)],
      alerts: [
        {
          severity: 'high',
          techniques: ['MS-TA9025'],
          message: 'alice@example.com listed the Secrets in every namespace, values included.',
        },
      ],
    },
    {
      name: 'kubectl get secrets -n payments -o yaml',
      events: [listSecrets('payments')],
      alerts: [{ severity: 'medium', message: /listed the Secrets in namespace payments, values/ }],
    },
    {
      name: 'an operator watching every Secret, logged at ResponseStarted and ResponseComplete',
      events: (() => {
        const started = listSecrets(
          undefined,
          'allowWatchBookmarks=true&resourceVersion=81234&timeout=7m11s&watch=true',
          {
            verb: 'watch',
            stage: 'ResponseStarted',
            user: { username: 'system:serviceaccount:ingress-nginx:ingress-nginx', groups: ['system:serviceaccounts'] },
          },
        );
        return [started, { ...started, stage: 'ResponseComplete' }];
      })(),
      alerts: [
        {
          severity: 'high',
          message: /^system:serviceaccount:ingress-nginx:ingress-nginx watched the Secrets in every namespace/,
        },
      ],
    },
    {
      name: 'Helm listing its release Secrets by label',
      events: [listSecrets('web', 'labelSelector=owner%3Dhelm%2Cname%3Dweb')],
      alerts: [{ severity: 'low', message: /matching a label selector/ }],
    },
    {
      name: 'a field selector that does not pin a name',
      events: [listSecrets(undefined, 'fieldSelector=type%3Dkubernetes.io%2Fservice-account-token')],
      alerts: [{ severity: 'high' }],
    },
  ],
});
