import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-destructive-delete',
  title: 'RBAC: delete workloads, pods, secrets, volumes or namespaces',
  description:
    'A subject may delete (or delete collections of) pods, workload controllers, secrets, persistent volume claims, persistent volumes or namespaces.',
  rationale:
    'Deleting persistent volumes, their claims or whole namespaces destroys data and applications; with a `Delete` reclaim policy the storage behind them goes too. Deleting every secret destroys keys and certificates that may exist nowhere else, and deleting every pod takes down whatever runs, standalone pods for good.',
  remediation:
    'Keep broad delete rights to cluster administrators and the deployment pipeline; use `Retain` reclaim policies and backups for data and secrets that matter.',
});
