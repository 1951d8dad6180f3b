/**
 * Calls `each` on the items in order, synchronously until a call returns a promise (a consumer that asks to wait, such
 * as a slow output): the rest follow once it settles, and only then is there a promise to wait on. Audit events and
 * their alerts go through here one by one, where an `await` per item would cost a turn of the microtask queue each.
 */
export function eachInOrder<T>(
  items: readonly T[],
  each: (item: T) => void | Promise<void>,
  from = 0,
): Promise<void> | undefined {
  for (let index = from; index < items.length; index++) {
    const waiting = each(items[index] as T);
    if (waiting) return waiting.then(() => eachInOrder(items, each, index + 1));
  }
  return undefined;
}
