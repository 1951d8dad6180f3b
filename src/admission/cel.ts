import { createRequire } from 'node:module';
import type * as BufCel from '@bufbuild/cel';
import type { CelEnv, CelFunc, CelList, CelMap, CelValue } from '@bufbuild/cel';
import type * as BufCelExt from '@bufbuild/cel/ext';
import { type Cidr, cidrContains, type IpAddress, parseCidr, parseIp } from '../k8s/ip.js';
import { type Access, eachOf, fieldOf, newAccess } from './access.js';

/**
 * CEL as Kubernetes admission evaluates it (ValidatingAdmissionPolicy, Gatekeeper's K8sNativeValidation, Kyverno's
 * `validate.cel` and ValidatingPolicy), on `@bufbuild/cel` 0.6.1 plus the Kubernetes libraries policies use: lists,
 * regex, quantity, IP/CIDR, URL, and optionals (`a.?b.orValue(c)`), which the library evaluates but cannot parse.
 * Anything else an expression calls makes it `unsupported`: its answer is unknown, never false or true.
 *
 * Per-evaluation cost: converting each new input object once (memoized per object), then walking the planned
 * expression; regexes, the plan and the list of functions are built once per expression text.
 */

// @bufbuild/cel and the protobuf runtime under it are 130 modules and a descriptor pool: a scan whose input holds no
// CEL must not pay for them. Required (its CommonJS build), not imported, so that compiling stays synchronous.
const require = createRequire(import.meta.url);
let library: typeof BufCel | undefined;
const cel = (): typeof BufCel => {
  library ??= require('@bufbuild/cel') as typeof BufCel;
  return library;
};

export type CelOutcome =
  | { readonly ok: true; readonly value: unknown }
  /** `unsupported`: the expression needs something this evaluator lacks, so its answer is unknown, not false. */
  | { readonly ok: false; readonly error: string; readonly unsupported: boolean };

export interface CelProgram {
  readonly expression: string;
  /**
   * The variables it reads (`object`, `authorizer`, …) and their fields read by name (`variables.allContainers`,
   * `request.userInfo`): a caller gives them or knows it cannot.
   */
  readonly reads: ReadonlySet<string>;
  evaluate(variables: Readonly<Record<string, unknown>>): CelOutcome;
  /** The same, with the value as CEL holds it, to bind it into another expression (a policy's `variables`). */
  evaluateCel(variables: Readonly<Record<string, unknown>>): CelOutcome;
}

/** Why an expression does not compile; `unsupported` when valid CEL uses what this evaluator lacks. */
export interface CelCompileError {
  readonly error: string;
  readonly unsupported: boolean;
}

/**
 * Function calls one evaluation may make (well under a second of work), like the API server's cost limit: a
 * pathological expression ends in an error instead of hanging the scan. Loops that call nothing are bounded by
 * {@link CEL_MAX_NESTING} instead.
 */
export const CEL_CALL_BUDGET = 100_000;

/** Comprehensions (`all`, `exists`, `map`, …) nested deeper than this are not evaluated: their cost is unbounded. */
export const CEL_MAX_NESTING = 4;

const COST_EXCEEDED = 'evaluation cost budget exceeded';

/**
 * Errors that say more about this evaluator than about the object: our own budget, and type mismatches, which the
 * API server's type checker (it knows each field's schema) would have reported when the policy was created.
 */
const UNSUPPORTED_REGEX = 'regular expression not supported by this evaluator';
const UNSUPPORTED_ERROR = new RegExp(`^${COST_EXCEEDED}$|no (such|matching) overload|^${UNSUPPORTED_REGEX}`);

// ---------------------------------------------------------------------------------------------------------------
// Values the Kubernetes libraries add: optionals, quantities, IPs, CIDRs and URLs. The evaluator accepts only its
// own value kinds, so each is a map holding its canonical value (equal values compare equal), tagged by identity.

type Tagged =
  | { readonly kind: 'optional'; readonly value: CelValue | undefined }
  | { readonly kind: 'quantity'; readonly nanos: bigint }
  | { readonly kind: 'ip'; readonly ip: IpAddress; readonly text: string }
  | { readonly kind: 'cidr'; readonly cidr: Cidr; readonly text: string }
  | { readonly kind: 'url'; readonly url: URL };

/** Where a tagged map keeps its tag: a property of its own, faster to set and read than a WeakMap entry. */
const TAG = Symbol('kubematrix.cel.tag');
type TaggedMap = CelMap & { [TAG]?: Tagged };

function tagged(tag: Tagged, canonical: CelValue | undefined): CelMap {
  const map: TaggedMap = cel().celMap(new Map(canonical === undefined ? [] : [[`#${tag.kind}`, canonical]]));
  map[TAG] = tag;
  return map;
}

function tagIn(value: unknown): Tagged | undefined {
  return typeof value === 'object' && value !== null ? (value as TaggedMap)[TAG] : undefined;
}

function tagOf<K extends Tagged['kind']>(value: unknown, kind: K): Extract<Tagged, { kind: K }> {
  const tag = tagIn(value);
  if (tag?.kind !== kind) throw new Error(`no such overload: expected ${kind}`);
  return tag as Extract<Tagged, { kind: K }>;
}

/** `optional.none()`: one value, as nothing can change it. */
let noneValue: CelMap | undefined;
const NONE = (): CelMap => {
  noneValue ??= tagged({ kind: 'optional', value: undefined }, undefined);
  return noneValue;
};
const some = (value: CelValue): CelMap => tagged({ kind: 'optional', value }, value);

