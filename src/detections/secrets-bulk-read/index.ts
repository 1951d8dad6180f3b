import { formatCount } from '../../util/text.js';
import { defineDetection } from '../define.js';
import { objectName, succeeded, timeOf } from '../request.js';
import { BurstCounter } from '../window.js';

/** Ten different Secrets read by one user within a minute: a script going through them, not an app reading its own. */
const THRESHOLD = 10;
const WINDOW_SECONDS = 60;
/** Users counted at once; the least recently seen is forgotten first. */
const USERS = 10_000;

export default defineDetection({
  id: 'secrets-bulk-read',
  title: 'Many Secrets read one by one',
  severity: 'medium',
  techniques: ['MS-TA9025'],
  description: `One user read ${THRESHOLD} different Secrets with \`get\` within ${WINDOW_SECONDS} seconds: a list taken piece by piece, by someone who may read Secrets by name but not list them, or who avoids list alerts.`,
  rationale:
    'Reading Secrets one after another collects the same credentials a list would; attackers guess or enumerate names (service-account tokens, `default-token-…`, Helm releases) to do it.',
  response:
    'Filter the log by user around the alert to see which Secrets were read; if not expected, rotate them and narrow the role.',
  fields: ['verb', 'objectRef.resource', 'objectRef.namespace', 'objectRef.name', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Secret-syncing operators and backup tools reading many Secrets by name, and a person inspecting several while debugging; allow-list the tools. The kubelet and controllers are allow-listed by default.',
  baseline: `A sliding window per user (${THRESHOLD} distinct Secrets in ${WINDOW_SECONDS} s, ${formatCount(USERS)} users tracked at once, least recent forgotten first); one alert per burst, after which counting starts again.`,
  on: { verbs: ['get'], resources: ['secrets'] },
  initialState: () => new BurstCounter({ threshold: THRESHOLD, windowMs: WINDOW_SECONDS * 1000, keys: USERS }),
  detect(event, ctx) {
    const user = event.user.username;
    const time = timeOf(event);
    if (!user || time === undefined || !succeeded(event)) return;
    const burst = ctx.state.add(user, objectName(event), time);
    if (!burst) return;
    const namespaces = [...new Set(burst.map((name) => name.slice(0, name.indexOf('/'))))];
    ctx.alert({
      message: `${user} read ${burst.length} different Secrets within ${WINDOW_SECONDS} seconds, in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}.`,
    });
  },
});
