/**
 * Kyverno's validate pattern language, compiled once per pattern: maps and lists matched as Kyverno's engine walks
 * them, the anchors `(key)` (condition), `=(key)` (equality: checked when present), `X(key)` (negation: must be
 * absent), `^(key)` (existence: some list element matches), `<(key)` (global condition: the rule is skipped unless
 * it holds), wildcard keys and values (`*`, `?`), and value operators `!`, `|`, `&`, `>`, `<`, `>=`, `<=`, ranges
 * `a-b` and `!a-b` on numbers and quantities. `+(key)` adds a field in a mutate rule and means nothing in a
 * validation: a pattern with one does not compile ({@link UnsupportedPattern}).
 */

import { type Access, eachOf, fieldOf } from '../access.js';

export class UnsupportedPattern extends Error {}

/** `pass`; `skip`: a condition anchor does not hold, so the pattern says nothing; `fail` with where. */
export type PatternResult =
  | { readonly status: 'pass' }
  | { readonly status: 'skip'; readonly global: boolean }
  | { readonly status: 'fail'; readonly path: readonly (string | number)[]; readonly detail: string };

type Path = readonly (string | number)[];
/** Paths are relative to the value matched: a failure's path is built as it returns up, so a pass allocates nothing. */
type Matcher = (value: unknown) => PatternResult;

const PASS: PatternResult = { status: 'pass' };
const SKIP: PatternResult = { status: 'skip', global: false };
const GLOBAL_SKIP: PatternResult = { status: 'skip', global: true };
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const fail = (path: Path, detail: string): PatternResult => ({ status: 'fail', path, detail });
/** A failure below `key`, seen from here. */
const under = (key: string | number, result: PatternResult): PatternResult =>
  result.status === 'fail' ? { ...result, path: [key, ...result.path] } : result;

const wildcards = new Map<string, (text: string) => boolean>();
/** Conditions compare with values known only per request: compiled wildcards are kept, up to a bound. */
const WILDCARD_CACHE_SIZE = 1000;

/** `*` any run, `?` one character; compiled to a RegExp once. */
export function compileWildcard(pattern: string): (text: string) => boolean {
  if (!/[*?]/.test(pattern)) return (text) => text === pattern;
  let test = wildcards.get(pattern);
  if (!test) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    const regex = new RegExp(`^${source}$`, 's');
    test = (text) => regex.test(text);
    if (wildcards.size >= WILDCARD_CACHE_SIZE) wildcards.clear();
    wildcards.set(pattern, test);
  }
  return test;
}

const UNITS: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A number, or a Kubernetes quantity (`500m`, `2Gi`) as a number; undefined for anything else. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] ?? ''] as number);
}

/** How Kyverno compares a value with a string: numbers and booleans as they print. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

type ValueTest = (value: unknown) => boolean;

/** One operand of a string pattern (`>0`, `!a*`, `5000-6000`, `RuntimeDefault`). */
function compileOperand(operand: string): ValueTest {
  const range = /^(!?)([^-\s!<>][^\s]*?)-([^\s]+)$/.exec(operand);
  if (range) {
    const low = toNumber(range[2]);
    const high = toNumber(range[3]);
    if (low !== undefined && high !== undefined) {
      const inside = (value: unknown) => {
        const number = toNumber(value);
        return number !== undefined && number >= low && number <= high;
      };
      return range[1] ? (value) => toNumber(value) !== undefined && !inside(value) : inside;
    }
  }
  const operator = /^(>=|<=|>|<|!)?(.*)$/s.exec(operand) as RegExpExecArray;
  const [, op = '', rest = ''] = operator;
  const target = rest.trim();
  const number = toNumber(target);
  if (op === '>' || op === '<' || op === '>=' || op === '<=') {
    if (number === undefined) return () => false;
    return (value) => {
      const actual = toNumber(value);
      if (actual === undefined) return false;
      if (op === '>') return actual > number;
      if (op === '<') return actual < number;
      if (op === '>=') return actual >= number;
      return actual <= number;
    };
  }
  const matches = compileWildcard(target);
  const equal: ValueTest = (value) => {
    if (number !== undefined && typeof value === 'number') return value === number;
    const text = asText(value);
    return text !== undefined && matches(text);
  };
  // `!x` holds for a present value other than x; an absent value is neither equal nor unequal.
  return op === '!' ? (value) => asText(value) !== undefined && !equal(value) : equal;
}