function isZero(value: CelValue): boolean {
  if (value === null || value === false || value === '' || value === 0 || value === 0n) return true;
  if (cel().isCelList(value) || cel().isCelMap(value)) return value.size === 0;
  return value instanceof Uint8Array && value.length === 0;
}

/** `x.?field`: the field of a map as an optional; on an optional, the field of its value. */
function selectOptional(target: CelValue, field: string): CelMap {
  let value: unknown = target;
  const tag = tagIn(target);
  if (tag?.kind === 'optional') {
    if (tag.value === undefined) return NONE();
    value = tag.value;
  }
  if (!cel().isCelMap(value)) throw new Error(`no such overload: optional field selection on a non-map`);
  const found = value.get(field);
  return found === undefined ? NONE() : some(found);
}

/** `x[i]` after an optional selection: the element or entry as an optional, none where it is missing. */
function indexOptional(target: CelValue, index: CelValue): CelMap {
  const tag = tagIn(target);
  const value = tag?.kind === 'optional' ? tag.value : target;
  if (value === undefined) return NONE();
  if (cel().isCelList(value)) {
    const position = typeof index === 'bigint' ? Number(index) : Number.NaN;
    const found = Number.isInteger(position) ? value.get(position) : undefined;
    return found === undefined ? NONE() : some(found);
  }
  if (!cel().isCelMap(value)) throw new Error('no such overload: optional index on a non-container');
  const found =
    typeof index === 'string' || typeof index === 'bigint' || typeof index === 'boolean' ? value.get(index) : undefined;
  return found === undefined ? NONE() : some(found);
}

// ---------------------------------------------------------------------------------------------------------------
// Quantities: `resource.Quantity` as a count of nano-units, exact for every suffix Kubernetes accepts.

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO = 1_000_000_000n;

function parseQuantity(text: string): bigint | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, number = '', exponent, suffix] = match;
  const negative = number.startsWith('-');
  const [whole = '', fraction = ''] = number.replace(/^[+-]/, '').split('.');
  // digits × 10^(scale) nano-units; scale counts the fraction's digits and the suffix's power of ten.
  let digits = BigInt(`${whole}${fraction}` || '0');
  let scale = 9 - fraction.length;
  if (exponent) scale += Number(exponent.slice(1));
  else if (suffix && suffix in DECIMAL) scale += DECIMAL[suffix] ?? 0;
  if (suffix && suffix in BINARY) digits *= 1024n ** (BINARY[suffix] ?? 0n);
  if (Math.abs(scale) > 60) return undefined;
  let nanos: bigint;
  if (scale >= 0) nanos = digits * 10n ** BigInt(scale);
  else {
    const divisor = 10n ** BigInt(-scale);
    // Below a nano-unit Kubernetes rounds away from zero.
    nanos = digits / divisor + (digits % divisor === 0n ? 0n : 1n);
  }
  return negative ? -nanos : nanos;
}

const quantity = (nanos: bigint): CelMap => tagged({ kind: 'quantity', nanos }, nanos);
const nanosOf = (value: unknown): bigint => (typeof value === 'bigint' ? value * NANO : tagOf(value, 'quantity').nanos);

// ---------------------------------------------------------------------------------------------------------------
// Lists, compared with CEL's own equality and ordering.

let comparisons:
  | { readonly equals: ReturnType<typeof BufCel.plan>; readonly less: ReturnType<typeof BufCel.plan> }
  | undefined;
const compare = () => {
  const { celEnv, parse, plan } = cel();
  comparisons ??= { equals: plan(celEnv(), parse('a == b')), less: plan(celEnv(), parse('a < b')) };
  return comparisons;
};

function celEquals(a: CelValue, b: CelValue): boolean {
  return compare().equals({ a, b } as never) === true;
}

function celLess(a: CelValue, b: CelValue): boolean {
  const result = compare().less({ a, b } as never);
  if (typeof result !== 'boolean') throw new Error('no such overload: elements are not comparable');
  return result;
}

function extreme(list: CelList, pick: (a: CelValue, b: CelValue) => boolean, name: string): CelValue {
  let best: CelValue | undefined;
  for (const item of list) if (best === undefined || pick(item, best)) best = item;
  if (best === undefined) throw new Error(`${name} called on an empty list`);
  return best;
}

function indexIn(list: CelList, value: CelValue, last: boolean): bigint {
  const items = [...list];
  const order = last ? items.map((_, i) => items.length - 1 - i) : items.map((_, i) => i);
  for (const i of order) if (celEquals(items[i] as CelValue, value)) return BigInt(i);
  return -1n;
}

// ---------------------------------------------------------------------------------------------------------------
// Regex `find`/`findAll`: RE2 syntax is, for what policies write, JavaScript's; a leading `(?i)`-style flag group
// becomes a flag. Compiled once per pattern.

const REGEXES = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let compiled = REGEXES.get(pattern);
  if (!compiled) {
    const flags = /^\(\?([ims]+)\)/.exec(pattern);
    try {
      compiled = new RegExp(flags ? pattern.slice(flags[0].length) : pattern, `gu${flags?.[1] ?? ''}`);
    } catch {
      // RE2 syntax JavaScript lacks (`\z`, `(?P<name>…)`): unknown here, not an error of the policy.
      throw new Error(`${UNSUPPORTED_REGEX}: ${pattern}`);
    }
    // Patterns built from object fields could be endless: keep the cache bounded.
    if (REGEXES.size >= 1024) REGEXES.clear();
    REGEXES.set(pattern, compiled);
  }
  compiled.lastIndex = 0;
  return compiled;
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  if (limit === 0n) return [];
  const found: string[] = [];
  for (const match of text.matchAll(regex(pattern))) {
    found.push(match[0]);
    if (limit > 0n && BigInt(found.length) >= limit) break;
  }
  return found;
}

