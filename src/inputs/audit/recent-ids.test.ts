import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('keeps a value per ID, replacing it when set again', () => {
    const ids = new RecentIds<number>(16);
    ids.set('a', 1);
    ids.set('b', 2);
    ids.set('a', 3);
    expect([ids.get('a'), ids.get('b'), ids.get('c')]).toEqual([3, 2, undefined]);
  });

  it('tells apart thousands of IDs that share slots of its table', () => {
    const ids = new RecentIds<number>(4096);
    const id = (index: number) => `${index.toString(16).padStart(8, '0')}-7c1e-4d2a-9f3b-${index}`;
    for (let index = 0; index < 4000; index++) ids.set(id(index), index);
    for (let index = 0; index < 4000; index++) expect(ids.get(id(index))).toBe(index);
    expect(ids.get(id(4000))).toBeUndefined();
  });

  it('remembers the last window to twice the window of IDs, and forgets older ones', () => {
    const ids = new RecentIds<string>(2);
    for (const id of ['a', 'b', 'c']) ids.set(id, id);
    // The first generation (a, b) filled and is now the older one; c started the newer.
    expect([ids.get('a'), ids.get('b'), ids.get('c')]).toEqual(['a', 'b', 'c']);
    ids.set('d', 'd');
    expect([ids.get('a'), ids.get('b'), ids.get('c'), ids.get('d')]).toEqual([undefined, undefined, 'c', 'd']);
    // A value set again lands in the newer generation: it outlives the older one it was read from.
    ids.set('c', 'C');
    ids.set('e', 'e');
    expect([ids.get('c'), ids.get('e')]).toEqual(['C', 'e']);
  });
});
