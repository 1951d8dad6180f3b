import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-delete-events',
  title: 'RBAC: delete events',
  description: 'A subject may delete Kubernetes events (`events`, `events.events.k8s.io`).',
  rationale:
    'Events record what happened in the cluster (pods started, images pulled, probes failed): deleting them erases the traces of an intrusion.',
  remediation:
    'Remove `delete`/`deletecollection` on events from roles; events expire on their own. Ship events and audit logs to storage outside the cluster.',
});
