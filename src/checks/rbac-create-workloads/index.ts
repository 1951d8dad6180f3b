import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-create-workloads',
  title: 'RBAC: create pods or pod controllers',
  description:
    'A subject may create pods, or any controller that creates them (Deployments, DaemonSets, StatefulSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs).',
  rationale:
    "Creating a pod is running any code with any of the namespace's service accounts, secrets and config maps; unless admission forbids it, the pod can also be privileged or mount the node's filesystem and take the node over.",
  remediation:
    'Grant pod creation only to deployment pipelines and controllers that need it, in the namespaces they deploy to; enforce the restricted Pod Security Standard there so that created pods cannot reach the node.',
});
