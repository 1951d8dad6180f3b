import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-modify-workloads',
  title: 'RBAC: modify running workloads',
  description: 'A subject may update or patch pods or pod controllers.',
  rationale:
    'Patching a Deployment or DaemonSet adds a sidecar, swaps an image or changes the service account of every pod it runs: a backdoor that hides among legitimate containers and survives restarts.',
  remediation:
    'Grant `update`/`patch` on workloads to the deployment pipeline only, not to workloads or people; review changes through GitOps and alert on direct edits.',
});
