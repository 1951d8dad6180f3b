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
    // At most `window` IDs a table, so at most half its slots in use.
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(2 * window, INITIAL_CAPACITY)));
    this.#current = new IdTable(capacity);
    this.#previous = new IdTable(capacity);
  }

  get(id: string): V | undefined {
    return this.getHashed(id, 0, id.length, hashOf(id, this.seed));
  }

  set(id: string, value: V): void {
    this.setHashed(id, 0, id.length, hashOf(id, this.seed), value);
  }

  /**
   * {@link get} of the ID `text.slice(start, end)`, its hash already taken (by {@link hashOf} with this table's seed,
   * maybe on another thread). The ID is not cut out: a worker sends a range's IDs as one string, and a string per ID
   * kept here outlived young collections, each one copied twice (half the reading thread's young collecting).
   */
  getHashed(text: string, start: number, end: number, hash: number): V | undefined {
    return this.#current.get(text, start, end, hash) ?? this.#previous.get(text, start, end, hash);
  }

  /** {@link set}, as {@link getHashed} takes the ID. The table keeps `text`. */
  setHashed(text: string, start: number, end: number, hash: number, value: V): void {
    if (this.#current.set(text, start, end, hash, value) < this.window) return;
    const dropped = this.#previous;
    dropped.clear();
    this.#previous = this.#current;
    this.#current = dropped;
  }
}

const INITIAL_CAPACITY = 64;
/**
 * Past this many slots a table grows straight to the capacity its window needs: doubling all the way would allocate,
 * and rehash into, every power of two below it (as many slots again; fresh memory, each page faulted in), while a
 * small log still never allocates the whole table.
 */
const DOUBLING_CAPACITY = 8192;

/**
 * At least half its slots stay free (it grows past that), so probes are short and always end. A slot's ID is
 * `texts[slot].slice(starts[slot], ends[slot])`, compared by its text only when the hashes are equal.
 */
class IdTable<V> {
  size = 0;
  private mask = 0;
  /** 0 marks a free slot: {@link hashOf} never returns it. */
  private hashes = new Int32Array(0);
  private texts: (string | undefined)[] = [];
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private values: (V | undefined)[] = [];

  constructor(private readonly capacity: number) {
    this.allocate(INITIAL_CAPACITY);
  }

  private allocate(capacity: number): void {
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.texts = new Array<string | undefined>(capacity).fill(undefined);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
  }

  /** The slot holding the ID, or the free slot where it would go as `-1 - slot`. */
  private find(text: string, start: number, end: number, hash: number): number {
    let slot = hash & this.mask;
    for (; this.hashes[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] === hash && this.holds(slot, text, start, end)) return slot;
    }
    return -1 - slot;
  }

  private holds(slot: number, text: string, start: number, end: number): boolean {
    const from = this.starts[slot] as number;
    if ((this.ends[slot] as number) - from !== end - start) return false;
    const held = this.texts[slot] as string;
    if (held === text && from === start) return true;
    for (let index = 0; index < end - start; index++) {
      if (held.charCodeAt(from + index) !== text.charCodeAt(start + index)) return false;
    }
    return true;
  }

  get(text: string, start: number, end: number, hash: number): V | undefined {
    const slot = this.find(text, start, end, hash);
    return slot < 0 ? undefined : this.values[slot];
  }

  /** Sets the ID's value; returns how many IDs the table holds. */
  set(text: string, start: number, end: number, hash: number, value: V): number {
    let slot = this.find(text, start, end, hash);
    if (slot >= 0) {
      this.values[slot] = value;
      return this.size;
    }
    slot = -1 - slot;
    this.hashes[slot] = hash;
    this.texts[slot] = text;
    this.starts[slot] = start;
    this.ends[slot] = end;
    this.values[slot] = value;
    if (++this.size * 2 > this.hashes.length) this.grow();
    return this.size;
  }

  clear(): void {
    this.hashes.fill(0);
    this.texts.fill(undefined);
    this.values.fill(undefined);
    this.size = 0;
  }

  private grow(): void {
    const { hashes, texts, starts, ends, values } = this;
    this.allocate(hashes.length >= DOUBLING_CAPACITY ? Math.max(this.capacity, hashes.length * 2) : hashes.length * 2);
    for (let slot = 0; slot < hashes.length; slot++) {
      const hash = hashes[slot] as number;
      if (hash === 0) continue;
      let free = hash & this.mask;
      while (this.hashes[free] !== 0) free = (free + 1) & this.mask;
      this.hashes[free] = hash;
      this.texts[free] = texts[slot];
      this.starts[free] = starts[slot] as number;
      this.ends[free] = ends[slot] as number;
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
