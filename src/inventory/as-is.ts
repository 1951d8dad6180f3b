import type * as z from 'zod';

/** The parts of a zod definition this module reads; anything else it meets makes its test answer false. */
interface Definition {
  readonly type: string;
  readonly coerce?: boolean;
  readonly checks?: readonly {
    readonly _zod: { readonly def: { readonly check?: string; readonly format?: string } };
  }[];
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

type Test = (value: unknown) => boolean;

const NEVER: Test = () => false;

function definition(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/**
 * Whether a value passes the schema as it is: parsing it would succeed and fill in no default, so that the parse's
 * copy equals the value. A walk over the value that allocates nothing, several times cheaper than zod's parse (run
 * jitless by the CLI, src/cli/jitless.ts): audit rules read a pod spec per workload written, and a scan one per
 * workload. Readers ask this first and parse what it does not take, to fill defaults or word the error, so the
 * result is the same either way. Built from the schema's own definition, it cannot drift from it; a kind of schema it
 * does not know (a refinement, a length check, a stripping object) makes it answer false, never true.
 */
export function takesAsIs(schema: z.ZodType): Test {
  const def = definition(schema);
  if (def.coerce) return NEVER;
  const checks = def.checks ?? [];
  switch (def.type) {
    case 'unknown':
      return checks.length ? NEVER : () => true;
    case 'string':
      return checks.length ? NEVER : (value) => typeof value === 'string';
    case 'boolean':
      return checks.length ? NEVER : (value) => typeof value === 'boolean';
    case 'number': {
      if (!checks.length) return (value) => typeof value === 'number' && Number.isFinite(value);
      const safeInteger = checks.every(
        ({ _zod }) => _zod.def.check === 'number_format' && _zod.def.format === 'safeint',
      );
      return safeInteger ? Number.isSafeInteger : NEVER;
    }
    case 'optional': {
      const inner = takesAsIs(def.innerType as z.ZodType);
      return (value) => value === undefined || inner(value);
    }
    case 'default': {
      // An absent value gets the default: a copy that differs.
      const inner = takesAsIs(def.innerType as z.ZodType);
      return (value) => value !== undefined && inner(value);
    }
    case 'array': {
      if (checks.length) return NEVER;
      const element = takesAsIs(def.element as z.ZodType);
      return (value) => {
        if (!Array.isArray(value)) return false;
        // By index, as zod reads it: a hole is an undefined entry, which `every` would skip.
        for (let index = 0; index < value.length; index++) if (!element(value[index])) return false;
        return true;
      };
    }
    case 'record': {
      const key = definition(def.keyType as z.ZodType);
      if (checks.length || key.type !== 'string' || key.checks?.length || key.coerce) return NEVER;
      const entry = takesAsIs(def.valueType as z.ZodType);
      // zod takes plain objects only, and refuses symbol keys as no strings.
      return (value) =>
        isObject(value) &&
        PLAIN.has(Object.getPrototypeOf(value)) &&
        Object.getOwnPropertySymbols(value).length === 0 &&
        Object.values(value).every(entry);
    }
    case 'union': {
      // Only unions of scalars: zod keeps the first option that parses, which for a scalar is the value itself.
      const options = def.options ?? [];
      if (checks.length || !options.every((option) => SCALARS.has(definition(option).type))) return NEVER;
      const tests = options.map(takesAsIs);
      return (value) => tests.some((test) => test(value));
    }
    case 'object': {
      // Loose objects only: a stripping or strict one drops or refuses unknown fields.
      if (checks.length || !def.catchall || definition(def.catchall).type !== 'unknown') return NEVER;
      const fields = Object.entries(def.shape ?? {}).map(([name, field]) => [name, takesAsIs(field)] as const);
      return (value) => {
        if (!isObject(value)) return false;
        for (const [name, test] of fields) if (!test(value[name])) return false;
        return true;
      };
    }
    default:
      return NEVER;
  }
}

const SCALARS: ReadonlySet<string> = new Set(['string', 'number', 'boolean']);
const PLAIN: ReadonlySet<unknown> = new Set([Object.prototype, null]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
