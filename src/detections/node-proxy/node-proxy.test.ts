import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

/** `kubectl get --raw /api/v1/nodes/NODE/proxy/PATH`, as the audit log records it. */
function proxied(path: string, overrides: EventOverrides = {}): AuditEvent {
  const node = 'ip-10-0-1-12.ec2.internal';
  return auditEvent({
    verb: 'get',
    level: 'Metadata',
    requestURI: `/api/v1/nodes/${node}/proxy${path}`,
    objectRef: { resource: 'nodes', subresource: 'proxy', name: node, apiVersion: 'v1' },
    responseStatus: { code: 200 },
    ...overrides,
  });
}

const prometheus = { username: 'system:serviceaccount:monitoring:prometheus-k8s', groups: ['system:serviceaccounts'] };

testDetection(detection, {
  valid: [
    { name: 'Prometheus scraping cAdvisor', events: [proxied('/metrics/cadvisor', { user: prometheus })] },
    { name: 'kubelet metrics and summary stats', events: [proxied('/metrics'), proxied('/stats/summary')] },
    { name: 'refused', events: [proxied('/pods', { responseStatus: { code: 403 } })] },
    {
      name: 'reading the node object itself',
      events: [
        auditEvent({
          verb: 'get',
          requestURI: '/api/v1/nodes/n1',
          objectRef: { resource: 'nodes', name: 'n1', apiVersion: 'v1' },
          responseStatus: { code: 200 },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'listing the pods the kubelet runs',
      events: [proxied('/pods')],
      alerts: [
        {
          severity: 'high',
          techniques: ['MS-TA9030'],
          message:
            /^alice@example\.com called the kubelet API of node ip-10-0-1-12\.ec2\.internal through the API server \("\/pods"\)\.$/,
        },
      ],
    },
    {
      name: 'POST /run: a command by way of the kubelet',
      events: [
        proxied('/run/default/web-7d4b9c6f5-x2x8q/web?cmd=id', {
          verb: 'create',
          user: { username: 'system:serviceaccount:monitoring:prometheus-k8s', groups: ['system:serviceaccounts'] },
        }),
      ],
      alerts: [
        {
          severity: 'critical',
          techniques: ['MS-TA9030', 'MS-TA9006'],
          message: /"\/run\/default\/web-7d4b9c6f5-x2x8q\/web"/,
        },
      ],
    },
    {
      name: 'WebSocket exec with verb get',
      events: [
        proxied('/exec/kube-system/etcd-cp-1/etcd?command=sh&input=1&output=1&tty=1', {
          stage: 'ResponseStarted',
          responseStatus: { code: 101 },
        }),
      ],
      alerts: [{ severity: 'critical' }],
    },
    { name: 'the proxy root', events: [proxied('')], alerts: [{ message: /\("\/"\)/ }] },
    { name: 'kubelet configuration', events: [proxied('/configz')], alerts: [{ severity: 'high' }] },
  ],
});
