import { defineDetection } from '../define.js';
import { applied, describeTarget, WORKLOAD_RESOURCES } from '../objects.js';

const SERVICE_ACCOUNT = 'system:serviceaccount:';

export default defineDetection({
  id: 'workload-created-by-user',
  title: 'Workload created by hand',
  severity: 'low',
  techniques: ['MS-TA9008'],
  description:
    'A person creates a pod or a workload controller (Deployment, DaemonSet, StatefulSet, ReplicaSet, ReplicationController, Job, CronJob), or a service account does so from kubectl. People are user names outside `system:`; controllers, nodes and the allow-listed identities never count, and service accounts count only with a kubectl user agent.',
  rationale:
    'Where deployments go through pipelines and GitOps controllers, workloads come from controllers and the service accounts of deployment tools. A pod started by hand (`kubectl run`, `kubectl create`) is how someone holding stolen credentials runs their own code in the cluster; a service-account token driving kubectl was taken out of the pod it was mounted in.',
  response:
    'Ask the user whether they created it and why; read its pod spec (image, command, mounts, service account) and delete it if nobody can vouch for it. For a service account, find where its token was used from (`sourceIPs`) and rotate it.',
  fields: ['user.username', 'userAgent', 'verb', 'objectRef.resource', 'responseStatus.code', 'requestURI (dryRun)'],
  level: 'Metadata',
  benign:
    'Deploying by hand, `kubectl run` and `kubectl debug node/…` sessions, and deployment tools that authenticate as a user (a CI client certificate or cloud IAM identity) rather than as a service account. Add such tools to `audit.allow.users`; service accounts of in-cluster tools (Argo CD, Flux, Jenkins agents, Spark drivers) are not reported unless they run kubectl.',
  baseline:
    'Who creates workloads by hand: nobody where every deploy goes through CI or GitOps, in which case every alert deserves a look; elsewhere this rule lists routine deploys, and only unfamiliar users or bare pods stand out.',
  on: { verbs: ['create'], resources: WORKLOAD_RESOURCES },
  detect(event, { alert }) {
    if (!applied(event)) return;
    const user = event.user.username ?? '';
    if (user.startsWith(SERVICE_ACCOUNT)) {
      if (!event.userAgent?.startsWith('kubectl/')) return;
      alert({
        severity: 'high',
        message: `${describeTarget(event)} was created with service account ${user.slice(SERVICE_ACCOUNT.length).replace(':', '/')}'s token from kubectl: the token is being used by hand, outside its pod`,
      });
      return;
    }
    if (user.startsWith('system:') || !user) return;
    // A bare pod is what `kubectl run` makes; controllers are how most deploys look.
    const bare = event.objectRef?.resource === 'pods';
    alert({
      severity: bare ? 'medium' : 'low',
      message: `${describeTarget(event)} was created by hand${bare ? ', a bare pod no controller manages' : ''}, not by a controller or deployment tool`,
    });
  },
});
