/**
 * The part of JMESPath Kyverno policies use in `{{ … }}` variables: fields, sub-expressions, index, flatten (`[]`),
 * wildcard and filter projections, multi-select lists, `||`, `&&`, `!`, comparisons, pipes, literals and a few
 * functions (`keys`, `values`, `length`, `to_string`, `contains`, `starts_with`, `ends_with`, `join`, `type`). What it
 * does not know — a multi-select hash, slices, another function, Kyverno's own functions — is an
 * {@link UnsupportedJmesPath} error: the caller makes the rule unproven rather than guess.
 */

export class UnsupportedJmesPath extends Error {}

type Node =
  | { readonly type: 'current' }
  | { readonly type: 'field'; readonly name: string }
  | { readonly type: 'literal'; readonly value: unknown }
  | { readonly type: 'sub'; readonly left: Node; readonly right: Node }
  | { readonly type: 'pipe'; readonly left: Node; readonly right: Node }
  | { readonly type: 'index'; readonly index: number }
  | { readonly type: 'flatten'; readonly child: Node }
  | { readonly type: 'project'; readonly left: Node; readonly right: Node }
  | { readonly type: 'values'; readonly left: Node; readonly right: Node }
  | { readonly type: 'filter'; readonly left: Node; readonly condition: Node; readonly right: Node }
  | { readonly type: 'list'; readonly items: readonly Node[] }
  | { readonly type: 'or' | 'and'; readonly left: Node; readonly right: Node }
  | { readonly type: 'not'; readonly child: Node }
  | { readonly type: 'compare'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Node[] };

interface Token {
  readonly type: string;
  readonly value?: unknown;
}

