/** Code-point order: the same on every machine whatever its locale, and far cheaper than localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `*` matches any run of characters, everything else itself. */
export function globMatch(pattern: string, text: string): boolean {
  const regex = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${regex.join('.*')}$`).test(text);
}

/** Whether an id is chosen by `only` patterns (every id when there are none) and not by a `skip` pattern. */
export function selectedBy(id: string, only: readonly string[] = [], skip: readonly string[] = []): boolean {
  const matches = (pattern: string) => globMatch(pattern, id);
  return (!only.length || only.some(matches)) && !skip.some(matches);
}
