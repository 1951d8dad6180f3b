/**
 * A strategic-merge patch applied as `kubectl patch` and kustomize apply one to the built-in kinds, for what fix
 * files patch: maps merge key by key, `null` deletes a key, lists of named things (containers, volumes, env, …)
 * merge element by element on their merge key, where an element `$patch: delete` removes its match; other lists
 * are replaced whole.
 */

/** List fields whose elements merge on a key, as the Kubernetes API's `patchMergeKey` tags declare them. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  env: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  tolerations: 'key',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

type Json = Readonly<Record<string, unknown>>;

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function strategicMerge(target: Json, patch: Json): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = strategicMerge(out[key] as Json, value);
    else if (Array.isArray(value) && Array.isArray(out[key]) && MERGE_KEYS[key]) {
      out[key] = mergeList(out[key] as unknown[], value, MERGE_KEYS[key] as string);
    } else out[key] = withoutDirectives(value);
  }
  return out;
}

function mergeList(target: readonly unknown[], patch: readonly unknown[], mergeKey: string): unknown[] {
  const out = [...target];
  for (const element of patch) {
    if (!isMap(element)) continue;
    const index = out.findIndex((existing) => isMap(existing) && existing[mergeKey] === element[mergeKey]);
    const { $patch: directive, ...rest } = element;
    if (directive === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) out[index] = strategicMerge(out[index] as Json, rest);
    else out.push(withoutDirectives(rest));
  }
  return out;
}

/** A value the patch adds whole, without the directives meant for merging (`$patch`) and without null keys. */
function withoutDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((element) => !(isMap(element) && element.$patch === 'delete')).map(withoutDirectives);
  }
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, child]) => key !== '$patch' && child !== null)
      .map(([key, child]) => [key, withoutDirectives(child)]),
  );
}
