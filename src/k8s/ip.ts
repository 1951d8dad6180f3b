/** An IPv4 or IPv6 address as a number, so that CIDR containment is a comparison. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

export interface Cidr extends IpAddress {
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  // A trailing dotted quad (`::ffff:10.0.0.1`) stands for the last two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  let v4: bigint | undefined;
  if (last?.includes('.')) {
    v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    (halves.length === 2 ? tail : head).pop();
  }
  const given = head.length + tail.length + (v4 === undefined ? 0 : 2);
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const all = [...head, ...Array<string>(8 - given).fill('0'), ...tail];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  let value = all.reduce((acc, group) => (acc << 16n) | BigInt(`0x${group}`), 0n);
  if (v4 !== undefined) value = (value << 32n) | v4;
  return value;
}

/** `169.254.169.254`, `fd00:ec2::254`; undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

/** `10.0.0.0/8`, `::/0`. The API server requires the prefix length; so does this. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= BITS[address.version] ? { ...address, prefix } : undefined;
}

/** Whether the address lies in the block; an IPv4 block never holds an IPv6 address, nor the reverse. */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.version !== address.version) return false;
  const host = BigInt(BITS[cidr.version] - cidr.prefix);
  return cidr.value >> host === address.value >> host;
}

/** Addresses looked up at most before the memo of answers starts again: audit logs repeat a few thousand sources. */
const MEMO = 65_536;

/**
 * A set of addresses and blocks (`203.0.113.7`, `198.51.100.0/24`, `2001:db8::/32`) that answers `has(address)` for
 * an address as audit events write it, IPv4-mapped IPv6 (`::ffff:203.0.113.7`) included. Answers are memoized: the
 * proxy rule asks for every event's sources.
 */
export class AddressSet {
  private readonly exact = new Set<string>();
  private readonly blocks: Cidr[] = [];
  private memo = new Map<string, boolean>();

  constructor(entries: Iterable<IpAddress | Cidr>) {
    for (const entry of entries) {
      if ('prefix' in entry && entry.prefix < BITS[entry.version]) this.blocks.push(entry);
      else this.exact.add(`${entry.version}:${entry.value}`);
    }
  }

  get size(): number {
    return this.exact.size + this.blocks.length;
  }

  has(text: string): boolean {
    if (!this.size) return false;
    let answer = this.memo.get(text);
    if (answer === undefined) {
      answer = this.lookup(text);
      if (this.memo.size >= MEMO) this.memo = new Map();
      this.memo.set(text, answer);
    }
    return answer;
  }

  private lookup(text: string): boolean {
    let address = parseIp(text);
    if (!address) return false;
    // An IPv4 client seen through a dual-stack listener.
    if (address.version === 6 && address.value >> 32n === 0xffffn) {
      address = { version: 4, value: address.value & 0xffffffffn };
    }
    const found = address;
    return this.exact.has(`${found.version}:${found.value}`) || this.blocks.some((cidr) => cidrContains(cidr, found));
  }
}
