import { AddressSet, parseCidr, parseIp } from '../../k8s/ip.js';
import type { ScanError } from '../../model/report.js';

/**
 * A list of addresses as `--proxy-list FILE` takes it: one IP address or CIDR block per line (`203.0.113.7`,
 * `198.51.100.0/24`, `2001:db8::/32`), `#` starting a comment, blank lines ignored, as published Tor exit and proxy
 * lists are. Lines that are neither are errors, by line.
 */
export function parseAddressList(text: string, source: string): { addresses: AddressSet; errors: ScanError[] } {
  const entries = [];
  const errors: ScanError[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const hash = raw.indexOf('#');
    const entry = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (!entry) continue;
    const parsed = entry.includes('/') ? parseCidr(entry) : parseIp(entry);
    if (parsed) entries.push(parsed);
    else errors.push({ source, line: index + 1, message: 'not an IP address or CIDR block' });
  }
  return { addresses: new AddressSet(entries), errors };
}
