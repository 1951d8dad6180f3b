import { defineDetection } from '../define.js';
import { queryOf, succeeded } from '../request.js';

export default defineDetection({
  id: 'secrets-list',
  title: 'Secrets listed or watched',
  severity: 'medium',
  techniques: ['MS-TA9025'],
  description:
    'A user listed or watched Secrets (values included): high across all namespaces, medium in one, low when a label selector narrows the list (Helm reading its releases). A list pinned to one name (`kubectl get secret NAME -w`) is a read of that Secret and not reported.',
  rationale:
    'A list of Secrets returns every value in it at once: service-account tokens, registry credentials, TLS keys and application passwords, the quickest way from one credential to many.',
  response:
    "Confirm the user or workload needs every Secret it listed; if not, assume they all leaked: rotate them, starting with service-account tokens and cloud credentials, and narrow the role's `list`/`watch` on secrets.",
  fields: [
    'verb',
    'objectRef.resource',
    'objectRef.namespace',
    'requestURI (fieldSelector, labelSelector)',
    'responseStatus.code',
  ],
  level: 'Metadata',
  benign:
    'Controllers and operators that watch Secrets by design (ingress controllers, cert-manager, external-secrets, Argo CD, Helm with its label selector); allow-list their service accounts. The control plane and nodes are allow-listed by default.',
  on: { verbs: ['list', 'watch'], resources: ['secrets'] },
  detect(event, ctx) {
    if (!succeeded(event)) return;
    const query = queryOf(event);
    if (/(?:^|,)metadata\.name==?[^,]/.test(query.get('fieldSelector') ?? '')) return;
    const namespace = event.objectRef?.namespace;
    const selected = query.has('labelSelector');
    const user = event.user.username ?? 'unknown user';
    const where = namespace ? `in namespace ${namespace}` : 'in every namespace';
    ctx.alert({
      message: `${user} ${event.verb === 'watch' ? 'watched' : 'listed'} the Secrets ${where}${selected ? ' matching a label selector' : ''}, values included.`,
      severity: selected ? 'low' : namespace ? 'medium' : 'high',
    });
  },
});
