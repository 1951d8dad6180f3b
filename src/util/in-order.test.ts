import { describe, expect, it } from 'vitest';
import { eachInOrder } from './in-order.js';

describe('eachInOrder', () => {
  it('calls each item at once, in order, and returns no promise while no call asks to wait', () => {
    const seen: number[] = [];
    expect(eachInOrder([1, 2, 3], (item) => void seen.push(item))).toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops at a call that asks to wait and goes on with the next item once it settles', async () => {
    const seen: string[] = [];
    let release = () => {};
    const waiting = eachInOrder(['a', 'b', 'c'], (item) => {
      seen.push(item);
      if (item === 'a') return new Promise<void>((resolve) => (release = resolve));
    });
    expect(waiting).toBeInstanceOf(Promise);
    expect(seen).toEqual(['a']);
    release();
    await waiting;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('nests: the outer list waits for the inner one, each item once', async () => {
    const seen: number[] = [];
    const waiting = eachInOrder(
      [
        [1, 2],
        [3, 4],
      ],
      (batch) =>
        eachInOrder(batch, (item) => {
          seen.push(item);
          return item % 2 ? Promise.resolve() : undefined;
        }),
    );
    await waiting;
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
