import type { ChokePoint } from '../model/paths.js';
import { compareText } from '../util/text.js';
import type { Cut } from './graph.js';
import type { Reach } from './search.js';

/**
 * The fix-first list: greedy set cover over the entry point → target pairs. Each round picks the finding or binding
 * whose fix removes the most pairs still standing (a pair falls when every one of its shortest paths has a step that
 * loses every way of being made), until no fix removes any. Greedy is within a logarithmic factor of the smallest cover, and it ranks fixes by
 * what each adds to the ones before it, which is the order to apply them in.
 */
export function chokePoints(reaches: readonly Reach[], cuts: ReadonlyMap<string, Cut>): ChokePoint[] {
  const holders = new Map<string, number[]>();
  const itemCuts: (readonly string[])[] = reaches.map((reach, item) => {
    const own = reach.cuts;
    for (const cut of own) {
      const list = holders.get(cut);
      if (list) list.push(item);
      else holders.set(cut, [item]);
    }
    return own;
  });
  const count = new Map([...holders].map(([cut, items]) => [cut, items.length]));
  // Ties go to the preferred cut: each one's place in that order, worked out once.
  const rank = new Map([...count.keys()].sort((a, b) => compareCuts(a, b, cuts)).map((cut, index) => [cut, index]));
  // Greedy without looking at every cut each round (cuts × rounds on a large input): a cut's count only falls, so
  // the first one off the top whose count is still its own is the one a scan of all would pick; one whose count
  // fell since it was put there goes back with its new count.
  const top = new Heap<Candidate>((a, b) => b.n - a.n || (rank.get(a.cut) ?? 0) - (rank.get(b.cut) ?? 0));
  for (const [cut, n] of count) top.push({ cut, n });
  const removed = new Uint8Array(reaches.length);
  const chosen: ChokePoint[] = [];
  for (let next = top.pop(); next; next = top.pop()) {
    const n = count.get(next.cut) ?? 0;
    if (n === 0) continue;
    if (n !== next.n) {
      top.push({ cut: next.cut, n });
      continue;
    }
    for (const item of holders.get(next.cut) ?? []) {
      if (removed[item]) continue;
      removed[item] = 1;
      for (const cut of itemCuts[item] ?? []) count.set(cut, (count.get(cut) ?? 1) - 1);
    }
    count.delete(next.cut);
    const cut = cuts.get(next.cut);
    if (cut) chosen.push({ ...cut, removes: n });
  }
  return chosen;
}

interface Candidate {
  readonly cut: string;
  /** The pairs it removed when it was put on the heap. */
  readonly n: number;
}

/**
 * Ties: a finding (it comes with a remediation) before a binding, then by label and id, so that the order is the
 * same wherever the files are (finding ids hash the file path). Code-point order, not a collator: creating one loads
 * ICU's data, a tenth of a small scan's time.
 */
function compareCuts(a: string, b: string, cuts: ReadonlyMap<string, Cut>): number {
  const [first, second] = [cuts.get(a), cuts.get(b)];
  const kind = (cut: Cut | undefined) => (cut?.kind === 'finding' ? 0 : 1);
  return kind(first) - kind(second) || compareText(first?.label ?? '', second?.label ?? '') || compareText(a, b);
}

/** A binary heap: `before(a, b) < 0` puts `a` nearer the top. */
class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => number) {}

  push(item: T): void {
    const { items } = this;
    let index = items.push(item) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.before(items[index] as T, items[parent] as T) >= 0) break;
      [items[index], items[parent]] = [items[parent] as T, items[index] as T];
      index = parent;
    }
  }

  pop(): T | undefined {
    const { items } = this;
    const first = items[0];
    const last = items.pop();
    if (!items.length || last === undefined) return first;
    items[0] = last;
    for (let index = 0; ; ) {
      const left = 2 * index + 1;
      const right = left + 1;
      let least = index;
      if (left < items.length && this.before(items[left] as T, items[least] as T) < 0) least = left;
      if (right < items.length && this.before(items[right] as T, items[least] as T) < 0) least = right;
      if (least === index) return first;
      [items[index], items[least]] = [items[least] as T, items[index] as T];
      index = least;
    }
  }
}
