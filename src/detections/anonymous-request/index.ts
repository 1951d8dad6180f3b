import { defineDetection } from '../define.js';
import { pathOf, quoted } from '../request.js';

/**
 * Paths the default `system:public-info-viewer` role opens to everyone (health and version), and the service-account
 * issuer discovery documents that workload-identity federation fetches without credentials.
 */
const PUBLIC_PATHS =
  /^\/(?:healthz|livez|readyz)(?:\/.*)?$|^\/version\/?$|^\/\.well-known\/openid-configuration\/?$|^\/openid\/v1\/jwks\/?$/;

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export default defineDetection({
  id: 'anonymous-request',
  title: 'Anonymous request served',
  severity: 'high',
  techniques: ['MS-TA9005'],
  description:
    'The API server served a request from `system:anonymous` (or the `system:unauthenticated` group): a 2xx answer, or 101 for an upgraded stream. Health, version and issuer-discovery paths are left out; critical for writes.',
  rationale:
    'Anything an anonymous request may do, anyone who reaches the API server may do: a binding that grants unauthenticated users more than health checks exposes the cluster to the whole network it is reachable from.',
  response:
    'Find the binding that grants `system:anonymous` or `system:unauthenticated` the access (`kubectl get clusterrolebindings,rolebindings -A -o wide`) and remove it; where anonymous authentication is not needed, turn it off (`--anonymous-auth=false`, or an authentication configuration limiting it to health paths).',
  fields: ['user.username', 'user.groups', 'responseStatus.code', 'requestURI', 'verb'],
  level: 'Metadata',
  benign:
    'Load balancers and probes calling `/healthz`, `/livez`, `/readyz` or `/version`, and identity providers fetching `/.well-known/openid-configuration` and `/openid/v1/jwks`: not reported. Any other path served anonymously is a permission someone granted.',
  everyone: true,
  on: { users: { names: ['system:anonymous'], groups: ['system:unauthenticated'] } },
  detect(event, ctx) {
    const { username, groups } = event.user;
    if (username !== 'system:anonymous' && !groups?.includes('system:unauthenticated')) return;
    const code = event.responseStatus?.code;
    if (event.stage === 'RequestReceived' || code === undefined || !((code >= 200 && code < 300) || code === 101))
      return;
    const path = pathOf(event);
    if (PUBLIC_PATHS.test(path)) return;
    const write = WRITES.has(event.verb);
    ctx.alert({
      message: `An unauthenticated ${event.verb} of ${quoted(path)} was allowed (${code})${write ? ': anyone can change the cluster' : ''}.`,
      severity: write ? 'critical' : 'high',
    });
  },
});
