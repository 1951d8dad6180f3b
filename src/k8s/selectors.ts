import { asRecord } from '../inventory/index.js';

/**
 * Whether a LabelSelector (`matchLabels` and `matchExpressions`, all ANDed) selects these labels, as the API server
 * reads one: `{}` selects everything, while an absent (null) selector selects nothing. Where Kubernetes reads an
 * absent selector field as `{}` (a NetworkPolicy's `podSelector`), the caller passes `{}`. An operator the API does
 * not know selects nothing.
 */
export function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector)) return false;
  const { matchLabels, matchExpressions } = selector as Record<string, unknown>;
  if (!matchesLabels(matchLabels, labels)) return false;
  if (!Array.isArray(matchExpressions)) return true;
  return matchExpressions.every((raw) => {
    const { key, operator, values } = asRecord(raw);
    const value = typeof key === 'string' ? labels[key] : undefined;
    const listed = Array.isArray(values) && value !== undefined && values.map(String).includes(value);
    switch (operator) {
      case 'In':
        return listed;
      case 'NotIn':
        return !listed;
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

/**
 * A plain `key: value` selector, as Services and ReplicationControllers have: every pair is among the labels.
 * YAML numbers and booleans compare as the strings they mean.
 */
export function matchesLabels(required: unknown, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(asRecord(required)).every(([key, value]) => labels[key] === String(value));
}

/**
 * Objects that select pods by label (Services, NetworkPolicies), by their selector's first `key: value` pair: the
 * candidates for a pod's labels without testing every object against every pod, which grows with their product on a
 * large input. An object whose selector has no pair may select pods of any labels: a candidate for every pod. The
 * caller still tests each candidate by the selector's own rule, so the answers are that rule's.
 */
export class SelectorIndex<T> {
  readonly #byPair = new Map<string, T[]>();
  readonly #anyLabels: T[] = [];
  readonly #place = new Map<T, number>();

  /** Adds an object with the `key: value` pairs its selector requires (a Service's selector, a `matchLabels`). */
  add(item: T, pairs: unknown): void {
    this.#place.set(item, this.#place.size);
    const [first] = Object.entries(asRecord(pairs));
    if (!first) {
      this.#anyLabels.push(item);
      return;
    }
    const key = pairKey(first[0], String(first[1]));
    const listed = this.#byPair.get(key);
    if (listed) listed.push(item);
    else this.#byPair.set(key, [item]);
  }

  /** The objects that may select pods with these labels, in the order they were added. */
  candidates(labels: Readonly<Record<string, string>>): T[] {
    const found = [...this.#anyLabels];
    for (const [key, value] of Object.entries(labels)) {
      for (const item of this.#byPair.get(pairKey(key, value)) ?? []) found.push(item);
    }
    return found.sort((a, b) => (this.#place.get(a) ?? 0) - (this.#place.get(b) ?? 0));
  }
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
