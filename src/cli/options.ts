import { ConfigError, loadConfig } from '../config/index.js';
import { globMatch } from '../util/text.js';
import { type Io, UsageError } from './io.js';

export function parseOutput<const T extends string>(value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--output must be one of ${allowed.join(', ')} (got '${value}')`);
}

const DURATION = /^(?:\d+[smhdw])+$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1e3, m: 60e3, h: 3600e3, d: 86_400e3, w: 604_800e3 };
const RFC3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * A time for `--since`/`--until`: RFC 3339 (`2026-11-30T10:00:00Z`, offsets allowed; a bare date is midnight UTC),
 * or a duration back from `now` (`90s`, `15m`, `2h`, `7d`, `1w`, combined as `1h30m`).
 */
export function parseTimeBound(text: string, option: string, now: Date): Date {
  if (DURATION.test(text)) {
    let ms = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g))
      ms += Number(amount) * (UNIT_MS[unit as string] ?? 0);
    return new Date(now.getTime() - ms);
  }
  const time = RFC3339.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(
      `${option} takes an RFC 3339 time (2026-11-30T10:00:00Z) or a duration back from now (2h, 7d) (got '${text}')`,
    );
  }
  return new Date(time);
}

/** `--check` and `--skip-check`, as `scan` and `audit` take them. */
export interface SelectionOptions {
  check?: string[];
  skipCheck?: string[];
}

/**
 * `--check` and `--skip-check` patterns against the ids they choose among (checks, detection rules): a pattern that
 * matches none is a typo, which would silently run nothing, or skip nothing.
 */
export function selectionOf(ids: readonly string[], { check, skipCheck }: SelectionOptions, what: string) {
  for (const [option, patterns] of [
    ['--check', check],
    ['--skip-check', skipCheck],
  ] as const) {
    const unmatched = patterns?.find((pattern) => !ids.some((id) => globMatch(pattern, id)));
    if (unmatched !== undefined) throw new UsageError(`${option} '${unmatched}' matches no ${what}`);
  }
  return { only: check, skip: skipCheck };
}

/** The config file's suppressions and settings (`-c FILE`, else `.kubematrix.yaml` if present). */
export async function configFor(io: Io, file: string | undefined) {
  return loadConfig(file, io.cwd).catch((error: unknown) => {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  });
}
