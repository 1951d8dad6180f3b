import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-destructive-delete',
  title: 'RBAC: delete workloads, volumes or namespaces',
  description:
    'A subject may delete (or delete collections of) workload controllers, persistent volume claims, persistent volumes or namespaces.',
  rationale:
    'Deleting persistent volumes, their claims or whole namespaces destroys data and applications; with a `Delete` reclaim policy the storage behind them goes too.',
  remediation:
    'Keep broad delete rights to cluster administrators and the deployment pipeline; use `Retain` reclaim policies and backups for data that matters.',
});