/** Binding powers, as the JMESPath grammar orders its operators. */
const POWER: Readonly<Record<string, number>> = {
  pipe: 1,
  or: 2,
  and: 3,
  compare: 5,
  flatten: 9,
  star: 20,
  filter: 21,
  dot: 40,
  not: 45,
  lbrace: 50,
  lbracket: 55,
  lparen: 60,
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const simple: Readonly<Record<string, string>> = {
    '.': 'dot',
    '*': 'star',
    ',': 'comma',
    ':': 'colon',
    '{': 'lbrace',
    '}': 'rbrace',
    ']': 'rbracket',
    '(': 'lparen',
    ')': 'rparen',
    '@': 'current',
  };
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at++;
    } else if (/[A-Za-z_]/.test(char)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at))?.[0] as string;
      tokens.push({ type: 'name', value: name });
      at += name.length;
    } else if (/[-0-9]/.test(char)) {
      const number = /^-?\d+/.exec(text.slice(at))?.[0];
      if (!number) throw new UnsupportedJmesPath(`unexpected "${char}"`);
      tokens.push({ type: 'number', value: Number(number) });
      at += number.length;
    } else if (char === '[') {
      if (text[at + 1] === ']') {
        tokens.push({ type: 'flatten' });
        at += 2;
      } else if (text[at + 1] === '?') {
        tokens.push({ type: 'filter' });
        at += 2;
      } else {
        tokens.push({ type: 'lbracket' });
        at++;
      }
    } else if (char === '"' || char === "'" || char === '`') {
      const end = closing(text, at, char);
      const body = text.slice(at + 1, end);
      if (char === '"') tokens.push({ type: 'name', value: quotedName(body) });
      else if (char === "'") tokens.push({ type: 'literal', value: body.replace(/\\'/g, "'") });
      else tokens.push({ type: 'literal', value: parseLiteral(body.replace(/\\`/g, '`')) });
      at = end + 1;
    } else if (text.startsWith('||', at) || text.startsWith('&&', at)) {
      tokens.push({ type: char === '|' ? 'or' : 'and' });
      at += 2;
    } else if (char === '|') {
      tokens.push({ type: 'pipe' });
      at++;
    } else if (/^(==|!=|<=|>=)/.test(text.slice(at, at + 2))) {
      tokens.push({ type: 'compare', value: text.slice(at, at + 2) });
      at += 2;
    } else if (char === '<' || char === '>') {
      tokens.push({ type: 'compare', value: char });
      at++;
    } else if (char === '!') {
      tokens.push({ type: 'not' });
      at++;
    } else if (simple[char]) {
      tokens.push({ type: simple[char] as string });
      at++;
    } else {
      throw new UnsupportedJmesPath(`unexpected "${char}"`);
    }
  }
  tokens.push({ type: 'eof' });
  return tokens;
}

function closing(text: string, start: number, quote: string): number {
  for (let at = start + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === quote) return at;
  }
  throw new UnsupportedJmesPath(`unterminated ${quote}`);
}

function quotedName(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    throw new UnsupportedJmesPath(`bad quoted name "${body}"`);
  }
}

/** A JSON literal; JMESPath's older form allows a bare string there. */
function parseLiteral(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body.trim();
  }
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parse(): Node {
    const node = this.expression(0);
    if (this.peek().type !== 'eof') throw new UnsupportedJmesPath(`unexpected ${this.peek().type}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.at] as Token;
  }

  private next(): Token {
    return this.tokens[this.at++] as Token;
  }

  private expect(type: string): Token {
    const token = this.next();
    if (token.type !== type) throw new UnsupportedJmesPath(`expected ${type}, found ${token.type}`);
    return token;
  }

  private expression(power: number): Node {
    let left = this.nud(this.next());
    while (power < (POWER[this.peek().type] ?? 0)) left = this.led(this.next(), left);
    return left;
  }

  private nud(token: Token): Node {
    switch (token.type) {
      case 'literal':
        return { type: 'literal', value: token.value };
      case 'name':
        return { type: 'field', name: token.value as string };
      case 'current':
        return { type: 'current' };
      case 'not':
        return { type: 'not', child: this.expression(POWER.not as number) };
      case 'star':
        return { type: 'values', left: { type: 'current' }, right: this.projectionRight(POWER.star as number) };
      case 'flatten':
        return {
          type: 'project',
          left: { type: 'flatten', child: { type: 'current' } },
          right: this.projectionRight(POWER.flatten as number),
        };
      case 'filter':
        return this.filter({ type: 'current' });
      case 'lbracket':
        return this.bracket({ type: 'current' });
      case 'lparen': {
        const inner = this.expression(0);
        this.expect('rparen');
        return inner;
      }
      default:
        throw new UnsupportedJmesPath(`unsupported ${token.type}`);
    }
  }

  private led(token: Token, left: Node): Node {
    switch (token.type) {
      case 'dot':
        if (this.peek().type === 'star') {
          this.next();
          return { type: 'values', left, right: this.projectionRight(POWER.dot as number) };
        }
        return { type: 'sub', left, right: this.dotRight(POWER.dot as number) };
      case 'pipe':
        return { type: 'pipe', left, right: this.expression(POWER.pipe as number) };
      case 'or':
      case 'and':
        return { type: token.type, left, right: this.expression(POWER[token.type] as number) };
      case 'compare':
        return { type: 'compare', op: token.value as string, left, right: this.expression(POWER.compare as number) };
      case 'flatten':
        return {
          type: 'project',
          left: { type: 'flatten', child: left },
          right: this.projectionRight(POWER.flatten as number),
        };
      case 'filter':
        return this.filter(left);
      case 'lbracket':
        return this.bracket(left);
      case 'lparen': {
        if (left.type !== 'field') throw new UnsupportedJmesPath('a call needs a function name');
        const args: Node[] = [];
        while (this.peek().type !== 'rparen') {
          args.push(this.expression(0));
          if (this.peek().type === 'comma') this.next();
        }
        this.next();
        return { type: 'call', name: left.name, args };
      }
      default:
        throw new UnsupportedJmesPath(`unsupported ${token.type}`);
    }
  }

  /** After `[`: an index, `[*]`, or (with nothing on the left) a multi-select list. */
  private bracket(left: Node): Node {
    const token = this.peek();
    if (token.type === 'number') {
      this.next();
      this.expect('rbracket');
      return { type: 'sub', left, right: { type: 'index', index: token.value as number } };
    }
    if (token.type === 'star') {
      this.next();
      this.expect('rbracket');
      return { type: 'project', left, right: this.projectionRight(POWER.star as number) };
    }
    if (left.type !== 'current') throw new UnsupportedJmesPath('slices and multi-select after an expression');
    return this.list();
  }

  private list(): Node {
    const items: Node[] = [];
    for (;;) {
      items.push(this.expression(0));
      const token = this.next();
      if (token.type === 'rbracket') return { type: 'list', items };
      if (token.type !== 'comma') throw new UnsupportedJmesPath(`expected , or ], found ${token.type}`);
    }
  }

  private filter(left: Node): Node {
    const condition = this.expression(0);
    this.expect('rbracket');
    return { type: 'filter', left, condition, right: this.projectionRight(POWER.filter as number) };
  }

  private projectionRight(power: number): Node {
    const type = this.peek().type;
    if ((POWER[type] ?? 0) < 10) return { type: 'current' };
    if (type === 'lbracket' || type === 'filter') return this.expression(power);
    if (type === 'dot') {
      this.next();
      return this.dotRight(power);
    }
    throw new UnsupportedJmesPath(`unexpected ${type} after a projection`);
  }

  private dotRight(power: number): Node {
    const type = this.peek().type;
    if (type === 'name') return this.expression(power);
    if (type === 'lbracket') {
      this.next();
      return this.list();
    }
    throw new UnsupportedJmesPath(`unsupported ${type} after "."`);
  }
}

/** JMESPath's truth: false, null, empty strings, lists and objects are false. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}

function call(name: string, args: readonly unknown[]): unknown {
  const [first, second] = args;
  switch (name) {
    case 'keys':
      return isObject(first) ? Object.keys(first) : null;
    case 'values':
      return isObject(first) ? Object.values(first) : null;
    case 'length':
      if (typeof first === 'string' || Array.isArray(first)) return first.length;
      return isObject(first) ? Object.keys(first).length : null;
    case 'to_string':
      return typeof first === 'string' ? first : JSON.stringify(first ?? null);
    case 'contains':
      if (typeof first === 'string') return typeof second === 'string' && first.includes(second);
      return Array.isArray(first) && first.some((item) => deepEqual(item, second));
    case 'starts_with':
      return typeof first === 'string' && typeof second === 'string' && first.startsWith(second);
    case 'ends_with':
      return typeof first === 'string' && typeof second === 'string' && first.endsWith(second);
    case 'join':
      return typeof first === 'string' && Array.isArray(second) ? second.map(String).join(first) : null;
    case 'type':
      if (first === null || first === undefined) return 'null';
      if (Array.isArray(first)) return 'array';
      return typeof first === 'object' ? 'object' : typeof first;
    default:
      throw new UnsupportedJmesPath(`function ${name}() is not evaluated here`);
  }
}

function evaluate(node: Node, value: unknown): unknown {
  switch (node.type) {
    case 'current':
      return value;
    case 'field':
      return isObject(value) ? (value[node.name] ?? null) : null;
    case 'literal':
      return node.value;
    case 'sub':
    case 'pipe':
      return evaluate(node.right, evaluate(node.left, value));
    case 'index': {
      if (!Array.isArray(value)) return null;
      return value[node.index < 0 ? value.length + node.index : node.index] ?? null;
    }
    case 'flatten': {
      const base = evaluate(node.child, value);
      return Array.isArray(base) ? base.flatMap((item) => (Array.isArray(item) ? item : [item])) : null;
    }
    case 'project':
    case 'values': {
      const base = evaluate(node.left, value);
      const items = node.type === 'values' ? (isObject(base) ? Object.values(base) : null) : base;
      if (!Array.isArray(items)) return null;
      return items.map((item) => evaluate(node.right, item)).filter((item) => item !== null && item !== undefined);
    }
    case 'filter': {
      const base = evaluate(node.left, value);
      if (!Array.isArray(base)) return null;
      return base
        .filter((item) => truthy(evaluate(node.condition, item)))
        .map((item) => evaluate(node.right, item))
        .filter((item) => item !== null && item !== undefined);
    }
    case 'list':
      return value === null || value === undefined ? null : node.items.map((item) => evaluate(item, value));
    case 'or': {
      const left = evaluate(node.left, value);
      return truthy(left) ? left : evaluate(node.right, value);
    }
    case 'and': {
      const left = evaluate(node.left, value);
      return truthy(left) ? evaluate(node.right, value) : left;
    }
    case 'not':
      return !truthy(evaluate(node.child, value));
    case 'compare': {
      const left = evaluate(node.left, value);
      const right = evaluate(node.right, value);
      if (node.op === '==') return deepEqual(left, right);
      if (node.op === '!=') return !deepEqual(left, right);
      if (typeof left !== 'number' || typeof right !== 'number') return null;
      if (node.op === '<') return left < right;
      if (node.op === '<=') return left <= right;
      if (node.op === '>') return left > right;
      return left >= right;
    }
    case 'call':
      return call(
        node.name,
        node.args.map((arg) => evaluate(arg, value)),
      );
  }
}

export interface JmesPath {
  readonly expression: string;
  /** The value (null where JMESPath finds nothing); throws {@link UnsupportedJmesPath} for what it does not know. */
  search(data: unknown): unknown;
}

/** Parses once; throws {@link UnsupportedJmesPath} for syntax outside the supported part. */
export function compileJmesPath(expression: string): JmesPath {
  const ast = new Parser(tokenize(expression)).parse();
  return { expression, search: (data) => evaluate(ast, data) };
}
