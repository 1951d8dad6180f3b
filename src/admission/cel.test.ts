import { expect, it } from 'vitest';
import { compileCel } from './cel.js';

it('evaluates, reports unknown functions as unsupported and refuses bad syntax', () => {
  const p = compileCel(
    'object.spec.containers.all(c, !has(c.securityContext) || c.securityContext.privileged != true)',
  );
  if ('error' in p) throw new Error(p.error);
  expect(p.evaluate({ object: { spec: { containers: [{ securityContext: { privileged: true } }] } } })).toEqual({
    ok: true,
    value: false,
  });
  expect(p.evaluate({ object: { spec: { containers: [{}] } } })).toEqual({ ok: true, value: true });
  const q = compileCel('foo(1)');
  if ('error' in q) throw new Error(q.error);
  expect(q.evaluate({})).toMatchObject({ ok: false, unsupported: true });
  expect(compileCel('a +')).toHaveProperty('error');
});
