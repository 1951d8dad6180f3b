import { describe, expect, it } from 'vitest';
import { matchesLabels, selects } from './selectors.js';

describe('label selectors', () => {
  const labels = { a: '1', b: '2' };

  it('implements the LabelSelector operators', () => {
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'c', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'c', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['0'] }] }, labels)).toBe(false);
    expect(selects({ matchLabels: { a: '1', b: '3' } }, labels)).toBe(false);
    expect(selects({ matchLabels: { a: 1 } }, labels)).toBe(true);
  });

  it('reads {} as everything and an absent selector as nothing, as the API server does', () => {
    expect(selects({}, labels)).toBe(true);
    expect(selects(null, labels)).toBe(false);
    expect(selects(undefined, labels)).toBe(false);
    expect(selects('app=web', labels)).toBe(false);
  });

  it('matches plain key: value selectors pair by pair', () => {
    expect(matchesLabels({ a: '1' }, labels)).toBe(true);
    expect(matchesLabels({ a: '1', c: '3' }, labels)).toBe(false);
  });
});
