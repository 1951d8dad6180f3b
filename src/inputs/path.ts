/** A field path inside an object: keys and array indexes, e.g. `['spec', 'containers', 0, 'image']`. */
export type FieldPath = readonly (string | number)[];

/** `spec.containers[0].image`; keys that are not identifiers are quoted: `metadata.annotations["a/b"]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
