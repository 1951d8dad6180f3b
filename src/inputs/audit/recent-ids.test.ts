import { describe, expect, it } from 'vitest';
import { Deduplicator } from './dedup.js';
import { hashOf, RecentIds } from './recent-ids.js';

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

  it('keeps every ID of its window when its tables grow straight to their full size', () => {
    // 25,000 IDs, a window of 10,000: the tables pass 8,192 slots, and the older generation is dropped twice.
    const ids = new RecentIds<number>(10_000);
    const id = (index: number) => `id-${index}`;
    for (let index = 0; index < 25_000; index++) ids.set(id(index), index);
    const kept = Array.from({ length: 25_000 }, (_, index) => ids.get(id(index)) === index);
    expect(kept.indexOf(true)).toBe(10_000);
    expect(kept.slice(10_000).every(Boolean)).toBe(true);
  });

  it('sets an ID it was asked for and did not hold where it belongs, whatever took its slot meanwhile', () => {
    const ids = new RecentIds<string>(16);
    // One hash for all: every ID wants the same slot.
    expect(ids.getHashed('a', 0, 1, 7)).toBeUndefined();
    ids.setHashed('b', 0, 1, 7, 'B');
    ids.setHashed('a', 0, 1, 7, 'A');
    expect(ids.getHashed('c', 0, 1, 7)).toBeUndefined();
    ids.setHashed('c', 0, 1, 7, 'C');
    expect(['a', 'b', 'c'].map((id) => ids.getHashed(id, 0, 1, 7))).toEqual(['A', 'B', 'C']);
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

describe('seeded hashes', () => {
  it('differ from seed to seed, so that nobody can choose IDs that share a slot', () => {
    const ids = ['a', 'b', '00000000-7c1e-4d2a-9f3b-1'];
    expect(ids.map((id) => hashOf(id, 1))).not.toEqual(ids.map((id) => hashOf(id, 2)));
    expect(new RecentIds(4).seed).not.toBe(new RecentIds(4).seed);
  });

  it('never takes two IDs for one because their hashes are equal', () => {
    const dedup = new Deduplicator(16);
    // As a worker would send them: the same hash for two IDs (a collision), and the ID's text.
    expect(dedup.copyHashed('first', 0, 5, 7, 4)).toBe(false);
    expect(dedup.copyHashed('second', 0, 6, 7, 4)).toBe(false);
    expect(dedup.copyHashed('first', 0, 5, 7, 4)).toBe(true);
    expect(dedup.copyHashed('second', 0, 6, 7, 4)).toBe(true);
    // IDs given as ranges of a longer text (a worker's IDs of a range, one after another), equal hashes again: the
    // same text elsewhere is the same ID; a different one, or a prefix of it, is not.
    const range = 'abcdeabcdfxxabcdeabc';
    expect(dedup.copyHashed(range, 0, 5, 9, 4)).toBe(false);
    expect(dedup.copyHashed(range, 5, 10, 9, 4)).toBe(false);
    expect(dedup.copyHashed(range, 17, 20, 9, 4)).toBe(false);
    expect(dedup.copyHashed(range, 12, 17, 9, 4)).toBe(true);
    expect(dedup.copyHashed('abcdf', 0, 5, 9, 4)).toBe(true);
    expect(dedup.copyHashed('abcd', 0, 4, 9, 4)).toBe(false);
    // Stages of one ID are told apart.
    expect(dedup.copyHashed('third', 0, 5, hashOf('third', dedup.seed), 1)).toBe(false);
    expect(dedup.copyHashed('third', 0, 5, hashOf('third', dedup.seed), 2)).toBe(false);
    expect(dedup.copyHashed('third', 0, 5, hashOf('third', dedup.seed), 1)).toBe(true);
  });
});
