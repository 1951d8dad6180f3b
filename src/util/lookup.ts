/**
 * A table looked up by names that come from the input (kinds, resources): it has no prototype, so that a manifest of
 * `kind: constructor` or `kind: __proto__` reads as any unknown name instead of reaching Object.prototype's members.
 */
export function nameTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
