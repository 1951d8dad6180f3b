import { formatCount } from '../../util/text.js';
import { defineDetection } from '../define.js';
import { serviceAccountOf, succeeded, timeOf } from '../request.js';
import { BurstCounter } from '../window.js';

/** What one identity lists to map who may do what; asking for its own rules (`kubectl auth can-i --list`) counts too. */
const RBAC_LISTS = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'];
const RULES_REVIEW = 'selfsubjectrulesreviews';
/** Three of the five within ten minutes: a person or script surveying RBAC, not a tool reading the one it manages. */
const THRESHOLD = 3;
const WINDOW_SECONDS = 600;
const IDENTITIES = 10_000;

export default defineDetection({
  id: 'rbac-discovery',
  title: 'RBAC and permission discovery',
  severity: 'low',
  techniques: ['MS-TA9029'],
  description: `One identity listed ${THRESHOLD} of Roles, RoleBindings, ClusterRoles, ClusterRoleBindings and its own rules (\`kubectl auth can-i --list\`) within ${WINDOW_SECONDS / 60} minutes; medium for a ServiceAccount.`,
  rationale:
    'Before moving, an attacker maps which subjects hold which rights, to find a token or a binding worth taking: listing the RBAC objects one after another is that map being drawn.',
  response:
    "Ask the person; for a ServiceAccount, find the pod using its token and what ran there. If unexplained, treat the identity's credential as stolen and check what it did after the survey.",
  fields: ['verb', 'objectRef.resource', 'objectRef.apiGroup', 'user.username', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Administrators and auditors reviewing RBAC (`kubectl get rolebindings,clusterrolebindings -A`, rbac-lookup, rakkess); operators and UIs caching RBAC objects as they start (Rancher, Lens); allow-list those tools. The control plane is allow-listed by default; watches (informers) do not count, only lists.',
  baseline: `A sliding window per identity (${THRESHOLD} distinct RBAC lists in ${WINDOW_SECONDS / 60} minutes, ${formatCount(IDENTITIES)} identities tracked at once); one alert per survey, after which counting starts again.`,
  on: { verbs: ['list', 'create'], resources: [...RBAC_LISTS, RULES_REVIEW] },
  initialState: () => new BurstCounter({ threshold: THRESHOLD, windowMs: WINDOW_SECONDS * 1000, keys: IDENTITIES }),
  detect(event, ctx) {
    const resource = event.objectRef?.resource ?? '';
    // Creating a Role is no discovery; a rules review is asked with create.
    if ((resource === RULES_REVIEW) !== (event.verb === 'create')) return;
    const user = event.user.username;
    const time = timeOf(event);
    if (!user || time === undefined || !succeeded(event)) return;
    const survey = ctx.state.add(user, resource, time);
    if (!survey) return;
    const account = serviceAccountOf(user);
    ctx.alert({
      message: `${user} surveyed who may do what: ${survey.sort().join(', ')} within ${WINDOW_SECONDS / 60} minutes${account ? `, as service account ${account}` : ''}.`,
      severity: account ? 'medium' : 'low',
    });
  },
});
