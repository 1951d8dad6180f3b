import { isIP } from 'node:net';
import { defineCheck } from '../define.js';

const KEY = 'Corefile';

/**
 * Addresses a cluster normally sends DNS to: loopback, private (RFC 1918, unique-local), shared (RFC 6598, used by
 * cloud VPC resolvers) and link-local ones (169.254.169.253 is AWS's VPC resolver, 169.254.20.10 NodeLocal DNSCache).
 */
function internal(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b < 128)
    );
  }
  const v6 = address.toLowerCase();
  return v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6);
}

/** The address of a `forward`/`proxy` upstream: `8.8.8.8`, `tls://1.1.1.1`, `dns://[2001:db8::1]:53`, `10.0.0.2:5353`. */
function upstreamAddress(upstream: string): string {
  const bare = upstream.replace(/^[a-z]+:\/\//i, '');
  const bracketed = /^\[([^\]]+)\]/.exec(bare);
  if (bracketed) return bracketed[1] ?? '';
  return isIP(bare) ? bare : bare.replace(/:\d+$/, '');
}

/** Each line of the Corefile as words, comments removed, with its 1-based line number. */
function directives(corefile: string): { line: number; words: string[] }[] {
  return corefile.split(/\r?\n/).flatMap((text, index) => {
    const words = text.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    return words.length ? [{ line: index + 1, words }] : [];
  });
}

export default defineCheck({
  id: 'coredns-corefile',
  title: 'CoreDNS rewrites names or forwards outside the cluster',
  severity: 'info',
  exposes: ['MS-TA9035'],
  missing: [],
  description:
    'The CoreDNS Corefile (ConfigMap kube-system/coredns) has `rewrite` rules, or `forward`/`proxy` upstreams other than `/etc/resolv.conf` and loopback, private, shared or link-local addresses.',
  rationale:
    "Whoever edits the Corefile decides what every pod's names resolve to: a rewrite or an outside resolver can point service or external names at the attacker's addresses. Both also have legitimate uses, so each is listed for someone to confirm.",
  remediation:
    'Confirm each rule and upstream is intended and documented; forward to the node resolver (`/etc/resolv.conf`) or your own resolvers, and restrict who may edit the ConfigMap (see rbac-coredns).',
  run({ inventory, report }) {
    for (const configMap of inventory.inNamespace('ConfigMap', 'kube-system')) {
      if (configMap.ref.name !== 'coredns') continue;
      const data = configMap.object.data;
      const corefile = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[KEY] : undefined;
      // A value that is not a string is the inventory's located error already.
      if (typeof corefile !== 'string') continue;
      // The path continues into the Corefile by line number (`data.Corefile[12]`): one finding per rule, located
      // at the key, as positions inside the embedded text are not tracked.
      for (const { line, words } of directives(corefile)) {
        const [directive, ...rest] = words;
        if (directive === 'rewrite') {
          report({
            resource: configMap,
            path: ['data', KEY, line],
            message: `Corefile line ${line}: a rewrite rule (${rest.slice(0, 6).join(' ')}) changes the names pods look up`,
          });
        } else if (directive === 'forward' || directive === 'proxy') {
          const [zone, ...upstreams] = rest;
          const outside = upstreams.filter(
            (upstream) => upstream !== '{' && !upstream.startsWith('/') && !internal(upstreamAddress(upstream)),
          );
          if (!outside.length) continue;
          report({
            resource: configMap,
            path: ['data', KEY, line],
            message: `Corefile line ${line}: queries for '${zone ?? '.'}' go to resolvers outside the cluster's networks (${outside.join(', ')})`,
          });
        }
      }
    }
  },
});