/** A string pattern: alternatives by `|`, each a conjunction by `&`. `*` alone: any value that is there. */
export function compileValuePattern(pattern: string): ValueTest {
  const alternatives = pattern.split('|').map((alternative) =>
    alternative
      .split('&')
      .map((operand) => operand.trim())
      .map((operand) =>
        operand === '*' ? (value: unknown) => value !== null && value !== undefined : compileOperand(operand),
      ),
  );
  return (value) => alternatives.some((operands) => operands.every((test) => test(value)));
}

function compileScalar(pattern: unknown): ValueTest {
  if (pattern === null)
    return (value) => value === null || value === undefined || value === 0 || value === '' || value === false;
  if (typeof pattern === 'boolean') return (value) => value === pattern;
  if (typeof pattern === 'number') return (value) => toNumber(value) === pattern;
  if (typeof pattern === 'string') return compileValuePattern(pattern);
  throw new UnsupportedPattern(`a pattern value of type ${typeof pattern}`);
}

type Anchor = 'condition' | 'equality' | 'negation' | 'existence' | 'global' | 'plain';

interface KeyMatcher {
  readonly anchor: Anchor;
  readonly key: string;
  /** Keys with `*`/`?` stand for every resource key they match (labels, annotations). */
  readonly wildcard?: (key: string) => boolean;
  /** `[key]`, kept so that matching allocates nothing. */
  readonly only: readonly string[];
  readonly match: Matcher;
}

const NONE: readonly string[] = [];

function parseKey(raw: string): { anchor: Anchor; key: string } {
  const anchored = /^(\^|=|X|<|\+)?\((.+)\)$/.exec(raw);
  if (!anchored) return { anchor: 'plain', key: raw };
  const [, sigil = '', key = ''] = anchored;
  if (sigil === '+') throw new UnsupportedPattern(`the add anchor +(${key}) belongs to mutate rules`);
  const anchors: Readonly<Record<string, Anchor>> = {
    '': 'condition',
    '=': 'equality',
    X: 'negation',
    '^': 'existence',
    '<': 'global',
  };
  return { anchor: anchors[sigil] as Anchor, key };
}

/** The order Kyverno checks a map's keys in: global and condition anchors decide whether the rest applies. */
const ORDER: readonly Anchor[] = ['global', 'condition', 'existence', 'equality', 'negation', 'plain'];

