import { compileJmesPath, deepEqual, type JmesPath, UnsupportedJmesPath } from './kyverno-jmespath.js';
import { compileWildcard, toNumber } from './kyverno-pattern.js';

/**
 * Kyverno's `{{ … }}` variables and its conditions (`preconditions`, `deny.conditions`): substitution through the
 * JMESPath subset of `kyverno-jmespath.ts` on what the simulated request shows (`request.object`,
 * `request.operation`, `request.namespace`, `element` in a foreach), and the common operators. A variable that
 * resolves to nothing (`request.userInfo`, a `context` entry, a missing field without `||` fallback) is an
 * {@link UnresolvedVariable}: Kyverno reports such a rule as an error, and the caller makes it unproven.
 */

export class UnresolvedVariable extends Error {}
export { UnsupportedJmesPath };

export type VariableScope = Readonly<Record<string, unknown>>;
/** A value with its variables substituted. */
export type Template = (scope: VariableScope) => unknown;

const WHOLE = /^\s*\{\{-?\s*(.+?)\s*\}\}\s*$/s;
const EMBEDDED = /\{\{-?\s*(.+?)\s*\}\}/gs;

function variable(expression: string): (scope: VariableScope) => unknown {
  const path: JmesPath = compileJmesPath(expression);
  return (scope) => {
    const value = path.search(scope);
    if (value === null || value === undefined) throw new UnresolvedVariable(`{{ ${expression} }} resolves to nothing`);
    return value;
  };
}

/** Compiles variables in a value once; throws {@link UnsupportedJmesPath} for syntax outside the subset. */
export function compileTemplate(value: unknown): Template {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole && !whole[1]?.includes('}}')) return variable(whole[1] as string);
    const parts = [...value.matchAll(EMBEDDED)];
    if (!parts.length) return () => value;
    const resolved = parts.map((part) => ({ text: part[0], get: variable(part[1] as string) }));
    return (scope) => {
      let out = value;
      for (const { text, get } of resolved) {
        const got = get(scope);
        out = out.replace(text, typeof got === 'string' ? got : JSON.stringify(got));
      }
      return out;
    };
  }
  if (Array.isArray(value)) {
    const items = value.map(compileTemplate);
    return (scope) => items.map((item) => item(scope));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compileTemplate(item)] as const);
    return (scope) => Object.fromEntries(entries.map(([key, item]) => [key, item(scope)]));
  }
  return () => value;
}

/** Whether a key equals one value Kyverno style: wildcards in the value, numbers and quantities by amount. */
function equals(key: unknown, value: unknown): boolean {
  if (typeof value === 'string' && typeof key === 'string') return compileWildcard(value)(key);
  const a = toNumber(key);
  const b = toNumber(value);
  if (a !== undefined && b !== undefined) return a === b;
  if (typeof key === 'boolean' || typeof value === 'boolean') return String(key) === String(value);
  return deepEqual(key, value);
}

/** Whether a key is among the values: a list, or a numeric range `a-b` written as a string. */
function member(key: unknown, values: unknown): boolean {
  if (Array.isArray(values)) return values.some((value) => equals(key, value));
  if (typeof values === 'string') {
    const range = /^(-?[\d.]+)-(-?[\d.]+)$/.exec(values.trim());
    const number = toNumber(key);
    if (range && number !== undefined) return number >= Number(range[1]) && number <= Number(range[2]);
    return equals(key, values);
  }
  return equals(key, values);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function compare(key: unknown, value: unknown, test: (a: number, b: number) => boolean): boolean {
  const a = toNumber(key);
  const b = toNumber(value);
  return a !== undefined && b !== undefined && test(a, b);
}

const OPERATORS: Readonly<Record<string, (key: unknown, value: unknown) => boolean>> = {
  Equals: equals,
  Equal: equals,
  NotEquals: (key, value) => !equals(key, value),
  NotEqual: (key, value) => !equals(key, value),
  AnyIn: (key, value) => asList(key).some((item) => member(item, value)),
  AllIn: (key, value) => asList(key).every((item) => member(item, value)),
  In: (key, value) => asList(key).every((item) => member(item, value)),
  AnyNotIn: (key, value) => asList(key).some((item) => !member(item, value)),
  AllNotIn: (key, value) => asList(key).every((item) => !member(item, value)),
  NotIn: (key, value) => !asList(key).every((item) => member(item, value)),
  GreaterThan: (key, value) => compare(key, value, (a, b) => a > b),
  GreaterThanOrEquals: (key, value) => compare(key, value, (a, b) => a >= b),
  LessThan: (key, value) => compare(key, value, (a, b) => a < b),
  LessThanOrEquals: (key, value) => compare(key, value, (a, b) => a <= b),
};

export type Conditions = (scope: VariableScope) => boolean;

function compileCondition(raw: unknown): Conditions {
  const { key, operator, value } = (raw ?? {}) as Record<string, unknown>;
  const test = typeof operator === 'string' ? OPERATORS[operator] : undefined;
  if (!test) throw new UnsupportedJmesPath(`the condition operator ${String(operator)} is not evaluated here`);
  const getKey = compileTemplate(key);
  const getValue = compileTemplate(value);
  return (scope) => test(getKey(scope), getValue(scope));
}

/**
 * `any`/`all` blocks (both must hold when both are given; an empty or absent block holds), or a plain list, which
 * Kyverno reads as `all`.
 */
export function compileConditions(raw: unknown): Conditions {
  if (Array.isArray(raw)) {
    const all = raw.map(compileCondition);
    return (scope) => all.every((condition) => condition(scope));
  }
  const { any, all } = (raw ?? {}) as Record<string, unknown>;
  const anyOf = Array.isArray(any) ? any.map(compileCondition) : [];
  const allOf = Array.isArray(all) ? all.map(compileCondition) : [];
  return (scope) =>
    (anyOf.length === 0 || anyOf.some((condition) => condition(scope))) && allOf.every((condition) => condition(scope));
}
