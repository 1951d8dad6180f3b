import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-read-secrets',
  title: 'RBAC: read secrets',
  description:
    'A subject may get, list or watch secrets: cluster-wide, in a namespace, or (less severe) only secrets named in `resourceNames`.',
  rationale:
    'Secrets hold database passwords, API keys, TLS keys and, in older clusters, service-account tokens of every account: reading them is lateral movement to everything they unlock. `list` and `watch` return the values of all secrets, not just their names.',
  remediation:
    'Grant `get` on the few secrets a workload needs with `resourceNames` instead of `list`/`watch` on all; never read secrets cluster-wide outside the control plane. Prefer mounting secrets into pods over reading them through the API.',
});
