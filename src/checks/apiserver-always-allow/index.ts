import { componentsOf, flagList } from '../../k8s/components.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'apiserver-always-allow',
  title: 'API server: every request authorized',
  severity: 'critical',
  exposes: ['MS-TA9019', 'MS-TA9029', 'MS-TA9025'],
  // Not MS-M9003: RBAC being bypassed is no lack of least privilege in it, and claiming that mitigation would mark
  // every technique it covers as assessed here.
  missing: [],
  controlPlane: true,
  description:
    "A kube-apiserver's `--authorization-mode` contains `AlwaysAllow`, or is not set (it then defaults to AlwaysAllow) without an `--authorization-config` file.",
  rationale:
    'Authorizers are asked in order until one allows or denies, and RBAC never denies: with AlwaysAllow anywhere in the list every request RBAC does not allow is allowed anyway. Every user, every pod token and, with anonymous authentication, everyone is cluster-admin: secrets, workloads and nodes included.',
  remediation: 'Set `--authorization-mode=Node,RBAC` (kubeadm’s default) and grant access through RBAC roles.',
  run({ inventory, report }) {
    for (const { pod, flags, missingAt } of componentsOf(inventory, 'kube-apiserver')) {
      const mode = flags.get('authorization-mode');
      if (!mode && flags.has('authorization-config')) continue;
      if (mode && !flagList(mode).includes('AlwaysAllow')) continue;
      report({
        resource: pod.owner,
        path: mode?.path ?? missingAt,
        message: mode
          ? '`--authorization-mode` includes AlwaysAllow: every authenticated request is allowed whatever RBAC says, so every user and pod token is cluster-admin'
          : '`--authorization-mode` is not set and defaults to AlwaysAllow: every authenticated request is allowed, so every user and pod token is cluster-admin',
      });
    }
  },
});
