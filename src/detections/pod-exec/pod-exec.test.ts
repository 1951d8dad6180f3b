import { execEvent } from '../exec.fixtures.js';
import { auditEvent, testDetection } from '../tester.js';
import detection from './index.js';

testDetection(detection, {
  valid: [
    {
      name: 'reading a pod is not an exec',
      events: [
        auditEvent({ verb: 'get', requestURI: '/api/v1/namespaces/default/pods/web', responseStatus: { code: 200 } }),
      ],
    },
    {
      name: 'an exec refused by RBAC (403 at ResponseComplete)',
      events: [execEvent({ command: ['sh'] }, { stage: 'ResponseComplete', responseStatus: { code: 403 } })],
    },
    {
      name: 'RequestReceived alone: the API server has not answered yet',
      events: [execEvent({ command: ['sh'] }, { stage: 'RequestReceived', responseStatus: undefined })],
    },
    {
      name: 'the kubelet port-forwarding is another subresource',
      events: [
        auditEvent({
          stage: 'ResponseStarted',
          requestURI: '/api/v1/namespaces/default/pods/web/portforward',
          objectRef: {
            resource: 'pods',
            subresource: 'portforward',
            namespace: 'default',
            name: 'web',
            apiVersion: 'v1',
          },
          responseStatus: { code: 101 },
        }),
      ],
    },
    {
      name: 'a node identity is allow-listed',
      events: [
        execEvent(
          { command: ['ls'] },
          {
            user: {
              username: 'system:node:ip-10-0-1-12.ec2.internal',
              groups: ['system:nodes', 'system:authenticated'],
            },
          },
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'kubectl exec -it … -- bash, logged at ResponseStarted and ResponseComplete: one alert',
      events: (() => {
        const started = execEvent({ command: ['bash'], interactive: true });
        return [started, { ...started, stage: 'ResponseComplete', stageTimestamp: '2026-11-30T10:05:00.000000Z' }];
      })(),
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9006'],
          message:
            /^alice@example\.com opened an interactive exec in pod default\/web-7d4b9c6f5-x2x8q, container "web" \("bash"\)\.$/,
        },
      ],
    },
    {
      name: 'a WebSocket client execs with verb get',
      events: [execEvent({ command: ['/usr/bin/id'] }, { verb: 'get', userAgent: 'Go-http-client/1.1' })],
      alerts: [{ message: /ran an exec in pod .*\("id"\)/ }],
    },
    {
      name: 'kubectl attach',
      events: [execEvent({ kind: 'attach', interactive: true })],
      alerts: [{ message: /attached to pod default\/web-7d4b9c6f5-x2x8q, container "web"\.$/ }],
    },
    {
      name: 'exec into kube-system by a service account: high',
      events: [
        execEvent(
          { command: ['cat', '/etc/kubernetes/pki/ca.key'], namespace: 'kube-system', pod: 'kube-apiserver-cp-1' },
          { user: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] } },
        ),
      ],
      alerts: [{ severity: 'high', message: /^system:serviceaccount:ci:deployer ran an exec in pod kube-system\// }],
    },
    {
      name: 'an answered event without a status code still counts',
      events: [execEvent({ command: ['sh'] }, { stage: 'ResponseComplete', responseStatus: undefined })],
      alerts: [{ severity: 'medium' }],
    },
  ],
});
