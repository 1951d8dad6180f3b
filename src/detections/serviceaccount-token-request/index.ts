import { defineDetection } from '../define.js';
import { objectName, SYSTEM_NAMESPACE, serviceAccountOf, succeeded } from '../request.js';

/** `spec.expirationSeconds` of the TokenRequest, when the audit level recorded the request body. */
function lifetimeOf(requestObject: unknown): number | undefined {
  const spec = (requestObject as { spec?: { expirationSeconds?: unknown } } | undefined)?.spec;
  return typeof spec?.expirationSeconds === 'number' ? spec.expirationSeconds : undefined;
}

export default defineDetection({
  id: 'serviceaccount-token-request',
  title: 'Service-account token requested',
  severity: 'medium',
  techniques: ['MS-TA9016'],
  description:
    "Someone other than a node or the control plane minted a token for a service account (`serviceaccounts/token` create, as `kubectl create token` does); high for a kube-system account, or when one service account mints another's token.",
  rationale:
    "A minted token is the service account's identity, usable from anywhere until it expires and invisible in the cluster's objects: a way to take over a powerful account or keep access after the original credential is revoked.",
  response:
    'Check who asked and for which account and lifetime (the message says); if unexpected, the token cannot be recalled one by one: delete and recreate the service account (its tokens stop working), or rotate the service-account signing key for a kube-system account.',
  fields: [
    'objectRef.resource',
    'objectRef.subresource',
    'objectRef.namespace',
    'objectRef.name',
    'user.username',
    'requestObject.spec.expirationSeconds',
  ],
  level: 'Metadata',
  benign:
    "Kubelets requesting projected tokens for their pods (allow-listed as nodes); people running `kubectl create token` to set up CI or a dashboard login; token brokers such as Vault's Kubernetes secrets engine (allow-list them).",
  on: { verbs: ['create'], resources: ['serviceaccounts/token'] },
  detect(event, ctx) {
    if (!succeeded(event)) return;
    const user = event.user.username ?? 'unknown user';
    const target = objectName(event);
    const requester = serviceAccountOf(user);
    const seconds = lifetimeOf(event.requestObject);
    const crossAccount = requester !== undefined && requester !== target;
    ctx.alert({
      message: `${user} requested a token for service account ${target}${seconds === undefined ? '' : `, valid ${Math.round(seconds / 360) / 10} h`}${crossAccount ? ": one service account minting another's identity" : ''}.`,
      severity: crossAccount || event.objectRef?.namespace === SYSTEM_NAMESPACE ? 'high' : 'medium',
    });
  },
});
