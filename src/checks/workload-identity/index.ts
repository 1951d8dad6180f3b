import type { PodSpecView } from '../../inventory/index.js';
import { tokenMount } from '../../inventory/pods.js';
import { evidenceAt } from '../../k8s/evidence.js';
import { workloadName } from '../../k8s/network-isolation.js';
import { formatSubject, listSome } from '../../rbac/format.js';
import { accountField } from '../account-power.js';
import { defineCheck } from '../define.js';

interface Provider {
  readonly annotation: string;
  readonly identity: string;
  /**
   * Whether pods need the account's token mounted to get the cloud credentials: EKS and Azure exchange a projected
   * token their webhook mounts; GKE's metadata server hands them out to any pod of the account.
   */
  readonly token: boolean;
  /** A pod label the provider's webhook also requires before it injects anything. */
  readonly podLabel?: readonly [string, string];
}

const PROVIDERS: readonly Provider[] = [
  { annotation: 'eks.amazonaws.com/role-arn', identity: 'AWS IAM role', token: true },
  { annotation: 'iam.gke.io/gcp-service-account', identity: 'Google Cloud service account', token: false },
  {
    annotation: 'azure.workload.identity/client-id',
    identity: 'Azure managed identity',
    token: true,
    podLabel: ['azure.workload.identity/use', 'true'],
  },
];

function key(namespace: string | null, name: string): string {
  return `${namespace ?? ''}\u0000${name}`;
}

/** Whether the pod gets the provider's credentials for its account. */
function receives(provider: Provider, pod: PodSpecView, mounted: () => boolean): boolean {
  if (provider.podLabel && pod.podLabels[provider.podLabel[0]] !== provider.podLabel[1]) return false;
  return !provider.token || mounted();
}

export default defineCheck({
  id: 'workload-identity',
  title: 'Workloads hold a cloud identity',
  severity: 'medium',
  exposes: ['MS-TA9020'],
  missing: [],
  description:
    'A ServiceAccount is annotated for a cloud workload identity (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`) and workloads in the input run as it and get its credentials: with the token mounted on EKS and Azure (whose pods must also be labelled `azure.workload.identity/use: "true"`), any pod of the account on GKE. One finding per ServiceAccount, at the annotation, with the workloads as evidence; an annotated account no workload in the input uses is not reported.',
  rationale:
    'Workload identity is better than node credentials or keys in Secrets, but it still turns a compromise of any of these pods into access to the cloud account, with whatever the cloud role allows: storage buckets, databases, secrets managers, sometimes the cluster itself. What the role may do is set in the cloud, out of sight of the manifests.',
  remediation:
    "Grant the cloud role only what these workloads need, and check its trust policy is bound to this namespace and account; run only the workloads that need it as this ServiceAccount, and set `automountServiceAccountToken: false` on the others' pods.",
  run({ inventory, report }) {
    const byAccount = new Map<string, PodSpecView[]>();
    for (const pod of inventory.podSpecs) {
      const account = key(pod.owner.ref.namespace, pod.serviceAccountName);
      const list = byAccount.get(account);
      if (list) list.push(pod);
      else byAccount.set(account, [pod]);
    }
    for (const account of inventory.ofKind('ServiceAccount')) {
      const providers = PROVIDERS.filter((provider) => account.annotations[provider.annotation]);
      const [first] = providers;
      if (!first) continue;
      const pods = (byAccount.get(key(account.ref.namespace, account.ref.name)) ?? []).filter((pod) => {
        // Several definitions of the account (overlays): a pod's is the nearest one.
        if (inventory.find('ServiceAccount', account.ref.namespace, account.ref.name, pod.owner) !== account)
          return false;
        const mounted = () => tokenMount(pod, inventory).mounted;
        return providers.some((provider) => receives(provider, pod, mounted));
      });
      if (!pods.length) continue;
      report({
        resource: account,
        path: ['metadata', 'annotations', first.annotation],
        message: `${formatSubject({ kind: 'ServiceAccount', namespace: account.ref.namespace, name: account.ref.name })} is the ${providers
          .map((provider) => `${provider.identity} ${account.annotations[provider.annotation]}`)
          .join(
            ' and ',
          )}: ${listSome(pods.map(workloadName))} get its cloud credentials, and so does whoever compromises them`,
        evidence: pods.map((pod) =>
          evidenceAt('workload', pod.owner, accountField(pod), `${workloadName(pod)} runs as it`),
        ),
      });
    }
  },
});
