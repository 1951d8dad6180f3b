import { formatCount } from '../../util/text.js';
import { defineDetection } from '../define.js';
import { serviceAccountOf } from '../request.js';
import { RecentMap } from '../window.js';

/** Service accounts remembered, and networks remembered per account; the least recently seen go first. */
const ACCOUNTS = 10_000;
const NETWORKS_PER_ACCOUNT = 8;

/**
 * The network an address belongs to, coarse enough that pods restarting or scaling stay in it: IPv4 /16, IPv6 /48
 * (IPv4-mapped IPv6 as IPv4).
 */
export function networkOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.0.0/16`;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) while (groups.length < 3) groups.push('0');
  return `${groups
    .slice(0, 3)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}

/** Private, shared, loopback and link-local ranges: addresses a pod, a node or a cluster's network would use. */
export function isPrivate(ip: string): boolean {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/i.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b < 128) ||
      (a === 169 && b === 254)
    );
  }
  const lower = ip.toLowerCase();
  return lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

export default defineDetection({
  id: 'serviceaccount-new-source',
  title: 'Service-account token used from a new network',
  severity: 'medium',
  techniques: ['MS-TA9016'],
  description:
    'A service account made a request from a network (IPv4 /16, IPv6 /48) it had not used before in this log; high when the new address is public.',
  rationale:
    "A workload's requests come from its pods' addresses, which stay within the cluster's pod network however often pods move; the same token arriving from elsewhere has usually been copied out of its pod.",
  response:
    'Check where the address belongs (a node, a VPN, the internet); if the account should not be used from there, review what it did from that address and delete and recreate the service account to void its tokens.',
  fields: ['user.username', 'sourceIPs'],
  level: 'Metadata',
  benign:
    'Pods moving to nodes in another subnet or a new node pool, host-network pods calling from node addresses, and accounts used on purpose from outside (CI systems, external dashboards): each new network alerts once; allow-list accounts used from outside by design.',
  baseline: `Needs the account's normal networks: the first request of each account in the log sets them, so a log that starts after a token was stolen learns the attacker's network as normal. Up to ${NETWORKS_PER_ACCOUNT} networks for ${formatCount(ACCOUNTS)} accounts are remembered, least recent forgotten first; run it over continuous logs (the webhook backend) rather than short excerpts.`,
  on: { users: { names: ['system:serviceaccount:*'] } },
  initialState: () => new RecentMap<string, RecentMap<string, true>>(ACCOUNTS),
  detect(event, ctx) {
    const account = serviceAccountOf(event.user.username);
    const ips = event.sourceIPs;
    if (!account || !ips?.length || event.stage === 'RequestReceived') return;
    let known = ctx.state.get(account);
    const first = known === undefined;
    if (!known) {
      known = new RecentMap<string, true>(NETWORKS_PER_ACCOUNT);
      ctx.state.set(account, known);
    }
    let ip: string | undefined;
    let before: string[] = [];
    for (const address of ips) {
      const network = networkOf(address);
      if (known.get(network)) continue;
      if (ip === undefined) {
        ip = address;
        before = [...known.keys()];
      }
      known.set(network, true);
    }
    if (first || ip === undefined) return;
    const outside = !isPrivate(ip);
    ctx.alert({
      message: `Service account ${account} was used from ${ip}${outside ? ', a public address,' : ''} outside the networks it used before (${before.slice(-3).join(', ')}).`,
      severity: outside ? 'high' : 'medium',
    });
  },
});
