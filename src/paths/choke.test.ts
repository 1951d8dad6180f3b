import { describe, expect, it } from 'vitest';
import { seeded } from '../../test/support/random.mjs';
import type { ChokePoint } from '../model/paths.js';
import { chokePoints } from './choke.js';
import type { Cut } from './graph.js';
import type { Reach } from './search.js';

/** Greedy set cover as written plainly: every round looks at every cut. What `chokePoints` must pick, in order. */
function plainGreedy(reaches: readonly Reach[], cuts: ReadonlyMap<string, Cut>): ChokePoint[] {
  const standing = new Set(reaches.keys());
  const chosen: ChokePoint[] = [];
  const left = new Set(reaches.flatMap((reach) => reach.cuts));
  for (;;) {
    let best: string | undefined;
    let bestCount = 0;
    for (const cut of left) {
      const n = [...standing].filter((item) => reaches[item]?.cuts.includes(cut)).length;
      if (n > bestCount || (n === bestCount && n > 0 && best !== undefined && before(cut, best, cuts))) {
        best = cut;
        bestCount = n;
      }
    }
    if (best === undefined || bestCount === 0) return chosen;
    for (const item of [...standing]) if (reaches[item]?.cuts.includes(best)) standing.delete(item);
    left.delete(best);
    const cut = cuts.get(best);
    if (cut) chosen.push({ ...cut, removes: bestCount });
  }
}

function before(a: string, b: string, cuts: ReadonlyMap<string, Cut>): boolean {
  const [first, second] = [cuts.get(a), cuts.get(b)];
  const kind = (cut: Cut | undefined) => (cut?.kind === 'finding' ? 0 : 1);
  if (kind(first) !== kind(second)) return kind(first) < kind(second);
  const [x, y] = [first?.label ?? '', second?.label ?? ''];
  return x < y || (x === y && a < b);
}

describe('chokePoints', () => {
  it('picks what a plain greedy pass over every cut picks, ties and all, in the same order', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = seeded(seed);
      const count = 1 + Math.floor(next() * 12);
      const ids = Array.from(
        { length: count },
        (_, index) => `cut-${String.fromCharCode(97 + ((index * 7) % 26))}${index}`,
      );
      // Few labels, both kinds, accents and case (the collation decides), a cut without an entry: many ties.
      const labels = ['a', 'B', 'é', 'e', 'Z'];
      const cuts = new Map<string, Cut>(
        ids
          .filter(() => next() < 0.95)
          .map((id) => [
            id,
            {
              kind: next() < 0.5 ? 'finding' : 'binding',
              id,
              label: labels[Math.floor(next() * labels.length)] as string,
            },
          ]),
      );
      const reaches: Reach[] = Array.from({ length: Math.floor(next() * 30) }, () => ({
        cuts: ids.filter(() => next() < 0.3),
      }));
      expect(chokePoints(reaches, cuts), `seed ${seed}`).toEqual(plainGreedy(reaches, cuts));
    }
  });

  it('picks nothing from nothing', () => {
    expect(chokePoints([], new Map())).toEqual([]);
    expect(chokePoints([{ cuts: [] }], new Map())).toEqual([]);
  });
});
