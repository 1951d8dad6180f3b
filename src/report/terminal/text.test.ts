import { describe, expect, it } from 'vitest';
import { printable, printableCopy, printed } from './text.js';

/** Every character a terminal might act on, by code point. */
const controls = [
  ...Array.from({ length: 0x20 }, (_, code) => code),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i), // DEL and the C1 controls
  0x061c,
  0x200e,
  0x200f,
  0x2028,
  0x2029,
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069],
];

describe('printable', () => {
  it('leaves ordinary text alone, non-ASCII letters and emoji included', () => {
    for (const text of ['web-frontend', 'registry.example.com/app:1.2@sha256:ab', 'Ünïcödé 名前 🚀', 'a\\x1b']) {
      expect(printable(text)).toBe(text);
    }
  });

  it('turns ANSI, OSC 8 and C1 sequences into visible escapes', () => {
    expect(printable('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(printable('\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007')).toBe(
      '\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07',
    );
    expect(printable('\u009b2J')).toBe('\\u009b2J');
    expect(printable('ok\rFAKE\bX\u007f')).toBe('ok\\rFAKE\\x08X\\x7f');
    expect(printable('a\nb\tc\u0000')).toBe('a\\nb\\tc\\x00');
  });

  it('escapes bidi overrides and isolates, which reorder what a reviewer reads', () => {
    expect(printable('admin\u202egnp.exe')).toBe('admin\\u202egnp.exe');
    expect(printable('\u2066x\u2069')).toBe('\\u2066x\\u2069');
  });

  it.each(controls.map((code) => code.toString(16).padStart(4, '0')))('escapes U+%s', (hex) => {
    const code = Number.parseInt(hex, 16);
    const out = printable(`a${String.fromCharCode(code)}b`);
    expect(out).not.toBe(`a${String.fromCharCode(code)}b`);
    expect(out).toMatch(/^a\\[xunrt][0-9a-f]*b$/);
  });

  it('is idempotent, so layers that each escape never double it', () => {
    const hostile = '\u001b[2J\r\u009b\u202e\n';
    expect(printable(printable(hostile))).toBe(printable(hostile));
  });
});

describe('printableCopy', () => {
  it('escapes every string at any depth and leaves the original untouched', () => {
    const original = { name: 'a\u001b', list: ['\r', { deep: '\u202e' }], count: 3, none: null, flag: true };
    const copy = printableCopy(original);
    expect(copy).toEqual({ name: 'a\\x1b', list: ['\\r', { deep: '\\u202e' }], count: 3, none: null, flag: true });
    expect(original.name).toBe('a\u001b');
  });

  it('copies only what changes: clean parts are the originals, so a large clean report is not held twice', () => {
    const clean = { name: 'web', list: ['a', { deep: 'b' }] };
    const original = { clean, dirty: { list: ['ok', { deep: '\u202e' }] } };
    const copy = printableCopy(original);
    expect(printableCopy(clean)).toBe(clean);
    expect(copy.clean).toBe(clean);
    expect(copy).not.toBe(original);
    expect(copy.dirty.list[1]).toEqual({ deep: '\\u202e' });
    expect(original.dirty.list[1]).toEqual({ deep: '\u202e' });
  });
});

describe('printed', () => {
  it('escapes interpolated values only', () => {
    const name = 'x\u001b[2J';
    expect(printed`  ${name}\t(${3})`).toBe('  x\\x1b[2J\t(3)');
  });
});
