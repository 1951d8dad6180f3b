/**
 * Memory for rules that count over time. Audit streams run for months and name unbounded sets of users, so every
 * structure here has a fixed capacity and forgets the least recently seen key first.
 */

/** A map of at most `capacity` keys; reading or writing a key makes it the most recent. */
export class RecentMap<K, V> {
  readonly #entries = new Map<K, V>();
  /** The most recent key, when known: reading it again changes no order, and costs no move. */
  #newest: K | undefined;
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined && key !== this.#newest) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
      this.#newest = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#newest = key;
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  /** Least recent first; listing does not change the order. */
  keys(): MapIterator<K> {
    return this.#entries.keys();
  }

  delete(key: K): void {
    this.#entries.delete(key);
    if (key === this.#newest) this.#newest = undefined;
  }
}

export interface BurstOptions {
  /** Distinct items one key must reach within the window to make a burst. */
  readonly threshold: number;
  readonly windowMs: number;
  /** Keys (users) tracked at once. */
  readonly keys: number;
}

/**
 * Distinct items per key within a sliding time window: "one user, ten different secrets in a minute". Each key holds
 * fewer than `threshold` items, as reaching it reports the burst and starts the key afresh, so memory is at most
 * `keys × threshold` items and one burst raises one alert.
 */
export class BurstCounter {
  readonly #recent: RecentMap<string, Map<string, number>>;
  constructor(readonly options: BurstOptions) {
    this.#recent = new RecentMap(options.keys);
  }

  /** Records `item` for `key` at `time` (epoch ms); returns the burst's items when this one completes it. */
  add(key: string, item: string, time: number): string[] | undefined {
    let items = this.#recent.get(key);
    if (!items) {
      items = new Map();
      this.#recent.set(key, items);
    }
    const oldest = time - this.options.windowMs;
    for (const [seen, at] of items) if (at <= oldest) items.delete(seen);
    items.delete(item);
    items.set(item, time);
    if (items.size < this.options.threshold) return undefined;
    this.#recent.delete(key);
    return [...items.keys()];
  }
}
