import { componentsOf, isLoopbackHost } from '../../k8s/components.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'apiserver-anonymous-access',
  title: 'API server: requests without credentials',
  severity: 'medium',
  exposes: ['MS-TA9005', 'MS-TA9029'],
  missing: ['MS-M9009'],
  controlPlane: true,
  description:
    'A kube-apiserver (static-pod manifest or mirror pod) accepts anonymous requests: `--anonymous-auth` is not `false` (it defaults to true), or an `--insecure-port` other than 0 serves the API without authentication or authorization.',
  rationale:
    'Anonymous requests act as `system:anonymous` with whatever RBAC grants that user and `system:unauthenticated`: one careless binding opens the API to anyone who reaches it. The insecure port (before Kubernetes 1.20 on by default at 127.0.0.1:8080) skips authentication and authorization altogether: any process on the node, hostNetwork pods included, is cluster-admin.',
  remediation:
    'Set `--anonymous-auth=false` (health checks can use an authenticated probe or `/livez` through an AuthenticationConfiguration that allows anonymous access to those paths only), and `--insecure-port=0`, or upgrade past 1.20 where it is gone.',
  run({ inventory, report }) {
    for (const { pod, flags, missingAt } of componentsOf(inventory, 'kube-apiserver')) {
      const anonymous = flags.get('anonymous-auth');
      // With --authentication-config the file may turn anonymous access off; it is on the node, not in the input.
      if (anonymous ? anonymous.value.toLowerCase() !== 'false' : !flags.has('authentication-config')) {
        report({
          resource: pod.owner,
          path: anonymous?.path ?? missingAt,
          message: anonymous
            ? 'the API server accepts anonymous requests (`--anonymous-auth` is not false): RBAC bindings to system:anonymous or system:unauthenticated apply to anyone who reaches it'
            : 'the API server accepts anonymous requests: `--anonymous-auth` is not set and defaults to true, so RBAC bindings to system:anonymous or system:unauthenticated apply to anyone who reaches it',
        });
      }
      const insecure = flags.get('insecure-port');
      if (insecure && insecure.value !== '0') {
        const host = flags.get('insecure-bind-address')?.value ?? '127.0.0.1';
        const local = isLoopbackHost(host);
        report({
          resource: pod.owner,
          path: insecure.path,
          severity: local ? 'high' : 'critical',
          message: `the API server serves an insecure port with no authentication or authorization on ${local ? "the node's loopback address: every process on the node and every hostNetwork pod is cluster-admin" : 'a non-loopback address: anyone who reaches it is cluster-admin'}`,
        });
      }
    }
  },
});
