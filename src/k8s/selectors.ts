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
