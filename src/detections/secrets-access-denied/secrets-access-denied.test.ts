import { auditEvent, testDetection } from '../tester.js';
import detection from './index.js';

const read = (verb: string, code: number, namespace?: string, name?: string) =>
  auditEvent({
    verb,
    objectRef: {
      resource: 'secrets',
      apiVersion: 'v1',
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
    },
    responseStatus: { code },
  });

testDetection(detection, {
  valid: [
    { name: 'an allowed list', events: [read('list', 200, 'shop')] },
    { name: 'a read of a Secret that does not exist', events: [read('get', 404, 'shop', 'db')] },
    {
      name: 'a refused read of ConfigMaps, not Secrets',
      events: [auditEvent({ verb: 'list', objectRef: { resource: 'configmaps' }, responseStatus: { code: 403 } })],
    },
    {
      name: 'the request as received, before any answer',
      events: [{ ...read('list', 403), stage: 'RequestReceived', responseStatus: undefined }],
    },
    {
      name: 'a node refused a Secret its pods do not use (allow-listed)',
      events: [{ ...read('get', 403, 'shop', 'db'), user: { username: 'system:node:n1', groups: ['system:nodes'] } }],
    },
  ],
  invalid: [
    {
      name: 'a person refused a list of every Secret',
      events: [read('list', 403)],
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9025'],
          message: 'alice@example.com was refused a list of the Secrets in every namespace.',
        },
      ],
    },
    {
      name: 'a person refused one Secret by name',
      events: [read('get', 403, 'shop', 'db')],
      alerts: [{ severity: 'low', message: 'alice@example.com was refused a read of Secret shop/db.' }],
    },
    {
      name: 'a ServiceAccount refused a watch in its namespace',
      events: [{ ...read('watch', 403, 'shop'), user: { username: 'system:serviceaccount:shop:web' } }],
      alerts: [
        { severity: 'medium', message: /a watch of the Secrets in namespace shop: service account shop\/web probing/ },
      ],
    },
  ],
});
