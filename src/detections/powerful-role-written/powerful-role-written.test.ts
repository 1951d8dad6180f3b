import { write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const role = (kind: 'ClusterRole' | 'Role', rules: Record<string, unknown>[], namespace?: string) => ({
  kind,
  apiVersion: 'rbac.authorization.k8s.io/v1',
  metadata: { name: 'ops', ...(namespace ? { namespace } : {}) },
  rules,
});

testDetection(detection, {
  valid: [
    {
      name: 'a read-only role on pods',
      events: [
        write({
          resource: 'clusterroles',
          body: role('ClusterRole', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]),
        }),
      ],
    },
    {
      name: 'a wildcard over ConfigMaps of one namespace',
      events: [
        write({
          resource: 'clusterroles',
          body: role('ClusterRole', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }]),
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'everything on everything',
      events: [
        write({
          resource: 'clusterroles',
          body: role('ClusterRole', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9019'],
          severity: 'critical',
          message:
            /^ClusterRole 'ops' was created with rules that amount to a takeover: whoever it is bound to can do anything/,
        },
      ],
    },
    {
      name: 'bind and escalate on roles, spelled out',
      events: [
        write({
          resource: 'clusterroles',
          body: role('ClusterRole', [
            {
              apiGroups: ['rbac.authorization.k8s.io'],
              resources: ['clusterroles', 'roles'],
              verbs: ['bind', 'escalate'],
            },
          ]),
        }),
      ],
      alerts: [
        { severity: 'critical', message: /amount to a takeover: whoever it is bound to can escalate or bind roles/ },
      ],
    },
    {
      name: 'get and list on every core resource reads secrets',
      events: [
        write({
          verb: 'update',
          resource: 'roles',
          namespace: 'shop',
          name: 'ops',
          body: role('Role', [{ apiGroups: [''], resources: ['*'], verbs: ['get', 'list'] }], 'shop'),
        }),
      ],
      alerts: [
        {
          severity: 'medium',
          message:
            /^Role 'ops' in shop was replaced with rules that use wildcards: whoever it is bound to can exec into or attach to containers; read secrets$/,
        },
      ],
    },
  ],
});
