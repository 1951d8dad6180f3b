import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-node-proxy',
  title: 'RBAC: kubelet API through nodes/proxy',
  description: 'A subject may use the `nodes/proxy` subresource; `get` is enough.',
  rationale:
    "`nodes/proxy` forwards requests to each node's kubelet API, whose exec and run endpoints run commands in any container on the node: exec into every pod of the cluster, bypassing the `pods/exec` authorization and audit trail.",
  remediation:
    'Grant `nodes/proxy` to no one but the API server and monitoring that truly needs it; give metrics collectors `nodes/metrics` and `nodes/stats` instead.',
});
