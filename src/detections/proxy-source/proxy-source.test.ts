import { auditEvent, testDetection } from '../tester.js';
import detection from './index.js';

const settings = { proxyAddresses: new Set(['185.220.101.4', '2a0b:f4c2::1']) };

testDetection(detection, {
  valid: [
    { name: 'an address not on the list', events: [auditEvent()], settings },
    { name: 'no list given', events: [auditEvent({ sourceIPs: ['185.220.101.4'] })] },
    {
      name: 'RequestReceived: the ResponseComplete stage will say more',
      events: [auditEvent({ stage: 'RequestReceived', sourceIPs: ['185.220.101.4'], responseStatus: undefined })],
      settings,
    },
  ],
  invalid: [
    {
      name: 'a pod list from a Tor exit node',
      events: [
        auditEvent({
          verb: 'list',
          requestURI: '/api/v1/pods?limit=500',
          objectRef: { resource: 'pods', apiVersion: 'v1' },
          sourceIPs: ['185.220.101.4'],
          responseStatus: { code: 200 },
        }),
      ],
      settings,
      alerts: [
        {
          severity: 'high',
          techniques: ['MS-TA9024'],
          message: 'alice@example.com sent a list from listed proxy address "185.220.101.4".',
        },
      ],
    },
    {
      name: 'the listed address forwarded by a load balancer, refused',
      events: [auditEvent({ sourceIPs: ['2a0b:f4c2::1', '10.0.0.5'], responseStatus: { code: 403 } })],
      settings,
      alerts: [{ severity: 'medium', message: /"2a0b:f4c2::1", refused\.$/ }],
    },
    {
      name: 'a node identity too: everyone',
      events: [
        auditEvent({
          verb: 'get',
          user: { username: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] },
          sourceIPs: ['185.220.101.4'],
          responseStatus: { code: 200 },
        }),
      ],
      settings,
      alerts: [{ message: /^system:node:worker-1 sent a get/ }],
    },
  ],
});