function compileMap(pattern: Readonly<Record<string, unknown>>): Matcher {
  const keys: KeyMatcher[] = Object.entries(pattern).map(([raw, value]) => {
    const { anchor, key } = parseKey(raw);
    if (anchor === 'existence' && !Array.isArray(value)) {
      throw new UnsupportedPattern(`the existence anchor ^(${key}) needs a list`);
    }
    return {
      anchor,
      key,
      only: [key],
      ...(/[*?]/.test(key) ? { wildcard: compileWildcard(key) } : {}),
      match: compile(anchor === 'existence' ? (value as unknown[])[0] : value),
    };
  });
  keys.sort((a, b) => ORDER.indexOf(a.anchor) - ORDER.indexOf(b.anchor));

  return (resource) => {
    if (!isObject(resource)) return fail([], 'expected an object');
    let skipped: PatternResult | undefined;
    for (const { anchor, key, wildcard, only, match } of keys) {
      const present = wildcard ? Object.keys(resource).filter(wildcard) : key in resource ? only : NONE;
      if (anchor === 'negation') {
        const found = present.find((name) => resource[name] !== undefined);
        if (found !== undefined) return fail([found], `field ${found} is not allowed`);
        continue;
      }
      if (!present.length) {
        if (anchor === 'plain' || anchor === 'existence') return fail([key], `field ${key} is required`);
        if (anchor === 'condition') return SKIP;
        if (anchor === 'global') return GLOBAL_SKIP;
        continue;
      }
      for (const name of present) {
        const value = resource[name];
        if (anchor === 'existence') {
          if (!Array.isArray(value) || !value.some((item) => match(item).status === 'pass')) {
            return fail([name], `no element of ${name} matches`);
          }
          continue;
        }
        const result = match(value);
        if (result.status === 'pass') continue;
        if (anchor === 'condition' || anchor === 'global') {
          return anchor === 'global' || (result.status === 'skip' && result.global) ? GLOBAL_SKIP : SKIP;
        }
        if (result.status === 'fail') return under(name, result);
        // A condition deeper down did not hold: this part of the pattern is skipped, unless a global one says all.
        if (result.global) return result;
        if (anchor === 'plain') skipped = result;
      }
    }
    return skipped ?? PASS;
  };
}

function compileList(pattern: readonly unknown[]): Matcher {
  if (!pattern.length) throw new UnsupportedPattern('an empty list in a pattern');
  const [first] = pattern;
  if (isObject(first)) {
    const element = compileMap(first);
    return (resource) => {
      if (!Array.isArray(resource)) return fail([], 'expected a list');
      let applied = resource.length === 0;
      for (let index = 0; index < resource.length; index++) {
        const result = element(resource[index]);
        if (result.status === 'fail') return under(index, result);
        if (result.status === 'skip' && result.global) return result;
        if (result.status === 'pass') applied = true;
      }
      return applied ? PASS : SKIP;
    };
  }
  const elements = pattern.map(compile);
  return (resource) => {
    if (!Array.isArray(resource)) return fail([], 'expected a list');
    if (resource.length < elements.length) return fail([], `expected at least ${elements.length} elements`);
    for (let index = 0; index < elements.length; index++) {
      const result = (elements[index] as Matcher)(resource[index]);
      if (result.status !== 'pass') return under(index, result);
    }
    return PASS;
  };
}

function compile(pattern: unknown): Matcher {
  if (Array.isArray(pattern)) return compileList(pattern);
  if (isObject(pattern)) return compileMap(pattern);
  const test = compileScalar(pattern);
  return (value) =>
    test(value) ? PASS : fail([], `value ${JSON.stringify(value ?? null)} does not match ${JSON.stringify(pattern)}`);
}

export interface CompiledPattern {
  match(resource: unknown): PatternResult;
}

/** Compiles a `validate.pattern` (or one of `anyPattern`); throws {@link UnsupportedPattern} for what it cannot read. */
export function compilePattern(pattern: unknown): CompiledPattern {
  return { match: compile(pattern) };
}

/** Kyverno's `/spec/containers/0/securityContext/privileged/`. */
export function patternPath(path: readonly (string | number)[]): string {
  return `/${path.map(String).join('/')}/`;
}

/**
 * Records in `into` what matching `pattern` reads of a resource (see access.ts): the fields its keys name, every
 * element of a list, values whole; a wildcard key reads the whole map.
 */
export function patternAccess(pattern: unknown, into: Access): void {
  if (Array.isArray(pattern)) {
    const each = eachOf(into);
    for (const element of pattern) patternAccess(element, each);
    return;
  }
  if (!isObject(pattern)) {
    into.whole = true;
    return;
  }
  for (const [raw, value] of Object.entries(pattern)) {
    const { key } = parseKey(raw);
    if (/[*?]/.test(key)) {
      into.whole = true;
      return;
    }
    patternAccess(value, fieldOf(into, key));
  }
}
