import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-webhook-config',
  title: 'RBAC: register admission webhooks',
  description: 'A subject may create, update or patch mutating or validating webhook configurations.',
  rationale:
    'An admission webhook receives every object it registers for, secrets included, and a mutating one rewrites them: injecting a container into every new pod is a cluster-wide, persistent backdoor.',
  remediation:
    'Restrict write access to `mutatingwebhookconfigurations` and `validatingwebhookconfigurations` to cluster administrators and the few operators that manage their own webhook (with `resourceNames`).',
});
