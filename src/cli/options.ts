import { UsageError } from './io.js';

export function parseOutput<const T extends string>(value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--output must be one of ${allowed.join(', ')} (got '${value}')`);
}