/** Whether `read` takes `text` without an error: the `isIP`/`isURL` form of a reader that throws. */
function reads(read: (text: string) => unknown, text: string): boolean {
  try {
    read(text);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses and CIDRs, as Kubernetes' `ip`/`cidr` library reads them: no zones, no IPv4-mapped IPv6 forms.

function ipOf(text: string): CelMap {
  const ip = text.includes('%') || /^::ffff:.*\./i.test(text) ? undefined : parseIp(text);
  if (!ip) throw new Error(`IP Address '${text}' parse error`);
  return tagged({ kind: 'ip', ip, text }, text);
}

function cidrOf(text: string): CelMap {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`network address parse error during conversion from string: ${text}`);
  return tagged({ kind: 'cidr', cidr, text }, text);
}

const BITS = { 4: 32, 6: 128 } as const;
const inRange = (ip: IpAddress, block: string) => {
  const cidr = parseCidr(block);
  return cidr !== undefined && cidrContains(cidr, ip);
};

/** The canonical text of an address (RFC 5952 for IPv6: lower case, the longest run of zero groups as `::`). */
function formatIp({ version, value }: IpAddress): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => (value >> shift) & 255n).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; i += 1) {
    let end = i;
    while (end < 8 && groups[end] === '0') end += 1;
    if (end - i > best.length) best = { start: i, length: end - i };
    i = Math.max(i, end);
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

function maskedText(cidr: Cidr): string {
  const host = BigInt(BITS[cidr.version] - cidr.prefix);
  return `${formatIp({ version: cidr.version, value: (cidr.value >> host) << host })}/${cidr.prefix}`;
}

// ---------------------------------------------------------------------------------------------------------------
// URLs: absolute URLs and absolute paths, as Go's url.ParseRequestURI accepts them.

function urlOf(text: string): CelMap {
  let url: URL;
  try {
    url = new URL(text, text.startsWith('/') ? 'http://relative.invalid' : undefined);
  } catch {
    throw new Error(`URL parse error during conversion from string: ${text}`);
  }
  return tagged({ kind: 'url', url }, text);
}

const relative = (url: URL) => url.host === 'relative.invalid';

// ---------------------------------------------------------------------------------------------------------------

/** The Kubernetes libraries, as functions of the evaluator. */
function kubernetesLibrary(): CelFunc[] {
  const { CelScalar, celFunc, celMap, celMethod, listType, mapType } = cel();
  const { BOOL, DYN, INT, STRING, DOUBLE } = CelScalar;
  const LIST = listType(DYN);
  /** The type the evaluator gives tagged values: methods on it do not shadow the standard ones. */
  const TAGGED = mapType(DYN, DYN);
  return [
    // Optionals.
    celMethod('_opt_select', DYN, [STRING], DYN, function (field) {
      return selectOptional(this, field);
    }),
    celMethod('_opt_index', DYN, [DYN], DYN, function (index) {
      return indexOptional(this, index);
    }),
    celFunc('optional.of', [DYN], DYN, (value) => some(value)),
    // `x in [...]` over many string literals, as compile plans it: no other value equals a string (and the map
    // would compare an int with each of its keys).
    celFunc(
      IN_STRINGS,
      [DYN, TAGGED],
      BOOL,
      (value, strings) => typeof value === 'string' && (strings as CelMap).has(value),
    ),
    celFunc('optional.ofNonZeroValue', [DYN], DYN, (value) => (isZero(value) ? NONE() : some(value))),
    celFunc('optional.none', [], DYN, () => NONE()),
    celMethod('orValue', TAGGED, [DYN], DYN, function (fallback) {
      return tagOf(this, 'optional').value ?? fallback;
    }),
    celMethod('hasValue', TAGGED, [], BOOL, function () {
      return tagOf(this, 'optional').value !== undefined;
    }),
    celMethod('value', TAGGED, [], DYN, function () {
      const { value } = tagOf(this, 'optional');
      if (value === undefined) throw new Error('optional.none() dereference');
      return value;
    }),
    celMethod('or', TAGGED, [DYN], DYN, function (other) {
      if (tagOf(this, 'optional').value !== undefined) return this;
      tagOf(other, 'optional');
      return other;
    }),
    // Lists.
    celMethod('isSorted', LIST, [], BOOL, function () {
      const items = [...this];
      return items.every((item, i) => i === 0 || !celLess(item, items[i - 1] as CelValue));
    }),
    celMethod('sum', LIST, [], DYN, function () {
      let total: CelValue = 0n;
      for (const item of this) {
        if (typeof item === 'bigint' && typeof total === 'bigint') total += item;
        else if (typeof item === 'number' && (typeof total === 'number' || total === 0n)) total = Number(total) + item;
        else throw new Error('no such overload: sum of mixed or non-numeric elements');
      }
      return total;
    }),
    celMethod('min', LIST, [], DYN, function () {
      return extreme(this, celLess, 'min');
    }),
    celMethod('max', LIST, [], DYN, function () {
      return extreme(this, (a, b) => celLess(b, a), 'max');
    }),
    celMethod('indexOf', LIST, [DYN], INT, function (value) {
      return indexIn(this, value, false);
    }),
    celMethod('lastIndexOf', LIST, [DYN], INT, function (value) {
      return indexIn(this, value, true);
    }),
    // Regex.
    celMethod('find', STRING, [STRING], STRING, function (pattern) {
      return findAll(this, pattern, 1n)[0] ?? '';
    }),
    celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
      return findAll(this, pattern, -1n);
    }),
    celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, limit) {
      return findAll(this, pattern, limit);
    }),
    // Quantity.
    celFunc('isQuantity', [STRING], BOOL, (text) => parseQuantity(text) !== undefined),
    celFunc('quantity', [STRING], DYN, (text) => {
      const nanos = parseQuantity(text);
      if (nanos === undefined) throw new Error(`quantities must match the regular expression: ${text}`);
      return quantity(nanos);
    }),
    celMethod('isInteger', TAGGED, [], BOOL, function () {
      return tagOf(this, 'quantity').nanos % NANO === 0n;
    }),
    celMethod('asInteger', TAGGED, [], INT, function () {
      const { nanos } = tagOf(this, 'quantity');
      if (nanos % NANO !== 0n || nanos / NANO > 2n ** 63n - 1n || nanos / NANO < -(2n ** 63n))
        throw new Error('cannot convert value to integer');
      return nanos / NANO;
    }),
    celMethod('asApproximateFloat', TAGGED, [], DOUBLE, function () {
      return Number(tagOf(this, 'quantity').nanos) / 1e9;
    }),
    celMethod('sign', TAGGED, [], INT, function () {
      const { nanos } = tagOf(this, 'quantity');
      return nanos > 0n ? 1n : nanos < 0n ? -1n : 0n;
    }),
    celMethod('add', TAGGED, [DYN], DYN, function (other) {
      return quantity(tagOf(this, 'quantity').nanos + nanosOf(other));
    }),
    celMethod('sub', TAGGED, [DYN], DYN, function (other) {
      return quantity(tagOf(this, 'quantity').nanos - nanosOf(other));
    }),
    celMethod('compareTo', TAGGED, [DYN], INT, function (other) {
      const difference = tagOf(this, 'quantity').nanos - nanosOf(other);
      return difference > 0n ? 1n : difference < 0n ? -1n : 0n;
    }),
    celMethod('isGreaterThan', TAGGED, [DYN], BOOL, function (other) {
      return tagOf(this, 'quantity').nanos > nanosOf(other);
    }),
    celMethod('isLessThan', TAGGED, [DYN], BOOL, function (other) {
      return tagOf(this, 'quantity').nanos < nanosOf(other);
    }),
    // IP and CIDR.
    celFunc('isIP', [STRING], BOOL, (text) => reads(ipOf, text)),
    celFunc('ip', [STRING], DYN, ipOf),
    celFunc('ip.isCanonical', [STRING], BOOL, (text) => text === formatIp(tagOf(ipOf(text), 'ip').ip)),
    celMethod('family', TAGGED, [], INT, function () {
      const tag = tagIn(this);
      if (tag?.kind === 'ip') return BigInt(tag.ip.version);
      return BigInt(tagOf(this, 'cidr').cidr.version);
    }),
    celMethod('isUnspecified', TAGGED, [], BOOL, function () {
      return tagOf(this, 'ip').ip.value === 0n;
    }),
    celMethod('isLoopback', TAGGED, [], BOOL, function () {
      const { ip } = tagOf(this, 'ip');
      return ip.version === 4 ? inRange(ip, '127.0.0.0/8') : ip.value === 1n;
    }),
    celMethod('isLinkLocalMulticast', TAGGED, [], BOOL, function () {
      const { ip } = tagOf(this, 'ip');
      return inRange(ip, ip.version === 4 ? '224.0.0.0/24' : 'ff02::/16');
    }),
    celMethod('isLinkLocalUnicast', TAGGED, [], BOOL, function () {
      const { ip } = tagOf(this, 'ip');
      return inRange(ip, ip.version === 4 ? '169.254.0.0/16' : 'fe80::/10');
    }),
    celMethod('isGlobalUnicast', TAGGED, [], BOOL, function () {
      const { ip } = tagOf(this, 'ip');
      const special =
        ip.version === 4
          ? ['0.0.0.0/32', '255.255.255.255/32', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4']
          : ['::/128', '::1/128', 'fe80::/10', 'ff00::/8'];
      return !special.some((block) => inRange(ip, block));
    }),
    celFunc('isCIDR', [STRING], BOOL, (text) => parseCidr(text) !== undefined),
    celFunc('cidr', [STRING], DYN, cidrOf),
    celMethod('containsIP', TAGGED, [DYN], BOOL, function (address) {
      const ip = typeof address === 'string' ? tagOf(ipOf(address), 'ip').ip : tagOf(address, 'ip').ip;
      return cidrContains(tagOf(this, 'cidr').cidr, ip);
    }),
    celMethod('containsCIDR', TAGGED, [DYN], BOOL, function (other) {
      const inner = typeof other === 'string' ? tagOf(cidrOf(other), 'cidr').cidr : tagOf(other, 'cidr').cidr;
      const outer = tagOf(this, 'cidr').cidr;
      return inner.prefix >= outer.prefix && cidrContains(outer, inner);
    }),
    celMethod('prefixLength', TAGGED, [], INT, function () {
      return BigInt(tagOf(this, 'cidr').cidr.prefix);
    }),
    celMethod('ip', TAGGED, [], DYN, function () {
      return ipOf(tagOf(this, 'cidr').text.split('/')[0] ?? '');
    }),
    celMethod('masked', TAGGED, [], DYN, function () {
      return cidrOf(maskedText(tagOf(this, 'cidr').cidr));
    }),
    // URL.
    celFunc('isURL', [STRING], BOOL, (text) => reads(urlOf, text)),
    celFunc('url', [STRING], DYN, urlOf),
    celMethod('getScheme', TAGGED, [], STRING, function () {
      const { url } = tagOf(this, 'url');
      return relative(url) ? '' : url.protocol.replace(/:$/, '');
    }),
    celMethod('getHost', TAGGED, [], STRING, function () {
      const { url } = tagOf(this, 'url');
      return relative(url) ? '' : url.host;
    }),
    celMethod('getHostname', TAGGED, [], STRING, function () {
      const { url } = tagOf(this, 'url');
      return relative(url) ? '' : url.hostname.replace(/^\[(.*)\]$/, '$1');
    }),
    celMethod('getPort', TAGGED, [], STRING, function () {
      return tagOf(this, 'url').url.port;
    }),
    celMethod('getEscapedPath', TAGGED, [], STRING, function () {
      return tagOf(this, 'url').url.pathname;
    }),
    celMethod('getQuery', TAGGED, [], DYN, function () {
      const query = new Map<string, string[]>();
      for (const [key, value] of tagOf(this, 'url').url.searchParams)
        query.set(key, [...(query.get(key) ?? []), value]);
      return celMap(query);
    }),
    // `string(ip)`, `string(cidr)`.
    celFunc('string', [TAGGED], STRING, (value) => {
      const tag = tagIn(value);
      if (tag?.kind === 'ip' || tag?.kind === 'cidr') return tag.text;
      if (tag?.kind === 'url') return tag.url.href;
      throw new Error('no such overload: string');
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The environment: the library's functions, its strings extension, Kubernetes' libraries, each call counted.

const budget = { used: 0, depth: 0 };

function countingEnv(base: CelEnv): CelEnv {
  const funcs = base.funcs;
  const groups = new Map<string, ReturnType<typeof funcs.find>>();
  const counted = {
    [Symbol.iterator]: () => funcs[Symbol.iterator](),
    find(name: string) {
      if (groups.has(name)) return groups.get(name);
      const group = funcs.find(name);
      const wrapped = group && {
        name: group.name,
        [Symbol.iterator]: () => group[Symbol.iterator](),
        call(id: number, target: CelValue | undefined, args: CelValue[]) {
          // Thrown, not returned: comprehensions absorb error values and would go on looping.
          if (++budget.used > CEL_CALL_BUDGET) throw new Error(COST_EXCEEDED);
          return group.call(id, target, args);
        },
      };
      groups.set(name, wrapped as typeof group);
      return wrapped;
    },
  };
  return Object.create(base, { funcs: { value: counted } }) as CelEnv;
}

let environment: CelEnv | undefined;
/** Built on first use: its descriptors and function tables are most of what loading CEL costs. */
const env = (): CelEnv => {
  environment ??= countingEnv(
    cel().celEnv({ funcs: [...(require('@bufbuild/cel/ext') as typeof BufCelExt).strings, ...kubernetesLibrary()] }),
  );
  return environment;
};

/** Macros and operators the planner implements itself; every other call must name a function of the environment. */
const BUILT_IN_CALL = /^(?:_|@|!_$|-_$|has$|size$|dyn$|type$)/;

/** Where the string literal opening at `i` ends (after its closing quote); `raw` for `r'…'`. */
function stringEnd(expression: string, i: number, raw: boolean): number {
  const quote = expression[i] as string;
  const delimiter = expression.startsWith(quote.repeat(3), i) ? quote.repeat(3) : quote;
  let end = i + delimiter.length;
  while (end < expression.length && !expression.startsWith(delimiter, end))
    end += !raw && expression[end] === '\\' ? 2 : 1;
  return end + delimiter.length;
}

/** The index of the `]` closing the `[` at `open`, skipping strings and nested brackets; -1 if none. */
function closingBracket(expression: string, open: number): number {
  let depth = 0;
  for (let i = open; i < expression.length; i += 1) {
    const char = expression[i];
    if (char === '"' || char === "'") i = stringEnd(expression, i, false) - 1;
    else if (char === '[' || char === '(') depth += 1;
    else if (char === ']' || char === ')') {
      depth -= 1;
      if (depth === 0) return char === ']' ? i : -1;
    }
  }
  return -1;
}

const OPTIONAL_FIELD = /^\.\?\s*([A-Za-z_][A-Za-z0-9_]*)/;
/** A field selection, not a method call: `.name` not followed by `(`. */
const FIELD = /^\.\s*([A-Za-z_][A-Za-z0-9_]*)(?!\s*[(\w])/;

/**
 * `a.?b` becomes `a._opt_select('b')`, outside string literals; selections and indexes after it in the same chain
 * stay optional, as CEL's optional types propagate (`a.?b.c[0]`). Optional indexing and optional list or map
 * entries (`a[?k]`, `[?x]`, `{?k: v}`) stay as written and so fail to parse: unsupported.
 */
function rewriteOptionals(expression: string): string {
  let out = '';
  // Its last two characters, for a raw string's prefix: reading `out` itself would flatten it at every string
  // literal, quadratic in a policy that lists thousands of names.
  let tail = '';
  const append = (text: string) => {
    out += text;
    tail = (tail + text).slice(-2);
  };
  let i = 0;
  let chained = false;
  while (i < expression.length) {
    const char = expression[i] as string;
    const rest = expression.slice(i, i + 200);
    const optional = char === '.' ? (OPTIONAL_FIELD.exec(rest) ?? (chained ? FIELD.exec(rest) : null)) : null;
    if (optional) {
      append(`._opt_select('${optional[1]}')`);
      i += optional[0].length;
      chained = true;
      continue;
    }
    const close = chained && char === '[' && expression[i + 1] !== '?' ? closingBracket(expression, i) : -1;
    if (close > 0) {
      append(`._opt_index(${rewriteOptionals(expression.slice(i + 1, close))})`);
      i = close + 1;
      continue;
    }
    chained = false;
    if (char === '"' || char === "'") {
      const end = stringEnd(expression, i, /(^|[^A-Za-z0-9_])[rR]$/.test(tail));
      append(expression.slice(i, end));
      i = end;
      continue;
    }
    append(char);
    i += 1;
  }
  return out;
}

interface AstNode {
  readonly exprKind: { readonly case: string | undefined; readonly value?: unknown };
}

/**
 * Lists of string literals at least this long, searched by `in`, are planned as a lookup (see {@link compile}): an
 * exemption list holds thousands; the few names most policies list are left as the library plans them.
 */
const STRING_SET_MIN = 16;
const IN_STRINGS = '@in_strings';

/** The strings of a list of string literals, undefined for any other node. */
function stringLiterals(node: AstNode): string[] | undefined {
  if (node.exprKind.case !== 'listExpr') return undefined;
  const strings: string[] = [];
  for (const element of (node.exprKind.value as { elements: AstNode[] }).elements) {
    const constant = element.exprKind.value as { constantKind?: { case?: string; value?: unknown } } | undefined;
    if (element.exprKind.case !== 'constExpr' || constant?.constantKind?.case !== 'stringValue') return undefined;
    strings.push(constant.constantKind.value as string);
  }
  return strings;
}

/**
 * Top-level identifiers read, functions called that the environment lacks, and the long lists of string literals
 * that `in` searches.
 */
function scan(root: AstNode): {
  reads: Set<string>;
  missing: Set<string>;
  nesting: number;
  /** The `in` calls, by their list's strings. */
  stringSets: Map<AstNode, string[]>;
} {
  let depth = 0;
  let nesting = 0;
  const reads = new Set<string>();
  const missing = new Set<string>();
  const bound = new Set<string>();
  const stringSets = new Map<AstNode, string[]>();
  const visit = (node: AstNode | undefined): void => {
    if (!node) return;
    const { case: kind, value } = node.exprKind;
    const v = value as Record<string, unknown>;
    switch (kind) {
      case 'identExpr':
        if (!bound.has(v.name as string)) reads.add(v.name as string);
        return;
      case 'selectExpr': {
        const operand = v.operand as AstNode;
        const head = operand.exprKind.case === 'identExpr' ? (operand.exprKind.value as { name: string }).name : '';
        if (head !== '' && !bound.has(head)) reads.add(`${head}.${v.field as string}`);
        visit(operand);
        return;
      }
      case 'callExpr': {
        const name = v.function as string;
        const target = v.target as AstNode | undefined;
        if (name === '_opt_select' && target?.exprKind.case === 'identExpr') {
          const field = (v.args as AstNode[])[0]?.exprKind.value as { constantKind?: { value?: unknown } } | undefined;
          reads.add(`${(target.exprKind.value as { name: string }).name}.${String(field?.constantKind?.value)}`);
        }
        const qualified = v.target ? qualifiedName(v.target as AstNode) : undefined;
        const knownQualified = qualified !== undefined && env().funcs.find(`${qualified}.${name}`) !== undefined;
        if (!knownQualified) {
          if (!BUILT_IN_CALL.test(name) && env().funcs.find(name) === undefined) missing.add(name);
          visit(v.target as AstNode);
        }
        const [, list] = v.args as AstNode[];
        const strings = name === '@in' && list ? stringLiterals(list) : undefined;
        if (strings && strings.length >= STRING_SET_MIN) stringSets.set(node, strings);
        for (const arg of v.args as AstNode[]) visit(arg);
        return;
      }
      case 'listExpr':
        for (const element of v.elements as AstNode[]) visit(element);
        return;
      case 'structExpr':
        for (const entry of v.entries as { value: AstNode; keyKind: { case: string; value: unknown } }[]) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value as AstNode);
          visit(entry.value);
        }
        return;
      case 'comprehensionExpr': {
        const names = [v.iterVar, v.iterVar2, v.accuVar].filter((name): name is string => typeof name === 'string');
        const added = names.filter((name) => name !== '' && !bound.has(name));
        visit(v.iterRange as AstNode);
        visit(v.accuInit as AstNode);
        for (const name of added) bound.add(name);
        depth += 1;
        nesting = Math.max(nesting, depth);
        for (const part of ['loopCondition', 'loopStep', 'result']) visit(v[part] as AstNode);
        depth -= 1;
        for (const name of added) bound.delete(name);
        return;
      }
      default:
        return;
    }
  };
  visit(root);
  return { reads, missing, nesting, stringSets };
}

function qualifiedName(node: AstNode): string | undefined {
  const v = node.exprKind.value as Record<string, unknown>;
  if (node.exprKind.case === 'identExpr') return v.name as string;
  if (node.exprKind.case !== 'selectExpr' || v.testOnly) return undefined;
  const head = qualifiedName(v.operand as AstNode);
  return head === undefined ? undefined : `${head}.${v.field as string}`;
}

/** Calls whose value is one of their operands (or an element of one), as far as what is read of it goes. */
const PASSING: Readonly<Record<string, (args: readonly (readonly Access[])[]) => readonly Access[]>> = {
  '_[_]': ([list = []]) => list.map(eachOf),
  _opt_index: ([list = []]) => list.map(eachOf),
  '_?_:_': ([, then = [], otherwise = []]) => [...then, ...otherwise],
  // Lists concatenate: each element is one of an operand's; strings and numbers are keyed whole anyway.
  '_+_': ([a = [], b = []]) => [...a, ...b],
  orValue: ([optional = [], fallback = []]) => [...optional, ...fallback],
  or: ([optional = [], other = []]) => [...optional, ...other],
  value: ([optional = []]) => optional,
  dyn: ([value = []]) => value,
  'optional.of': ([value = []]) => value,
};

class Indescribable extends Error {}

const markWhole = (accesses: readonly Access[]) => {
  for (const access of accesses) access.whole = true;
};

/**
 * Records in `roots` what evaluating `program` can read of its variables (see access.ts) and returns the accesses
 * its value may be (a field it returns as is, to mark as read whole or read further); `variables` gives those of
 * a policy's `variables.<name>` (undefined: not known yet), and any other `variables.<name>` is a root of its own.
 * Undefined when the expression does not compile or reads in a way no tree describes (the `variables` map
 * itself, a variable not known yet): key nothing then.
 */
export function recordAccess(
  program: CelProgram | CelCompileError,
  roots: Map<string, Access>,
  variables: ReadonlyMap<string, readonly Access[] | undefined>,
): readonly Access[] | undefined {
  const ast = 'error' in program ? undefined : ASTS.get(program);
  if (!ast) return undefined;
  const root = (name: string) => {
    let access = roots.get(name);
    if (!access) {
      access = newAccess();
      roots.set(name, access);
    }
    return access;
  };
  const bound = new Map<string, readonly Access[]>();
  const visit = (node: AstNode | undefined): readonly Access[] => {
    if (!node) return [];
    const { case: kind, value } = node.exprKind;
    const v = value as Record<string, unknown>;
    switch (kind) {
      case 'constExpr':
        return [];
      case 'identExpr': {
        const name = v.name as string;
        const local = bound.get(name);
        if (local) return local;
        if (name === 'variables') throw new Indescribable();
        return [root(name)];
      }
      case 'selectExpr': {
        const operand = v.operand as AstNode;
        const field = v.field as string;
        const head = operand.exprKind.case === 'identExpr' ? (operand.exprKind.value as { name: string }).name : '';
        let target: readonly Access[];
        if (head === 'variables' && !bound.has(head)) {
          // A policy's own variable is what its expression is; any other is given with the inputs.
          const own = variables.get(field);
          if (variables.has(field) && !own) throw new Indescribable();
          target = own ?? [root(`variables.${field}`)];
        } else target = visit(operand).map((access) => fieldOf(access, field));
        // `has(x.f)`: whether f is there, which the key of x.f says without reading f further.
        return head === 'variables' || !v.testOnly ? target : [];
      }
      case 'callExpr': {
        const name = v.function as string;
        const target = v.target as AstNode | undefined;
        const qualified = target ? qualifiedName(target) : undefined;
        const isQualified = qualified !== undefined && env().funcs.find(`${qualified}.${name}`) !== undefined;
        const args = v.args as AstNode[];
        if (name === '_opt_select' && target) {
          const field = (args[0]?.exprKind.value as { constantKind?: { value?: unknown } } | undefined)?.constantKind
            ?.value;
          if (typeof field !== 'string') throw new Indescribable();
          return visit(target).map((access) => fieldOf(access, field));
        }
        const operands = [...(target && !isQualified ? [visit(target)] : []), ...args.map(visit)];
        const passing = PASSING[isQualified ? `${qualified}.${name}` : name];
        if (passing) {
          // The index, the condition: read whole.
          if (name === '_[_]' || name === '_opt_index') markWhole(operands[1] ?? []);
          if (name === '_?_:_') markWhole(operands[0] ?? []);
          return passing(operands);
        }
        for (const operand of operands) markWhole(operand);
        return [];
      }
      case 'listExpr':
        for (const element of v.elements as AstNode[]) markWhole(visit(element));
        return [];
      case 'structExpr':
        for (const entry of v.entries as { value: AstNode; keyKind: { case: string; value: unknown } }[]) {
          if (entry.keyKind.case === 'mapKey') markWhole(visit(entry.keyKind.value as AstNode));
          markWhole(visit(entry.value));
        }
        return [];
      case 'comprehensionExpr': {
        // Iterating reads every element of a list, every key and value of a map: the `each` of the range.
        const elements = visit(v.iterRange as AstNode).map(eachOf);
        markWhole(visit(v.accuInit as AstNode));
        const names: [unknown, readonly Access[]][] = [
          [v.iterVar, v.iterVar2 ? [] : elements],
          [v.iterVar2, elements],
          [v.accuVar, []],
        ];
        const saved = new Map(bound);
        for (const [name, accesses] of names) if (typeof name === 'string' && name !== '') bound.set(name, accesses);
        markWhole(visit(v.loopCondition as AstNode));
        markWhole(visit(v.loopStep as AstNode));
        const result = visit(v.result as AstNode);
        bound.clear();
        for (const [name, accesses] of saved) bound.set(name, accesses);
        return result;
      }
      default:
        throw new Indescribable();
    }
  };
  try {
    return visit(ast);
  } catch (error) {
    if (error instanceof Indescribable) return undefined;
    throw error;
  }
}

const ASTS = new WeakMap<CelProgram, AstNode>();

const COMPILED = new Map<string, CelProgram | CelCompileError>();

/** A compiled expression, or why it does not compile. Compiled once per text. */
export function compileCel(expression: string): CelProgram | CelCompileError {
  let compiled = COMPILED.get(expression);
  if (!compiled) {
    compiled = compile(expression);
    COMPILED.set(expression, compiled);
  }
  return compiled;
}

function compile(expression: string): CelProgram | CelCompileError {
  const { parse, plan } = cel();
  let ast: ReturnType<typeof parse>;
  try {
    ast = parse(rewriteOptionals(expression));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // `[?`, `{?` and `cel.bind` are valid Kubernetes CEL the parser does not read.
    const unsupported = /\[\s*\?|\{\s*\?|,\s*\?/.test(expression);
    return {
      error: unsupported ? `optional index or entry syntax is not supported: ${message}` : message,
      unsupported,
    };
  }
  const { reads, missing, nesting, stringSets } = scan(ast.expr as unknown as AstNode);
  if (nesting > CEL_MAX_NESTING)
    return { error: `nests comprehensions ${nesting} deep, beyond this evaluator's cost bound`, unsupported: true };
  if (missing.size > 0)
    return {
      error: `uses ${[...missing].map((name) => `${name}()`).join(', ')}, which this evaluator does not implement`,
      unsupported: true,
    };
  // `x in [...]` over many string literals (an exemption list) would build the list and compare each element at every
  // evaluation: planned instead as a lookup in a map of those strings, bound with the variables under a name no
  // expression can write. The tree is put back as parsed for recordAccess.
  const sets: [string, unknown][] = [];
  const parsed = new Map<AstNode, AstNode['exprKind']>();
  for (const [node, strings] of stringSets) {
    const name = `@strings${sets.length}`;
    sets.push([name, cel().celMap(new Map(strings.map((text) => [text, true])))]);
    parsed.set(node, node.exprKind);
    const [value] = (node.exprKind.value as { args: AstNode[] }).args;
    const set: AstNode = { exprKind: { case: 'identExpr', value: { name } } };
    (node as { exprKind: AstNode['exprKind'] }).exprKind = {
      case: 'callExpr',
      value: { function: IN_STRINGS, args: [value, set] },
    };
  }
  let run: ReturnType<typeof plan>;
  try {
    run = plan(env(), ast);
  } finally {
    for (const [node, exprKind] of parsed) (node as { exprKind: AstNode['exprKind'] }).exprKind = exprKind;
  }
  const program: CelProgram = {
    expression,
    reads,
    evaluate(variables) {
      const outcome = program.evaluateCel(variables);
      return outcome.ok ? { ok: true, value: fromCel(outcome.value as CelValue) } : outcome;
    },
    evaluateCel(variables) {
      const bindings: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(variables)) bindings[name] = toCel(value);
      for (const [name, set] of sets) bindings[name] = set;
      // An expression evaluated inside another (a lazy variable) spends the outer one's budget.
      if (budget.depth++ === 0) budget.used = 0;
      try {
        const value = run(bindings as never);
        if (cel().isCelError(value))
          return { ok: false, error: value.message, unsupported: UNSUPPORTED_ERROR.test(value.message) };
        return { ok: true, value };
      } finally {
        budget.depth -= 1;
      }
    },
  };
  ASTS.set(program, ast.expr as unknown as AstNode);
  return program;
}

/** A map CEL reads through `get` and `has`, as it is (a policy's lazily evaluated `variables`). */
export const celMapOf = (map: Map<string, unknown>): unknown => cel().celMap(map as Map<string, never>);

const CONVERTED = new WeakMap<object, CelValue>();

/** JSON as CEL sees Kubernetes objects: objects are maps, integers are `int`. Each object is converted once. */
export function toCel(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (cel().isCelMap(value) || cel().isCelList(value) || value instanceof Uint8Array) return value;
  let converted = CONVERTED.get(value);
  if (converted === undefined) {
    converted = Array.isArray(value)
      ? cel().celList(value.map(toCel) as CelValue[])
      : cel().celMap(
          new Map(
            (value instanceof Map ? [...value.entries()] : Object.entries(value)).map(([key, item]) => [
              key,
              toCel(item) as CelValue,
            ]),
          ),
        );
    CONVERTED.set(value, converted);
  }
  return converted;
}

/** A result as plain data: lists as arrays, maps as objects, optionals as their value (none: undefined). */
function fromCel(value: CelValue): unknown {
  const tag = tagIn(value);
  if (tag?.kind === 'optional') return tag.value === undefined ? undefined : fromCel(tag.value);
  if (cel().isCelList(value)) return [...value].map(fromCel);
  if (cel().isCelMap(value) && !tag)
    return Object.fromEntries([...value].map(([key, item]) => [String(key), fromCel(item)]));
  return value;
}
