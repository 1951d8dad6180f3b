import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import * as z from 'zod';
import { issueMessage, yamlErrorMessage } from './errors.js';

const secret = 'kmcanaryErr0rs';

describe('yamlErrorMessage', () => {
  it.each([
    ['a block scalar header', `password: |${secret}\n`, 'unexpected characters'],
    ['an unresolvable tag', `password: !e!${secret} x\n`, 'unknown tag'],
    ['a YAML directive', `%YAML ${secret}\n---\na: b\n`, 'directive'],
    ['a bad escape', `password: "\\u${secret}"\n`, 'escape'],
  ])('says what is wrong with %s, never what the text was', (_shape, source, reason) => {
    const [error] = parseAllDocuments(source, { version: '1.1' }).flatMap((document) => document.errors);
    expect(error?.message).toContain(secret.slice(0, 4)); // the library quotes the source…
    const message = yamlErrorMessage(error as NonNullable<typeof error>);
    expect(message).toContain(reason);
    expect(message).not.toContain(secret.slice(0, 4)); // …ours does not
  });

  it('falls back to a fixed message for a code it does not know', () => {
    expect(yamlErrorMessage({ code: 'SOMETHING_NEW' as never })).toBe('invalid YAML');
  });
});

describe('issueMessage', () => {
  const problem = (schema: z.ZodType, value: unknown) => schema.safeParse(value, { error: issueMessage }).error?.issues;

  it.each([
    ['an enum', z.enum(['low', 'high']), secret, 'must be one of "low", "high"'],
    ['a literal', z.literal('kubematrix'), secret, 'must be "kubematrix"'],
    ['a type', z.number(), secret, 'expected number, got a string'],
    ['a missing field', z.object({ reason: z.string() }), {}, 'expected string, got nothing'],
    ['a format', z.string().regex(/^x$/), secret, 'does not match the expected pattern'],
  ])('describes %s from the schema, never the value', (_what, schema, value, message) => {
    expect(problem(schema, value)?.[0]?.message).toBe(message);
  });

  it('names unknown fields, quoted like paths, and keeps messages the schema sets itself', () => {
    expect(problem(z.strictObject({}), { 'bad\nkey': 1 })?.[0]?.message).toBe('unknown field ["bad\\nkey"]');
    expect(problem(z.string().min(1, 'a suppression needs a reason'), '')?.[0]?.message).toBe(
      'a suppression needs a reason',
    );
  });
});
