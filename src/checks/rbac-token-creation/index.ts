import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-token-creation',
  title: 'RBAC: create service-account tokens',
  description:
    'A subject may create tokens for service accounts (`serviceaccounts/token`), or create secrets, which includes service-account-token secrets the token controller fills in.',
  rationale:
    "A token for another service account is that account's identity and permissions, for as long as the token lives: minting one for a more powerful account in reach is privilege escalation without touching any workload.",
  remediation:
    'Keep `create` on `serviceaccounts/token` and on secrets to the control plane and to controllers that need them, restricted by namespace; disable legacy token secrets where possible.',
});
