import { describe, expect, it } from 'vitest';
import type { Access } from './access.js';
import { compileCel, recordAccess } from './cel.js';

/** The value of an expression, or the error it ends in. */
function run(expression: string, variables: Record<string, unknown> = {}) {
  const program = compileCel(expression);
  if ('error' in program) throw new Error(program.error);
  return program.evaluate(variables);
}
const value = (expression: string, variables: Record<string, unknown> = {}) => {
  const outcome = run(expression, variables);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.value;
};

const POD = {
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b' }] },
};

describe('CEL for Kubernetes admission', () => {
  it('evaluates macros over objects, with integers as int', () => {
    expect(
      value('object.spec.containers.all(c, !has(c.securityContext) || c.securityContext.privileged != true)', {
        object: POD,
      }),
    ).toBe(false);
    expect(value('object.spec.containers.exists_one(c, c.name == "b")', { object: POD })).toBe(true);
    expect(value('object.spec.containers.map(c, c.name).join(", ")', { object: POD })).toBe('a, b');
    expect(value('x + 1 == 3', { x: 2 })).toBe(true);
  });

  it('reads optionals, which the parser lacks, through a rewrite that leaves strings alone', () => {
    expect(value('object.spec.?initContainers.orValue([]).size()', { object: POD })).toBe(0n);
    expect(
      value('object.spec.containers.map(c, c.?securityContext.?privileged.orValue(false))', { object: POD }),
    ).toEqual([true, false]);
    expect(
      value('object.metadata.labels.?app.hasValue() && !object.metadata.labels.?tier.hasValue()', { object: POD }),
    ).toBe(true);
    expect(value("optional.none().or(optional.of('x')).value()")).toBe('x');
    // Once optional, a chain stays optional: plain selections and indexes after `.?` too.
    expect(value("object.?spec.containers[1].name.orValue('')", { object: POD })).toBe('b');
    expect(value("object.?spec.containers[5].name.orValue('none')", { object: POD })).toBe('none');
    expect(value('object.spec.containers[0].?securityContext.runAsUser.orValue(-1)', { object: POD })).toBe(-1n);
    expect(value('\'a.?b\' + ".?c"')).toBe('a.?b.?c');
    expect(run('optional.none().value()')).toMatchObject({ ok: false, unsupported: false });
  });

  it('has the Kubernetes list library', () => {
    expect(value('[1, 2, 3].isSorted() && ![3, 1].isSorted()')).toBe(true);
    expect(value('[1, 2, 3].sum()')).toBe(6n);
    expect(value('[3, 1, 2].min() == 1 && ["a", "c"].max() == "c"')).toBe(true);
    expect(value('[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && [1].indexOf(5) == -1')).toBe(true);
    expect(run('[].min()')).toMatchObject({ ok: false, unsupported: false });
  });

  it('has regex find and findAll, with the standard matches', () => {
    expect(value("'img:v1.2 img:v3'.find('v[0-9.]+')")).toBe('v1.2');
    expect(value("'a1b22c333'.findAll('[0-9]+')")).toEqual(['1', '22', '333']);
    expect(value("'a1b22c333'.findAll('[0-9]+', 2)")).toEqual(['1', '22']);
    expect(value("'abc'.find('x') == '' && 'ABC'.find('(?i)b') == 'B' && 'abc'.matches('^a')")).toBe(true);
    expect(run("'abc'.find('(?P<x>a)')")).toMatchObject({ ok: false, unsupported: true });
  });

  it('has quantities: parse, compare and add exactly across suffixes', () => {
    expect(value("quantity('1Gi').isGreaterThan(quantity('1G'))")).toBe(true);
    expect(value("quantity('500m').compareTo(quantity('0.5')) == 0 && quantity('1') == quantity('1000m')")).toBe(true);
    expect(value("quantity('1') == quantity('2')")).toBe(false);
    expect(value("quantity('2k').asInteger() + quantity('1').add(2).asInteger()")).toBe(2003n);
    expect(value("quantity('1.5').isInteger() || !isQuantity('1Xi') && isQuantity('1e3')")).toBe(true);
    expect(run("quantity('1.5').asInteger()")).toMatchObject({ ok: false });
  });

  it('has IP and CIDR', () => {
    expect(value("isIP('10.0.0.1') && !isIP('::ffff:1.2.3.4') && !isIP('10.0.0.256')")).toBe(true);
    expect(value("cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))")).toBe(
      true,
    );
    expect(
      value("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR('10.0.0.0/8')"),
    ).toBe(true);
    expect(
      value("ip('127.0.0.1').isLoopback() && ip('::1').family() == 6 && cidr('10.0.0.0/8').prefixLength() == 8"),
    ).toBe(true);
    expect(value("string(cidr('10.1.2.3/8').masked()) + ' ' + string(cidr('2001:db8::1/32').masked())")).toBe(
      '10.0.0.0/8 2001:db8::/32',
    );
    expect(value("ip('169.254.169.254').isLinkLocalUnicast() && !ip('169.254.169.254').isGlobalUnicast()")).toBe(true);
    expect(value("string(cidr('2001:0:0:1:0:0:0:1/128').masked())")).toBe('2001:0:0:1::1/128');
    expect(
      value(
        "ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1') && !ip.isCanonical('2001:db8:0:0:0:0:0:1')",
      ),
    ).toBe(true);
  });

  it('has URLs', () => {
    expect(value("url('https://example.com:8443/a?x=1&x=2').getHost()")).toBe('example.com:8443');
    expect(value("url('https://example.com/a?x=1&x=2').getQuery()")).toEqual({ x: ['1', '2'] });
    expect(value("url('/path').getScheme() == '' && isURL('https://a.b') && !isURL('no url')")).toBe(true);
  });

  it('reports what it reads, so a caller knows what it cannot give', () => {
    const program = compileCel(
      'variables.?allContainers.orValue([]).size() > 0 && request.userInfo.username == "x" && params.a',
    );
    if ('error' in program) throw new Error(program.error);
    expect([...program.reads].sort()).toEqual([
      'params',
      'params.a',
      'request',
      'request.userInfo',
      'variables',
      'variables.allContainers',
    ]);
  });

  it('marks what it cannot evaluate as unsupported, and refuses bad syntax', () => {
    expect(compileCel('foo(1)')).toMatchObject({ unsupported: true, error: expect.stringContaining('foo()') });
    expect(compileCel("authorizer.group('').resource('pods').check('create').allowed()")).toMatchObject({
      unsupported: true,
    });
    expect(compileCel('cel.bind(x, 1, x)')).toMatchObject({ unsupported: true });
    expect(compileCel('[?optional.none()]')).toMatchObject({ unsupported: true });
    expect(compileCel('a +')).toMatchObject({ unsupported: false });
    // A type mismatch is for the API server's type checker to catch; its runtime answer is not ours to guess.
    expect(run("['x'].orValue([]).size() == 1")).toMatchObject({ ok: false, unsupported: true });
    expect(run('object.spec.missing', { object: POD })).toMatchObject({ ok: false, unsupported: false });
  });

  it('looks up a long list of string literals with the answers of a search of the same list', () => {
    const names = Array.from({ length: 40 }, (_, i) => `shop/Deployment/app-${i}`);
    const list = `[${names.map((name) => `'${name}'`).join(', ')}]`;
    const values: unknown[] = [names[0], names[39], 'shop/Deployment/app-40', '', 'SHOP/Deployment/app-1', 1, 1.5];
    values.push(true, null, [names[0]], { [names[0] as string]: true }, names);
    for (const x of values) {
      // A list built by a call is searched element by element, as every list was.
      const reference = run(`x in (${list} + [])`, { x });
      expect(run(`x in ${list}`, { x }), JSON.stringify(x)).toEqual(reference);
      expect(run(`!(x in ${list}) || x == ''`, { x })).toEqual(run(`!(x in (${list} + [])) || x == ''`, { x }));
    }
    // Inside a macro, and a list that is not all literals is left alone.
    expect(value(`xs.filter(x, x in ${list})`, { xs: ['a', names[3], names[3]] })).toEqual([names[3], names[3]]);
    expect(value(`x in [${names.map((name) => `'${name}'`).join(', ')}, y]`, { x: 'z', y: 'z' })).toBe(true);
    // What the expression reads is described from the tree as written, without the lookup's own variable.
    const roots = new Map<string, Access>();
    recordAccess(compileCel(`object.metadata.name in ${list}`), roots, new Map());
    expect([...roots.keys()]).toEqual(['object']);
  });

  it('compiles each text once', () => {
    expect(compileCel('1 + 1 == 2')).toBe(compileCel('1 + 1 == 2'));
  });

  it('ends a pathological expression with an unsupported cost error instead of hanging', () => {
    const twenty = `[${Array.from({ length: 20 }, (_, i) => i + 1).join(', ')}]`;
    const costly = `${twenty}.all(a, ${twenty}.all(b, ${twenty}.all(c, ${twenty}.all(d, a + b + c + d > 0))))`;
    expect(run(costly)).toEqual({ ok: false, error: 'evaluation cost budget exceeded', unsupported: true });
    // The budget is per evaluation: the next one starts afresh.
    expect(value('[1, 2].all(x, x > 0)')).toBe(true);
    // Loops that call nothing are bounded by their nesting.
    const deep = '[1].all(a, [1].all(b, [1].all(c, [1].all(d, [1].all(e, true)))))';
    expect(compileCel(deep)).toMatchObject({ unsupported: true, error: expect.stringContaining('5 deep') });
  });
});
