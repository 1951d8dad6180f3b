import { defineDetection } from '../define.js';
import { objectName, serviceAccountOf } from '../request.js';

export default defineDetection({
  id: 'secrets-access-denied',
  title: 'Secrets read refused',
  severity: 'medium',
  techniques: ['MS-TA9025'],
  description:
    'The API server refused (403) a user or ServiceAccount a get, list or watch of Secrets: an attempt. Medium for a list or watch, or any attempt by a ServiceAccount; low for a person reading one Secret by name.',
  rationale:
    'An attacker holding a credential tries the most valuable read first: refused attempts show someone probing for Secrets before they find an identity that may read them.',
  response:
    'Ask the person what they were doing; for a ServiceAccount, find the pod using its token and what ran there (exec events, image changes). Repeated attempts from one identity call for revoking its credential.',
  fields: ['verb', 'objectRef.resource', 'objectRef.namespace', 'objectRef.name', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'A person whose role does not include Secrets running `kubectl get secret` by habit; a misconfigured Helm or operator install whose role lacks them (it repeats until fixed: fix the role or allow-list it).',
  on: { verbs: ['get', 'list', 'watch'], resources: ['secrets'], codes: [403] },
  detect(event, ctx) {
    if (event.stage === 'RequestReceived' || event.responseStatus?.code !== 403) return;
    const user = event.user.username ?? 'unknown user';
    const account = serviceAccountOf(event.user.username);
    const namespace = event.objectRef?.namespace;
    const what =
      event.verb === 'get'
        ? `Secret ${objectName(event)}`
        : `the Secrets ${namespace ? `in namespace ${namespace}` : 'in every namespace'}`;
    ctx.alert({
      message: `${user} was refused ${event.verb === 'get' ? 'a read of' : `a ${event.verb} of`} ${what}${account ? `: service account ${account} probing for Secrets` : ''}.`,
      severity: event.verb === 'get' && !account ? 'low' : 'medium',
    });
  },
});
