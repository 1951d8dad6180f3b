import { TOKEN_ACCOUNT_ANNOTATION, tokenAccount } from '../../k8s/token-secrets.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'legacy-token-secret',
  title: 'Service account token that never expires',
  severity: 'medium',
  exposes: ['MS-TA9016'],
  missing: [],
  description:
    "A Secret of type `kubernetes.io/service-account-token`, which the cluster fills with a token of the account it names that never expires; from a live cluster, where Secrets are read as metadata only, a Secret carrying that type's account annotation. One the cluster has marked invalid (`kubernetes.io/legacy-token-invalid-since`) is left out.",
  rationale:
    "The token stays valid as long as the Secret and its account exist, wherever it is used from: whoever can read Secrets in the namespace, or once got a copy of this one (a backup, a CI log, a dump), calls the API server as the account long after any pod is gone. Making one is also how an attacker who may create Secrets keeps an account's access.",
  remediation:
    'Delete the Secret. Pods get a projected token the kubelet renews, bound to the pod and expiring; a client outside the cluster can ask for a short-lived one (`kubectl create token ACCOUNT`, the TokenRequest API). Where a long-lived credential is unavoidable, keep it out of the cluster and restrict who may read Secrets in the namespace.',
  run({ inventory, report }) {
    for (const secret of inventory.ofKind('Secret')) {
      const account = tokenAccount(secret, inventory);
      if (!account) continue;
      const where = secret.ref.namespace ? ` in namespace '${secret.ref.namespace}'` : '';
      const typed = secret.object.type !== undefined;
      report({
        resource: secret,
        path: typed ? ['type'] : ['metadata', 'annotations', TOKEN_ACCOUNT_ANNOTATION],
        message: `${
          typed
            ? `Secret '${secret.ref.name}' holds a token of service account '${account}' that never expires`
            : `Secret '${secret.ref.name}' names service account '${account}' as a token Secret does (its type is not read from a cluster): its token would never expire`
        }; whoever reads Secrets${where}, or has a copy of it, acts as '${account}' from anywhere`,
      });
    }
  },
});
