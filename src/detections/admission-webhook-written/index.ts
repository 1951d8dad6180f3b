import { asRecord } from '../../inventory/index.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget, writtenObject, wrote } from '../objects.js';

/** Where each webhook sends the objects it reviews: a URL outside the cluster, or an in-cluster Service. */
function destinations(configuration: Readonly<Record<string, unknown>>): { text: string; external: boolean }[] {
  const webhooks = Array.isArray(configuration.webhooks) ? configuration.webhooks : [];
  return webhooks.flatMap((webhook): { text: string; external: boolean }[] => {
    const { name, clientConfig } = asRecord(webhook);
    const { url, service } = asRecord(clientConfig);
    const label = typeof name === 'string' ? `'${name}'` : 'a webhook';
    if (typeof url === 'string') return [{ text: `${label} calls ${url}`, external: true }];
    const { namespace, name: serviceName } = asRecord(service);
    if (typeof serviceName !== 'string') return [];
    return [{ text: `${label} calls Service ${String(namespace ?? '')}/${serviceName}`, external: false }];
  });
}

/** A patch that only rotates the webhooks' CA bundle, as cert-manager's cainjector and service meshes do all day. */
function caBundleOnly(patch: unknown): boolean {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return false;
  const { metadata: _metadata, webhooks, ...rest } = patch as Record<string, unknown>;
  if (Object.keys(rest).length || !Array.isArray(webhooks)) return false;
  return webhooks.every((webhook) => {
    const { name: _name, clientConfig, ...others } = asRecord(webhook);
    const { caBundle: _caBundle, ...config } = asRecord(clientConfig);
    return !Object.keys(others).length && !Object.keys(config).length;
  });
}

export default defineDetection({
  id: 'admission-webhook-written',
  title: 'Admission webhook configuration written',
  severity: 'high',
  techniques: ['MS-TA9015'],
  description:
    'A MutatingWebhookConfiguration or ValidatingWebhookConfiguration is created, replaced, patched or deleted. Critical when a webhook calls a URL rather than an in-cluster Service; medium for a deletion. Patches that only rotate `caBundle` are left alone.',
  rationale:
    'An admission webhook receives every object it registers for, Secrets and pod specs included, and a mutating one rewrites them: an attacker who registers one reads what the cluster creates and injects containers or privileges into every new pod, and it persists as long as the configuration stays. Deleting a validating webhook turns off a policy engine that stood in the way.',
  response:
    'Compare the configuration with what your policy engine, service mesh or operator installs; check where each webhook points (its Service and the code behind it, or its URL) and which resources it sees. Remove it if nobody vouches for it, and review the objects admitted since.',
  fields: [
    'verb',
    'objectRef.resource',
    'requestObject.webhooks[].name',
    'requestObject.webhooks[].clientConfig.url',
    'requestObject.webhooks[].clientConfig.service',
  ],
  level: 'Request',
  benign:
    'Installing or upgrading a policy engine (Kyverno, Gatekeeper), service mesh (Istio, Linkerd), cert-manager or an operator that registers webhooks; their controllers rewriting CA bundles with an update rather than a patch. Allow-list such controllers in `audit.allow.users`.',
  on: {
    verbs: ['create', 'update', 'patch', 'delete'],
    resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
  },
  detect(event, { alert }) {
    if (!applied(event)) return;
    const mutating = event.objectRef?.resource === 'mutatingwebhookconfigurations';
    if (event.verb === 'delete') {
      alert({
        severity: 'medium',
        message: `${describeTarget(event)} was deleted: the ${mutating ? 'changes' : 'checks'} it made on admission stop`,
      });
      return;
    }
    if (event.verb === 'patch' && caBundleOnly(event.requestObject)) return;
    const configuration = writtenObject(event);
    const found = configuration ? destinations(configuration) : [];
    alert({
      severity: found.some((destination) => destination.external) ? 'critical' : mutating ? 'high' : 'medium',
      message: `${describeTarget(event)} was ${wrote(event)}${found.length ? `: ${found.map((destination) => destination.text).join('; ')}` : ''}; it sees${mutating ? ' and may rewrite' : ''} the objects it registers for`,
    });
  },
});
