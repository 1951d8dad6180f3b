import { describe, expect, it } from 'vitest';
import { parseAddressList } from '../inputs/audit/address-list.js';

describe('AddressSet, from a proxy list', () => {
  const { addresses, errors } = parseAddressList(
    '# exits\n203.0.113.7\n198.51.100.0/24 # range\n2001:db8::/32\n192.0.2.1/32\n\n',
    'list.txt',
  );

  it('holds addresses and blocks of both families', () => {
    expect(errors).toEqual([]);
    expect(addresses.size).toBe(4);
    for (const listed of [
      '203.0.113.7',
      '198.51.100.0',
      '198.51.100.255',
      '2001:db8::1',
      '2001:0db8:ffff::',
      '192.0.2.1',
    ]) {
      expect(addresses.has(listed), listed).toBe(true);
    }
    for (const other of ['203.0.113.8', '198.51.101.1', '2001:db9::1', '192.0.2.2', 'not-an-ip', '']) {
      expect(addresses.has(other), other).toBe(false);
    }
  });

  it('sees an IPv4 client through an IPv4-mapped IPv6 address, and answers the same when asked again', () => {
    expect(addresses.has('::ffff:203.0.113.7')).toBe(true);
    expect(addresses.has('::ffff:198.51.100.9')).toBe(true);
    expect(addresses.has('::ffff:203.0.113.7')).toBe(true);
  });

  it('reports the lines that are neither, by line', () => {
    expect(parseAddressList('10.0.0.1\n10.0.0.0/33\n\nexample.com # a name\n', 'bad.txt').errors).toEqual([
      { source: 'bad.txt', line: 2, message: 'not an IP address or CIDR block' },
      { source: 'bad.txt', line: 4, message: 'not an IP address or CIDR block' },
    ]);
  });
});
