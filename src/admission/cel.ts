import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/**
 * CEL as Kubernetes admission evaluates it (ValidatingAdmissionPolicy, Gatekeeper's K8sNativeValidation, Kyverno's
 * `validate.cel`), on `@bufbuild/cel`. Compile once per expression, evaluate per object.
 */

export type CelOutcome =
  | { readonly ok: true; readonly value: unknown }
  /** `unsupported`: the expression needs something this evaluator lacks, so its answer is unknown, not false. */
  | { readonly ok: false; readonly error: string; readonly unsupported: boolean };

export interface CelProgram {
  readonly expression: string;
  evaluate(variables: Readonly<Record<string, unknown>>): CelOutcome;
}

const env = celEnv({ funcs: strings });

/** A compiled expression, or why it does not compile. */
export function compileCel(expression: string): CelProgram | { readonly error: string } {
  let run: ReturnType<typeof plan>;
  try {
    run = plan(env, parse(expression));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  return {
    expression,
    evaluate(variables) {
      const bindings: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(variables)) bindings[name] = toCel(value);
      const value = run(bindings as never);
      if (isCelError(value)) {
        const error = value.message;
        return { ok: false, error, unsupported: /unbound function|unknown function|overload/i.test(error) };
      }
      return { ok: true, value };
    },
  };
}

/** JSON as CEL sees Kubernetes objects: objects are maps, integers are `int`. */
export function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    if (value instanceof Map) return value;
    return new Map(Object.entries(value).map(([key, item]) => [key, toCel(item)]));
  }
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}
