import type { FieldPath } from '../inputs/path.js';
import type { FixStep } from './define.js';

/**
 * Sets the field at `path` of `object` to `value` where the object leaves it unset (absent or null), creating the
 * mappings on the way: one `add` at the first step the object lacks, holding the rest. Undefined when the field is
 * already set (a fix fills in defaults, it never overwrites) or a step on the way is not a mapping or list.
 */
export function fillIn(
  object: Readonly<Record<string, unknown>>,
  path: FieldPath,
  value: unknown,
): FixStep | undefined {
  let at: unknown = object;
  for (const [index, segment] of path.entries()) {
    if (typeof at !== 'object' || at === null) return undefined;
    const next = (at as Record<string | number, unknown>)[segment];
    if (next === undefined || next === null) {
      const rest = path.slice(index + 1).reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
      return { op: 'add', path: path.slice(0, index + 1), value: rest };
    }
    at = next;
  }
  return undefined;
}
