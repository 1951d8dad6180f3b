import { defineDetection } from '../define.js';
import { serviceAccountOf, succeeded } from '../request.js';

/** What each review asks, for the message. */
const ASKS: Readonly<Record<string, string>> = {
  selfsubjectaccessreviews: 'whether it may do something (kubectl auth can-i)',
  selfsubjectrulesreviews: 'everything it may do (kubectl auth can-i --list)',
  selfsubjectreviews: 'who it is (kubectl auth whoami)',
  subjectaccessreviews: 'what another subject may do',
};

export default defineDetection({
  id: 'permission-review',
  title: 'Permission discovery through access reviews',
  severity: 'low',
  techniques: ['MS-TA9029'],
  description:
    'A user asked the API server what it may do or who it is (`selfsubjectaccessreviews`, `selfsubjectrulesreviews`, `selfsubjectreviews`), or what another subject may do (`subjectaccessreviews`, reported for users outside `system:`); medium when a service account asks about itself.',
  rationale:
    "After stealing a credential, an attacker's first question is what it allows: `kubectl auth can-i --list` answers it without a single denied request. A workload has no reason to ask; a person asking about others maps who to target.",
  response:
    'For a service account, find the pod it runs in and what ran there (exec events, image); for a person, confirm the check was theirs. Unexplained reviews followed by new kinds of requests from the same user call for revoking the credential.',
  fields: ['objectRef.resource', 'objectRef.apiGroup', 'verb', 'user.username'],
  level: 'Metadata',
  benign:
    'People running `kubectl auth can-i` or `whoami`; dashboards and UIs (Kubernetes Dashboard, Lens, Argo CD, Rancher) asking what to show; webhook authorisers and aggregated API servers (`system:` service accounts, skipped for subjectaccessreviews). Allow-list the UIs.',
  baseline:
    "A service account that asks routinely (a UI's backend) will alert every time: learn which ones do over a quiet week and allow-list them; what remains is new.",
  on: { verbs: ['create'], resources: Object.keys(ASKS) },
  detect(event, ctx) {
    const resource = event.objectRef?.resource ?? '';
    const asks = ASKS[resource];
    if (!asks || !succeeded(event)) return;
    const user = event.user.username ?? '';
    if (resource === 'subjectaccessreviews' && user.startsWith('system:')) return;
    const account = serviceAccountOf(user);
    ctx.alert({
      message: `${user || 'unknown user'} asked the API server ${asks}${account ? `: service account ${account} exploring its own rights` : ''}.`,
      severity: account && resource !== 'subjectaccessreviews' ? 'medium' : 'low',
    });
  },
});
