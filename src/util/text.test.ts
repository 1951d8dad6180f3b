import { describe, expect, it } from 'vitest';
import { formatCount } from './text.js';

describe('formatCount', () => {
  it("writes integers as toLocaleString('en') does, on every machine", () => {
    for (const count of [
      0, 7, 999, 1000, 10_000, 123_456, 1_234_567, 200_000, 33_554_432, 12_345_678_901, -1, -1000, -1_234_567,
    ]) {
      expect(formatCount(count)).toBe(count.toLocaleString('en'));
    }
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });
});
