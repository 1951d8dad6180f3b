import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-csr-approval',
  title: 'RBAC: approve certificate signing requests',
  description:
    'A subject may approve certificate signing requests: `update` on `certificatesigningrequests/approval` together with `approve` on `signers`.',
  rationale:
    'Approving a CSR for the kube-apiserver-client signer issues a client certificate for any user and group, `system:masters` included: a cluster-admin identity that RBAC cannot revoke until it expires.',
  remediation:
    "Leave CSR approval to the control plane's approver; if a controller must approve, restrict `approve` on `signers` with `resourceNames` to its own signer.",
});
