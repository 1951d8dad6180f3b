import type { ChokePoint } from '../model/paths.js';
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
  const removed = new Uint8Array(reaches.length);
  const chosen: ChokePoint[] = [];
  for (;;) {
    let best: string | undefined;
    let bestCount = 0;
    for (const [cut, n] of count) {
      if (n > bestCount || (n === bestCount && n > 0 && best !== undefined && prefer(cut, best, cuts))) {
        best = cut;
        bestCount = n;
      }
    }
    if (best === undefined || bestCount === 0) break;
    for (const item of holders.get(best) ?? []) {
      if (removed[item]) continue;
      removed[item] = 1;
      for (const cut of itemCuts[item] ?? []) count.set(cut, (count.get(cut) ?? 1) - 1);
    }
    count.delete(best);
    const cut = cuts.get(best);
    if (cut) chosen.push({ ...cut, removes: bestCount });
  }
  return chosen;
}

/**
 * Ties: a finding (it comes with a remediation) before a binding, then by label and id, so that the order is the
 * same wherever the files are (finding ids hash the file path).
 */
function prefer(a: string, b: string, cuts: ReadonlyMap<string, Cut>): boolean {
  const [first, second] = [cuts.get(a), cuts.get(b)];
  const kind = (cut: Cut | undefined) => (cut?.kind === 'finding' ? 0 : 1);
  if (kind(first) !== kind(second)) return kind(first) < kind(second);
  const label = (first?.label ?? '').localeCompare(second?.label ?? '', 'en');
  return label < 0 || (label === 0 && a < b);
}
