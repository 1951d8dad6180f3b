import type { AdmissionRequest } from './types.js';

/**
 * What a policy can observe of its input, as a tree of the fields it reads, and the key that input has as far as
 * that tree goes: two inputs with the same key are, to the policy, the same input, so it is evaluated once for
 * both. Ten thousand Deployments made from one template differ in names and images; a policy on `privileged`
 * reads neither and sees a handful of distinct requests.
 *
 * Sound by construction: whatever is read in a way the tree cannot describe is read whole; a value whose kind
 * differs from how it is read (a list where fields are read) is keyed whole; scalars are always keyed whole; a
 * field read only for `has()` is keyed by whether it is there, null, a map or a list.
 */
export interface Access {
  /** The value is read entire: compared, passed to a function, returned. */
  whole: boolean;
  /** Fields read by name. */
  readonly fields: Map<string, Access>;
  /** Every element of a list (in order), or every entry of a map (key and value): iteration, indexing. */
  each: Access | undefined;
}

export const newAccess = (): Access => ({ whole: false, fields: new Map(), each: undefined });

export function fieldOf(access: Access, name: string): Access {
  let field = access.fields.get(name);
  if (!field) {
    field = newAccess();
    access.fields.set(name, field);
  }
  return field;
}

export function eachOf(access: Access): Access {
  access.each ??= newAccess();
  return access.each;
}

/** The key of `value` as `access` reads it: equal keys, equal inputs to whoever reads no more than `access`. */
export function keyOf(value: unknown, access: Access): string {
  if (access.whole) return `=${wholeKey(value)}`;
  if (value === undefined) return '~';
  if (value === null) return 'n';
  if (typeof value !== 'object') return scalarKey(value);
  if (Array.isArray(value)) {
    const { each } = access;
    if (each) return `[${value.map((item) => keyOf(item, each)).join(',')}]`;
    return access.fields.size ? `=${wholeKey(value)}` : 'a';
  }
  const record = value as Readonly<Record<string, unknown>>;
  // The fields come in the tree's order, the same for every key read by it: their names need not be written.
  let key = '{';
  for (const [name, field] of access.fields) key += `${keyOf(record[name], field)},`;
  if (access.each) {
    key += '*';
    for (const [name, item] of Object.entries(record)) key += `${JSON.stringify(name)}:${keyOf(item, access.each)},`;
  }
  return `${key}}`;
}

/** JSON, but for numbers JSON cannot write (NaN and the infinities, which YAML can), and undefined. */
function scalarKey(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return `#${value}`;
  return JSON.stringify(value) ?? '~';
}

function wholeKey(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === null ? 'n' : scalarKey(value);
  if (Array.isArray(value)) return `[${value.map(wholeKey).join(',')}]`;
  let key = '{';
  for (const [name, item] of Object.entries(value)) key += `${JSON.stringify(name)}:${wholeKey(item)},`;
  return `${key}}`;
}

/** Adds to `into` what `from` reads: whoever reads either reads no more than the union. */
export function mergeAccess(into: Access, from: Access): void {
  into.whole ||= from.whole;
  for (const [name, field] of from.fields) mergeAccess(fieldOf(into, name), field);
  if (from.each) mergeAccess(eachOf(into), from.each);
}

/**
 * A request as far as an engine's answer goes, given what the engine reads of `object` and `oldObject`: its kind,
 * resource, operation and namespace (which give the Namespace object and params) always; undefined for a
 * Namespace, whose own name is its namespace.
 */
export function requestKey(
  request: AdmissionRequest,
  object: Access,
  oldObject: Access,
  answering: string,
): string | undefined {
  if (request.object.kind === 'Namespace') return undefined;
  const { kind, resource } = request;
  return [
    answering,
    kind.group,
    kind.version,
    kind.kind,
    resource.group,
    resource.version,
    resource.resource,
    request.subResource,
    request.operation,
    request.namespace ?? '\u0000',
    keyOf(request.object, object),
    keyOf(request.oldObject, oldObject),
  ].join('|');
}
