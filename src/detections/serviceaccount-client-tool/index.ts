import { defineDetection } from '../define.js';
import { pathOf, quoted, serviceAccountOf } from '../request.js';
import { RecentMap } from '../window.js';

/**
 * User agents of people's tools rather than of workloads: kubectl and oc, HTTP command-line clients, Python's plain
 * HTTP libraries, API explorers and browsers (PowerShell's web cmdlets send a Mozilla agent). Client-go programs send
 * their own binary's name, and the official client libraries their generator's.
 */
const TOOL =
  /^(kubectl|oc|curl|wget|python-requests|python-urllib3?|python-httpx|httpie|postmanruntime|insomnia|mozilla)(?:\.exe)?\//i;
/** (account, tool, address) triples remembered, so that one session of kubectl raises one alert, not one per call. */
const SEEN = 10_000;

export default defineDetection({
  id: 'serviceaccount-client-tool',
  title: "Service-account token used by a person's tool",
  severity: 'medium',
  techniques: ['MS-TA9016'],
  description:
    "A service account's requests came from kubectl, curl, wget, a Python HTTP library, an API explorer or a browser, rather than from its workload's own client; one alert per account, tool and source address.",
  rationale:
    "A token taken from a pod (or a Secret) is typically tried with kubectl or curl, from inside the compromised container or from the attacker's machine; workloads call the API with their own client and user agent.",
  response:
    'Look at the source address: a pod address points to a shell in that pod (check exec events), anything else to a token used outside the cluster. If nobody runs that tool with this account, delete and recreate the service account to void its tokens.',
  fields: ['user.username', 'userAgent', 'sourceIPs'],
  level: 'Metadata',
  benign:
    'Jobs and CronJobs that run kubectl or curl with their own account (bitnami/kubectl images, Helm hooks, CI runners in the cluster); allow-list those accounts.',
  baseline:
    'Which service accounts legitimately run kubectl or curl: learn them over a quiet period and allow-list them. Repeats are remembered for 10,000 (account, tool, address) triples, least recent forgotten first.',
  on: { users: { names: ['system:serviceaccount:*'] } },
  initialState: () => new RecentMap<string, true>(SEEN),
  detect(event, ctx) {
    const account = serviceAccountOf(event.user.username);
    if (!account || event.stage === 'RequestReceived') return;
    const tool = TOOL.exec(event.userAgent ?? '')?.[1]?.toLowerCase();
    if (!tool) return;
    const source = event.sourceIPs?.[0] ?? 'unknown address';
    const key = `${account}\0${tool}\0${source}`;
    if (ctx.state.get(key)) return;
    ctx.state.set(key, true);
    ctx.alert({
      message: `Service account ${account}'s token was used by ${quoted(tool)} from ${source} (${event.verb} ${quoted(pathOf(event), 60)}).`,
    });
  },
});
