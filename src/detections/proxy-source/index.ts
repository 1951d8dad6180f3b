import { defineDetection } from '../define.js';
import { quoted, succeeded } from '../request.js';

export default defineDetection({
  id: 'proxy-source',
  title: 'Request from a listed proxy or Tor exit address',
  severity: 'high',
  techniques: ['MS-TA9024'],
  description:
    'A request came from an address on the proxy list the user supplies (`--proxy-list`: Tor exit nodes, anonymising proxies, VPN services), whoever made it; medium when the API server refused it.',
  rationale:
    'Attackers reach exposed API servers through anonymising proxies to hide where they are; legitimate users and automation rarely do.',
  response:
    "Check who the user is and whether that identity should ever come from such an address; if not, revoke its credentials, review what it did (filter the log by user), and restrict the API server's network exposure (authorised networks, private endpoint).",
  fields: ['sourceIPs', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    "A corporate VPN or egress proxy that happens to be on the supplied list; take its addresses out of the list. The rule says nothing when no list is given, and knows only the list's addresses.",
  everyone: true,
  // Without a list nothing is listed.
  on: { enabled: (settings) => settings.proxyAddresses.size > 0 },
  detect(event, ctx) {
    if (event.stage === 'RequestReceived') return;
    const listed = event.sourceIPs?.find((ip) => ctx.settings.proxyAddresses.has(ip));
    if (listed === undefined) return;
    const allowed = succeeded(event);
    ctx.alert({
      message: `${event.user.username ?? 'An unauthenticated client'} sent a ${event.verb} from listed proxy address ${quoted(listed)}${allowed ? '' : ', refused'}.`,
      severity: allowed ? 'high' : 'medium',
    });
  },
});
