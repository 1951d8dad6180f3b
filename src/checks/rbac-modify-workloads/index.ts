import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-modify-workloads',
  title: 'RBAC: modify running workloads',
  description:
    'A subject may update or patch workload controllers (their pod templates) or running pods (their images).',
  rationale:
    "Patching a Deployment or DaemonSet rewrites the pod template of every pod it runs, so it is as strong as creating pods: add a sidecar, swap an image or the service account, or make the pods privileged with the node's root file system mounted, as a backdoor that hides among legitimate containers and survives restarts. Patching a running pod can only swap its images, still enough to run the attacker's code with the pod's identity.",
  remediation:
    'Grant `update`/`patch` on workloads to the deployment pipeline only, not to workloads or people; enforce the baseline or restricted Pod Security Standard so a patched template cannot turn privileged; review changes through GitOps and alert on direct edits.',
});
