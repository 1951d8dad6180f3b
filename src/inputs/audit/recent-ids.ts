/**
 * A value per audit ID, for the last `window` to `2 × window` IDs set: two generations, the older dropped whole when
 * the newer fills. Every event of a log is looked up here (de-duplication, alert-once), so this is a hash table of
 * our own: open addressing over 32-bit hashes in a typed array, where a `Map` keyed by the ID strings compared keys
 * scattered over the heap, a cache miss each, and cost a tenth of the pipeline's time.
 */
export class RecentIds<V> {
  #current: IdTable<V>;
  #previous: IdTable<V>;

  constructor(readonly window: number) {
    this.#current = new IdTable();
    this.#previous = new IdTable();
  }

  get(id: string): V | undefined {
    const hash = hashOf(id);
    return this.#current.get(id, hash) ?? this.#previous.get(id, hash);
  }

  set(id: string, value: V): void {
    if (this.#current.set(id, hashOf(id), value) < this.window) return;
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

/** FNV-1a over the UTF-16 code units, never 0. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  return hash === 0 ? 1 : hash;
}
