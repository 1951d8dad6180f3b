import type { Resource } from '../../inventory/index.js';
import { type TokenMount, tokenMount } from '../../inventory/pods.js';
import { mayUseToken } from '../../k8s/api-access.js';
import { defineCheck } from '../define.js';
import { fillIn } from '../fixes.js';

export default defineCheck({
  id: 'service-account-token',
  title: 'Service account token mounted',
  severity: 'low',
  exposes: ['MS-TA9016'],
  missing: ['MS-M9025'],
  description:
    "A workload's pods get their service account token mounted: `automountServiceAccountToken` is true on the pod spec or its ServiceAccount, or unset on both. A token a pod asks for itself in a projected volume (bound to an audience, expiring) is the remedy, not this gap; workload-token-permissions judges what it allows.",
  rationale:
    "Every process in the pod can read the token under /var/run/secrets/kubernetes.io/serviceaccount and call the API server with the service account's permissions; code execution in any container becomes API access.",
  remediation:
    'Set `automountServiceAccountToken: false` on the ServiceAccount (or the pod spec), and mount a projected token only into the pods that call the Kubernetes API.',
  fixable: {
    breaks:
      'a process that reads the token anyway (to call the API, or to log in to a service that accepts Kubernetes tokens) loses it',
    when: 'on the pod spec, and only when the input shows the pod has no use for the token: the input holds every binding that could name its ServiceAccount (a whole cluster, or files that declare the account), none grants the account or its groups anything, it is not in a system namespace, and no container runs a known API client (kubectl, helm, an operator or controller, a log shipper, Vault) or has an agent injected',
  },
  run({ inventory, report }) {
    // A ServiceAccount's field decides for every pod using it: one finding there, naming all of them.
    const byAccount = new Map<Resource, { mount: TokenMount; owners: Resource[] }>();
    for (const pod of inventory.podSpecs) {
      const mount = tokenMount(pod, inventory);
      // A projected token is asked for by this pod alone, bound to an audience and expiring: the remediation
      // below, not the automount gap. What it lets the pod do is workload-token-permissions' to judge.
      if (!mount.mounted || mount.decidedBy === 'projected') continue;
      if (mount.decidedBy === 'serviceaccount') {
        const shared = byAccount.get(mount.resource);
        if (shared) shared.owners.push(pod.owner);
        else byAccount.set(mount.resource, { mount, owners: [pod.owner] });
      } else {
        const mounted = `the token of service account '${pod.serviceAccountName}' is mounted into ${podsOf(pod.owner)}`;
        // Only the default is filled in, and only for a pod shown to have no use for the token (see mayUseToken).
        const fix =
          mount.decidedBy === 'default' && !mayUseToken(pod, inventory)
            ? fillIn(pod.owner.object, [...pod.path, 'automountServiceAccountToken'], false)
            : undefined;
        report({
          resource: mount.resource,
          path: mount.path,
          ...(fix ? { fix: [fix] } : {}),
          message:
            mount.decidedBy === 'pod'
              ? `${mounted}: the pod spec sets automountServiceAccountToken: true`
              : `${mounted} by default: neither the pod spec nor the ServiceAccount sets automountServiceAccountToken: false`,
        });
      }
    }
    for (const { mount, owners } of byAccount.values()) {
      report({
        resource: mount.resource,
        path: mount.path,
        message: `ServiceAccount '${mount.resource.ref.name}' sets automountServiceAccountToken: true: its token is mounted into ${owners.map(podsOf).join(', ')}`,
      });
    }
  },
});

function podsOf({ ref }: Resource): string {
  return ref.kind === 'Pod' ? `Pod '${ref.name}'` : `the pods of ${ref.kind} '${ref.name}'`;
}
