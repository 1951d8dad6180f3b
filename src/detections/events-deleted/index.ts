import { defineDetection } from '../define.js';
import { objectName, succeeded } from '../request.js';

export default defineDetection({
  id: 'events-deleted',
  title: 'Kubernetes events deleted',
  severity: 'medium',
  techniques: ['MS-TA9022'],
  description:
    'A user deleted Kubernetes events (`events` in the core group or `events.k8s.io`), one at a time or all of a namespace at once (`deletecollection`, high).',
  rationale:
    'Events record what happened to pods and nodes (scheduling, pulls, kills, probes); deleting them erases the short trail an attacker leaves in the cluster itself, and nobody needs to, as the API server expires them on its own.',
  response:
    'Ask the user why; compare with the audit log, which keeps what the events no longer show (creations, execs around that time), and keep `events` delete rights for the control plane only.',
  fields: ['verb', 'objectRef.resource', 'objectRef.apiGroup', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Namespace deletion (the namespace controller, allow-listed) and occasional cleanup scripts clearing noisy events; allow-list those scripts.',
  on: { verbs: ['delete', 'deletecollection'], resources: ['events'] },
  detect(event, ctx) {
    if (!succeeded(event)) return;
    const user = event.user.username ?? 'unknown user';
    const namespace = event.objectRef?.namespace;
    ctx.alert(
      event.verb === 'deletecollection'
        ? { message: `${user} deleted all events${namespace ? ` in namespace ${namespace}` : ''}.`, severity: 'high' }
        : { message: `${user} deleted event ${objectName(event)}.` },
    );
  },
});
