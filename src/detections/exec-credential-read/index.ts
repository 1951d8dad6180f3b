import type { TechniqueId } from '../../matrix/types.js';
import { defineDetection } from '../define.js';
import { EXEC_RESOURCES, EXEC_VERBS, execRequest } from '../exec.js';
import { objectName, quoted } from '../request.js';

interface CredentialPath {
  /** Lower-case text a command names the file by. */
  readonly path: string;
  readonly what: string;
  readonly technique: TechniqueId;
}

/**
 * Files that hold credentials inside a container: the Kubernetes ServiceAccount token (mounted or projected, also the
 * cloud-identity tokens projected for IRSA, EKS Pod Identity, Azure and GCP workload identity), and the cloud CLIs'
 * and SDKs' credential files a workload may carry. Matched as text, so `cat`, `base64`, `cp` and `tar` all count.
 */
const PATHS: readonly CredentialPath[] = [
  { path: '/var/run/secrets/kubernetes.io/serviceaccount', what: 'the ServiceAccount token', technique: 'MS-TA9016' },
  { path: '/run/secrets/kubernetes.io/serviceaccount', what: 'the ServiceAccount token', technique: 'MS-TA9016' },
  { path: '/var/run/secrets/tokens/', what: 'a projected ServiceAccount token', technique: 'MS-TA9016' },
  { path: '/var/run/secrets/eks.amazonaws.com/', what: 'the IRSA web-identity token', technique: 'MS-TA9026' },
  { path: '/var/run/secrets/pods.eks.amazonaws.com/', what: 'the EKS Pod Identity token', technique: 'MS-TA9026' },
  { path: '/var/run/secrets/azure/tokens/', what: 'the Azure workload-identity token', technique: 'MS-TA9026' },
  { path: '.aws/credentials', what: 'AWS credentials', technique: 'MS-TA9026' },
  { path: 'application_default_credentials.json', what: 'Google application credentials', technique: 'MS-TA9026' },
  { path: '.config/gcloud/', what: 'gcloud credentials', technique: 'MS-TA9026' },
  { path: '.azure/', what: 'Azure CLI credentials', technique: 'MS-TA9026' },
  { path: '/etc/kubernetes/azure.json', what: "the node's Azure service principal", technique: 'MS-TA9026' },
  { path: 'google_application_credentials', what: 'Google application credentials', technique: 'MS-TA9026' },
];

export default defineDetection({
  id: 'exec-credential-read',
  title: 'Exec command reading credential files',
  severity: 'high',
  techniques: ['MS-TA9016', 'MS-TA9026'],
  description:
    "An exec command names a file that holds credentials: the pod's ServiceAccount token (mounted or projected), the cloud workload-identity tokens projected into it (IRSA, EKS Pod Identity, Azure), or cloud CLI and SDK credential files (`.aws/credentials`, gcloud, Azure CLI, `azure.json`).",
  rationale:
    'A token read out of a pod works from anywhere: with the ServiceAccount token the attacker acts as the workload against the API server, with a cloud credential against the cloud account, long after the exec ends.',
  response:
    'Find out who ran it and why; if unexplained, assume the credential leaked: for a ServiceAccount token delete the pod (bound tokens die with it) or rotate the Secret, for cloud credentials revoke and rotate them and review the cloud audit trail; then review who may exec into that namespace.',
  fields: ['objectRef.subresource', 'requestURI (command)', 'requestObject.command', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Someone debugging workload identity or API access from inside a pod (`cat` of the token to decode its claims); rare, and worth a question each time.',
  on: { verbs: EXEC_VERBS, resources: EXEC_RESOURCES },
  detect(event, ctx) {
    const exec = execRequest(event);
    if (!exec?.command.length) return;
    const text = exec.command.join(' ').toLowerCase();
    const found = PATHS.filter(({ path }) => text.includes(path));
    const [first] = found;
    if (!first) return;
    const user = event.user.username ?? 'unknown user';
    const techniques = [...new Set(found.map(({ technique }) => technique))].sort();
    ctx.alert({
      message: `${user} ran a command in pod ${objectName(event)} that reads ${first.what} (${quoted(first.path)}).`,
      techniques,
    });
  },
});
