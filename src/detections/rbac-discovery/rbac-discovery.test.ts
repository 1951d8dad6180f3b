import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection from './index.js';

const at = (second: number) =>
  `2026-11-30T10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}Z`;
const list = (resource: string, second: number, overrides: EventOverrides = {}): AuditEvent =>
  auditEvent({
    verb: 'list',
    objectRef: { resource, apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: at(second),
    ...overrides,
  });
const canIList = (second: number, overrides: EventOverrides = {}) =>
  list('selfsubjectrulesreviews', second, {
    verb: 'create',
    objectRef: { resource: 'selfsubjectrulesreviews', apiGroup: 'authorization.k8s.io' },
    ...overrides,
  });
const robot = { user: { username: 'system:serviceaccount:shop:web' } };

testDetection(detection, {
  valid: [
    { name: 'one list of ClusterRoleBindings', events: [list('clusterrolebindings', 0)] },
    { name: 'the same list three times', events: [list('roles', 0), list('roles', 10), list('roles', 20)] },
    {
      name: 'three lists spread over more than ten minutes',
      events: [list('roles', 0), list('rolebindings', 400), list('clusterroles', 1300)],
    },
    {
      name: 'creating Roles and bindings (Helm installing a chart)',
      events: [
        list('roles', 0, { verb: 'create' }),
        list('rolebindings', 1, { verb: 'create' }),
        list('clusterroles', 2, { verb: 'create' }),
      ],
    },
    {
      name: 'three refused lists (denied-request-burst watches refusals)',
      events: ['roles', 'rolebindings', 'clusterroles'].map((r, i) => list(r, i, { responseStatus: { code: 403 } })),
    },
    {
      name: 'the controller manager listing RBAC (allow-listed)',
      events: ['roles', 'rolebindings', 'clusterroles'].map((r, i) =>
        list(r, i, { user: { username: 'system:kube-controller-manager' } }),
      ),
    },
    {
      name: 'two identities, two lists each',
      events: [list('roles', 0), list('rolebindings', 1), list('roles', 2, robot), list('clusterroles', 3, robot)],
    },
  ],
  invalid: [
    {
      name: 'kubectl get rolebindings,clusterrolebindings -A and auth can-i --list',
      events: [list('rolebindings', 0), list('clusterrolebindings', 1), canIList(30)],
      alerts: [
        {
          severity: 'low',
          techniques: ['MS-TA9029'],
          message:
            'alice@example.com surveyed who may do what: clusterrolebindings, rolebindings, selfsubjectrulesreviews within 10 minutes.',
        },
      ],
    },
    {
      name: 'a ServiceAccount listing Roles, ClusterRoles and bindings',
      events: [list('roles', 0, robot), list('clusterroles', 100, robot), list('clusterrolebindings', 500, robot)],
      alerts: [{ severity: 'medium', message: /, as service account shop\/web\.$/ }],
    },
  ],
});
