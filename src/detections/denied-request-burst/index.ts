import { formatCount } from '../../util/text.js';
import { defineDetection } from '../define.js';
import { qualifiedResource } from '../pipeline.js';
import { pathOf, timeOf } from '../request.js';
import { BurstCounter } from '../window.js';

/**
 * Ten different things denied to one user within a minute. A client that lacks one permission retries the same
 * request and never gets there; someone probing a new credential asks for many.
 */
const THRESHOLD = 10;
const WINDOW_SECONDS = 60;
/** Users counted at once; the least recently denied is forgotten first. */
const USERS = 10_000;

export default defineDetection({
  id: 'denied-request-burst',
  title: 'Burst of denied requests',
  severity: 'medium',
  techniques: ['MS-TA9029'],
  description: `One user was refused (403) for ${THRESHOLD} different requests (verb and resource, or verb and path outside the resource API) within ${WINDOW_SECONDS} seconds.`,
  rationale:
    'Trying one request after another to see what a credential allows (secrets, nodes, roles, other namespaces) is how attackers and enumeration tools map their reach; each refusal is logged, and many different ones in a short time rarely come from a working client.',
  response:
    'Look at what the user tried (filter the log by user around the alert) and where from; for a service account, inspect its pod. If the user has no reason to explore, revoke the credential.',
  fields: ['responseStatus.code', 'user.username', 'verb', 'objectRef.resource', 'objectRef.apiGroup', 'requestURI'],
  level: 'Metadata',
  benign:
    'A person without rights in a namespace running `kubectl get all` or a dashboard opening many views at once; an operator deployed before its RBAC; scanners probing an API server exposed to the internet (anonymous requests all count as `system:anonymous`). Repeats of the same refused request do not count.',
  baseline: `A sliding window per user (${THRESHOLD} distinct refusals in ${WINDOW_SECONDS} s, ${formatCount(USERS)} users tracked at once, least recent forgotten first); one alert per burst, after which counting starts again.`,
  on: { codes: [403] },
  initialState: () => new BurstCounter({ threshold: THRESHOLD, windowMs: WINDOW_SECONDS * 1000, keys: USERS }),
  detect(event, ctx) {
    if (event.responseStatus?.code !== 403) return;
    const user = event.user.username;
    const time = timeOf(event);
    if (!user || time === undefined) return;
    const what = qualifiedResource(event) || pathOf(event);
    const burst = ctx.state.add(user, `${event.verb} ${what}`, time);
    if (!burst) return;
    ctx.alert({
      message: `${user} was refused ${burst.length} different requests within ${WINDOW_SECONDS} seconds (${burst.slice(0, 4).join(', ')}, …): probing for permissions.`,
    });
  },
});
