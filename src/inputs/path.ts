/** A field path inside an object: keys and array indexes, e.g. `['spec', 'containers', 0, 'image']`. */
export type FieldPath = readonly (string | number)[];

/** `spec.containers[0].image`; keys that are not identifiers are quoted: `metadata.annotations["a/b"]`. */
export function formatPath(path: FieldPath): string {
  // Joined, not concatenated: one flat string per path, where `+=` would leave a rope of a node per segment behind
  // every finding that keeps it.
  const parts: string[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') parts.push(`[${segment}]`);
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) parts.push(parts.length ? `.${segment}` : segment);
    else parts.push(`[${JSON.stringify(segment)}]`);
  }
  return parts.join('');
}
