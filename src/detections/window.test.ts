import { describe, expect, it } from 'vitest';
import { BurstCounter, RecentMap } from './window.js';

describe('RecentMap', () => {
  it('forgets the least recently used key beyond its capacity', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.size).toBe(2);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
  });

  it('keeps the order exact when the newest key is read again, deleted or set anew', () => {
    const map = new RecentMap<string, number>(3);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('c')).toBe(3);
    expect(map.get('a')).toBe(1);
    expect(map.get('a')).toBe(1);
    expect([...map.keys()]).toEqual(['b', 'c', 'a']);
    map.delete('a');
    expect(map.get('b')).toBe(2);
    expect([...map.keys()]).toEqual(['c', 'b']);
    map.set('a', 4);
    map.set('d', 5);
    map.set('e', 6);
    expect([...map.keys()]).toEqual(['a', 'd', 'e']);
  });
});

describe('BurstCounter', () => {
  const second = 1000;

  it('reports the burst once, when the threshold-th distinct item arrives within the window', () => {
    const counter = new BurstCounter({ threshold: 3, windowMs: 60 * second, keys: 10 });
    expect(counter.add('alice', 'a', 0)).toBeUndefined();
    expect(counter.add('alice', 'a', 1 * second)).toBeUndefined();
    expect(counter.add('alice', 'b', 2 * second)).toBeUndefined();
    expect(counter.add('alice', 'c', 3 * second)).toEqual(['a', 'b', 'c']);
    // The next burst starts afresh.
    expect(counter.add('alice', 'd', 4 * second)).toBeUndefined();
  });

  it('lets items older than the window go', () => {
    const counter = new BurstCounter({ threshold: 3, windowMs: 60 * second, keys: 10 });
    counter.add('alice', 'a', 0);
    counter.add('alice', 'b', 30 * second);
    expect(counter.add('alice', 'c', 61 * second)).toBeUndefined();
    expect(counter.add('alice', 'd', 62 * second)).toEqual(['b', 'c', 'd']);
  });

  it('counts each key apart and tracks a bounded number of keys', () => {
    const counter = new BurstCounter({ threshold: 2, windowMs: 60 * second, keys: 2 });
    counter.add('alice', 'a', 0);
    counter.add('bob', 'a', 0);
    counter.add('carol', 'a', 0); // alice is forgotten
    expect(counter.add('alice', 'b', 1)).toBeUndefined();
    expect(counter.add('carol', 'b', 1)).toEqual(['a', 'b']);
  });
});
