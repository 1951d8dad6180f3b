import { defineDetection } from '../define.js';
import { applied, describeTarget, objectName, wrote } from '../objects.js';

/** ConfigMaps the cluster DNS reads: CoreDNS's Corefile, AKS's custom snippets, and kube-dns's stub domains. */
const DNS_CONFIGMAPS: ReadonlySet<string> = new Set(['coredns', 'coredns-custom', 'kube-dns']);

export default defineDetection({
  id: 'coredns-config-changed',
  title: 'Cluster DNS configuration changed',
  severity: 'high',
  techniques: ['MS-TA9035'],
  description:
    "The ConfigMap the cluster DNS reads (`coredns`, AKS's `coredns-custom`, or `kube-dns` in kube-system) is created, replaced, patched or deleted.",
  rationale:
    "Whoever rewrites the Corefile answers every pod's DNS queries: a `rewrite` or `hosts` entry sends traffic for a service, a registry or a cloud API to an address the attacker holds, so that pods hand their credentials and data to it.",
  response:
    "Compare the Corefile with the previous version (your GitOps repository, or the managed add-on's default): look for `hosts`, `rewrite`, `forward` or `template` entries pointing at unfamiliar addresses. Restore it and find out who holds write access to ConfigMaps in kube-system.",
  fields: ['verb', 'objectRef.namespace', 'objectRef.name', 'requestObject.metadata.name'],
  level: 'Metadata',
  benign:
    "Intended DNS changes (stub domains, forwarders), cluster upgrades and the cloud provider's add-on manager reconciling the default Corefile; allow-list the add-on manager's identity in `audit.allow.users` if it is not already covered.",
  on: { verbs: ['create', 'update', 'patch', 'delete'], resources: ['configmaps'] },
  detect(event, { alert }) {
    if (event.objectRef?.namespace !== 'kube-system' || !applied(event)) return;
    const name = objectName(event);
    if (name === undefined || !DNS_CONFIGMAPS.has(name)) return;
    alert({
      message: `${describeTarget(event)}, the cluster DNS configuration, was ${wrote(event)}: DNS answers for every pod may change`,
    });
  },
});
