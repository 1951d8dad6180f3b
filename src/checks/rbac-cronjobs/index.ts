import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-cronjobs',
  title: 'RBAC: create or change CronJobs',
  description: 'A subject may create, update or patch CronJobs.',
  rationale:
    'A CronJob reruns its pod on a schedule: an attacker who can write one plants persistence that comes back after every cleanup of its pods.',
  remediation: 'Grant CronJob writes to the deployment pipeline only, and review the CronJobs of each namespace.',
});
