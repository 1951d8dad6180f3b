/**
 * A day of ordinary cluster traffic, as an API server logs it: the control plane, kubelets and system add-ons at
 * work, application ServiceAccounts reading their configuration, and people looking around and rolling out. No rule
 * should raise anything on it; generated rather than stored, so that it stays small in the repository.
 */
import type { AuditEvent } from '../inputs/audit/event.js';
import { auditEvent, type EventOverrides } from './tester.js';

const DAY_START = Date.parse('2026-11-30T00:00:00Z');
const NAMESPACES = ['shop', 'payments', 'search'] as const;
const NODES = ['node-a', 'node-b', 'node-c'] as const;

/** The events of one request at one time; a read by default. */
function request(seconds: number, overrides: EventOverrides): AuditEvent {
  const time = new Date(DAY_START + seconds * 1000).toISOString();
  return auditEvent({
    level: 'Metadata',
    verb: 'get',
    responseStatus: { code: 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    ...overrides,
  });
}

const ref = (resource: string, namespace?: string, name?: string, apiGroup?: string) => ({
  resource,
  apiVersion: 'v1',
  ...(namespace ? { namespace } : {}),
  ...(name ? { name } : {}),
  ...(apiGroup ? { apiGroup } : {}),
});

const controller = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
const scheduler = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
const kubelet = (node: string) => ({
  username: `system:node:${node}`,
  groups: ['system:nodes', 'system:authenticated'],
});
const account = (namespace: string, name: string) => ({
  username: `system:serviceaccount:${namespace}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
});
const people = ['alice@example.com', 'bob@example.com'].map((username) => ({
  username,
  groups: ['developers', 'system:authenticated'],
}));

/** `minutes` of traffic per hour of the day, every request at its own second: `hours × (60 / step)` rounds. */
export function benignDay(hours = 24, step = 5): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let minute = 0; minute < hours * 60; minute += step) {
    const at = minute * 60;
    // Leader election, and the controllers' and scheduler's informers.
    events.push(
      request(at, {
        verb: 'update',
        user: controller,
        objectRef: ref('leases', 'kube-system', 'kube-controller-manager', 'coordination.k8s.io'),
      }),
      request(at + 1, {
        verb: 'update',
        user: scheduler,
        objectRef: ref('leases', 'kube-system', 'kube-scheduler', 'coordination.k8s.io'),
      }),
      request(at + 2, {
        verb: 'watch',
        user: controller,
        objectRef: ref('secrets'),
        requestURI: '/api/v1/secrets?watch=true',
      }),
      request(at + 3, {
        verb: 'list',
        user: controller,
        objectRef: ref('roles', undefined, undefined, 'rbac.authorization.k8s.io'),
      }),
      request(at + 3, {
        verb: 'list',
        user: controller,
        objectRef: ref('rolebindings', undefined, undefined, 'rbac.authorization.k8s.io'),
      }),
      request(at + 3, {
        verb: 'list',
        user: controller,
        objectRef: ref('clusterroles', undefined, undefined, 'rbac.authorization.k8s.io'),
      }),
      request(at + 4, {
        verb: 'watch',
        user: scheduler,
        objectRef: ref('pods'),
        requestURI: '/api/v1/pods?watch=true',
      }),
    );
    // Each kubelet: its lease, its node's status, the Secrets and ConfigMaps its pods mount.
    NODES.forEach((node, index) => {
      const user = kubelet(node);
      const namespace = NAMESPACES[index] as string;
      events.push(
        request(at + 10 + index, {
          verb: 'update',
          user,
          objectRef: ref('leases', 'kube-node-lease', node, 'coordination.k8s.io'),
        }),
        request(at + 11 + index, {
          verb: 'patch',
          user,
          objectRef: { ...ref('nodes', undefined, node), subresource: 'status' },
        }),
        request(at + 12 + index, { user, objectRef: ref('secrets', namespace, `${namespace}-db`) }),
        request(at + 13 + index, {
          verb: 'watch',
          user,
          objectRef: ref('configmaps', namespace),
          requestURI: `/api/v1/namespaces/${namespace}/configmaps?fieldSelector=metadata.name%3Dkube-root-ca.crt&watch=true`,
        }),
      );
    });
    // System add-ons and applications, each ServiceAccount from its own pod's address.
    events.push(
      request(at + 20, {
        verb: 'watch',
        user: account('kube-system', 'coredns'),
        sourceIPs: ['10.244.0.3'],
        userAgent: 'coredns/v1.11.3',
        objectRef: ref('endpointslices', undefined, undefined, 'discovery.k8s.io'),
      }),
      request(at + 21, {
        verb: 'list',
        user: account('kube-system', 'coredns'),
        sourceIPs: ['10.244.0.3'],
        userAgent: 'coredns/v1.11.3',
        objectRef: ref('services'),
      }),
    );
    NAMESPACES.forEach((namespace, index) => {
      const user = account(namespace, 'web');
      events.push(
        request(at + 30 + index, {
          user,
          sourceIPs: [`10.244.${index + 1}.7`],
          userAgent: 'web/1.4.2 (linux/amd64)',
          objectRef: ref('configmaps', namespace, 'settings'),
        }),
        request(at + 33 + index, {
          verb: 'update',
          user,
          sourceIPs: [`10.244.${index + 1}.7`],
          userAgent: 'web/1.4.2 (linux/amd64)',
          objectRef: ref('leases', namespace, 'web-leader', 'coordination.k8s.io'),
        }),
      );
    });
    // People during the working day: looking around, reading logs, rolling out and scaling.
    const hour = Math.floor(minute / 60);
    if (hour >= 9 && hour < 18) {
      const person = people[minute % 2] as (typeof people)[number];
      const namespace = NAMESPACES[hour % NAMESPACES.length] as string;
      const by = {
        user: person,
        sourceIPs: ['198.51.100.24'],
        userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/abcdef0',
      };
      events.push(
        request(at + 40, {
          ...by,
          verb: 'list',
          objectRef: ref('pods', namespace),
          requestURI: `/api/v1/namespaces/${namespace}/pods?limit=500`,
        }),
        request(at + 41, {
          ...by,
          objectRef: { ...ref('pods', namespace, 'web-7d4b9c6f5-x2x8q'), subresource: 'log' },
        }),
        request(at + 42, { ...by, verb: 'list', objectRef: ref('deployments', namespace, undefined, 'apps') }),
        request(at + 43, { ...by, verb: 'list', objectRef: ref('events', namespace) }),
        request(at + 44, { ...by, objectRef: ref('configmaps', namespace, 'settings') }),
      );
      if (minute % 60 === 0) {
        events.push(
          request(at + 50, {
            ...by,
            verb: 'patch',
            level: 'Request',
            objectRef: ref('deployments', namespace, 'web', 'apps'),
            requestObject: {
              spec: {
                template: {
                  metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-30T10:00:00Z' } },
                },
              },
            },
          }),
          request(at + 51, {
            ...by,
            verb: 'update',
            objectRef: { ...ref('deployments', namespace, 'web', 'apps'), subresource: 'scale' },
          }),
        );
      }
    }
  }
  return events;
}
