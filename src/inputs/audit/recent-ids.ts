/**
 * A value per audit ID, for the last `window` to `2 × window` IDs set: two generations, the older dropped whole when
 * the newer fills. Every event of a log is looked up here (de-duplication, alert-once), so this is a hash table of
 * our own: open addressing over 32-bit hashes in a typed array, where a `Map` keyed by the ID strings compared keys
 * scattered over the heap, a cache miss each, and cost a tenth of the pipeline's time.
 *
 * Audit IDs come from the client's `Audit-ID` header, so anyone may choose them: the hash is seeded per table (a
 * random seed unless given), so that nobody can line IDs up in one chain of slots, and IDs are always compared by
 * their text, so that two IDs sharing a hash are never taken for one.
 */
export class RecentIds<V> {
  #current: IdTable<V>;
  #previous: IdTable<V>;

  constructor(
    readonly window: number,
    readonly seed: number = randomSeed(),
  ) {
    this.#current = new IdTable();
    this.#previous = new IdTable();
  }

  get(id: string): V | undefined {
    return this.getHashed(id, hashOf(id, this.seed));
  }

  set(id: string, value: V): void {
    this.setHashed(id, hashOf(id, this.seed), value);
  }

  /** {@link get} with the ID's hash already taken (by {@link hashOf} with this table's seed, maybe on another thread). */
  getHashed(id: string, hash: number): V | undefined {
    return this.#current.get(id, hash) ?? this.#previous.get(id, hash);
  }

  setHashed(id: string, hash: number, value: V): void {
    if (this.#current.set(id, hash, value) < this.window) return;
    const dropped = this.#previous;
    dropped.clear();
    this.#previous = this.#current;
    this.#current = dropped;
  }
}

/** At least half its slots stay free (it doubles past that), so probes are short and always end. */
class IdTable<V> {
  size = 0;
  private mask = 0;
  /** 0 marks a free slot: {@link hashOf} never returns it. */
  private hashes = new Int32Array(0);
  private ids: (string | undefined)[] = [];
  private values: (V | undefined)[] = [];

  constructor() {
    this.allocate(64);
  }

  private allocate(capacity: number): void {
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
  }

  get(id: string, hash: number): V | undefined {
    for (let slot = hash & this.mask; this.hashes[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] === hash && this.ids[slot] === id) return this.values[slot];
    }
    return undefined;
  }

  /** Sets the ID's value; returns how many IDs the table holds. */
  set(id: string, hash: number, value: V): number {
    let slot = hash & this.mask;
    for (; this.hashes[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] === hash && this.ids[slot] === id) {
        this.values[slot] = value;
        return this.size;
      }
    }
    this.hashes[slot] = hash;
    this.ids[slot] = id;
    this.values[slot] = value;
    if (++this.size * 2 > this.hashes.length) this.grow();
    return this.size;
  }

  clear(): void {
    this.hashes.fill(0);
    this.ids.fill(undefined);
    this.values.fill(undefined);
    this.size = 0;
  }

  private grow(): void {
    const { hashes, ids, values } = this;
    this.allocate(hashes.length * 2);
    for (let slot = 0; slot < hashes.length; slot++) {
      const hash = hashes[slot] as number;
      if (hash === 0) continue;
      let free = hash & this.mask;
      while (this.hashes[free] !== 0) free = (free + 1) & this.mask;
      this.hashes[free] = hash;
      this.ids[free] = ids[slot];
      this.values[free] = values[slot];
    }
  }
}

/** A seed for {@link hashOf}: random per run, so that the hashes of IDs a client chose are not known in advance. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Int32Array(1))[0] as number;
}

/** FNV-1a over the UTF-16 code units from a seeded basis, never 0. */
export function hashOf(id: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  return hash === 0 ? 1 : hash;
}
