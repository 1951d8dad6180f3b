import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, YAMLError } from 'yaml';
import { z } from 'zod';
import { issueMessage, yamlErrorMessage } from '../inputs/errors.js';
import { DEFAULT_LIMITS } from '../inputs/limits.js';
import { formatPath } from '../inputs/path.js';
import { Severity } from '../model/report.js';

/** A date as YAML 1.1 reads it (a timestamp) or as text: kept as `YYYY-MM-DD` text. */
export const isoDate = z
  .union([z.string(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value))
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date such as 2027-01-31');

export const IgnoreRule = z.strictObject({
  /** A check id, or `*` for every check. */
  check: z.string().min(1),
  namespace: z.string().optional(),
  kind: z.string().optional(),
  /** Exact name, or a pattern with `*`. */
  name: z.string().optional(),
  reason: z.string().min(1, 'a suppression needs a reason'),
  expires: isoDate.optional(),
});
export type IgnoreRule = z.infer<typeof IgnoreRule>;

export const CheckSettings = z.strictObject({
  enabled: z.boolean().optional(),
  severity: Severity.optional(),
  options: z.unknown().optional(),
});

/** Crown jewels of this organization, besides the built-in targets of attack paths (docs/paths.md). */
export const PathTargets = z.strictObject({
  /** Secrets whose reading is a target in itself: a database password, a signing key. */
  secrets: z.array(z.strictObject({ namespace: z.string().min(1), name: z.string().min(1) })).default([]),
  /** Namespaces where running code, or holding the identity of a workload, is a target. */
  namespaces: z.array(z.string().min(1)).default([]),
});
export type PathTargets = z.infer<typeof PathTargets>;

/** `kubematrix audit` (and `scan --audit`): who most detections skip. */
export const AuditConfig = z.strictObject({
  allow: z
    .strictObject({
      /** User names, `*` patterns allowed: `system:serviceaccount:argocd:*`. */
      users: z.array(z.string().min(1)).default([]),
      groups: z.array(z.string().min(1)).default([]),
      /** Use only these lists, instead of adding them to the built-in one (system controllers and nodes). */
      replaceDefaults: z.boolean().default(false),
    })
    .optional(),
});
export type AuditConfig = z.infer<typeof AuditConfig>;

const bound = (fallback: number) => z.number().int().positive().default(fallback);

/** What one input may cost before it is refused (src/inputs/limits.ts says why each default is what it is). */
export const Limits = z.strictObject({
  fileBytes: bound(DEFAULT_LIMITS.fileBytes),
  documentsPerFile: bound(DEFAULT_LIMITS.documentsPerFile),
  nodesPerDocument: bound(DEFAULT_LIMITS.nodesPerDocument),
  decompressedBytes: bound(DEFAULT_LIMITS.decompressedBytes),
  objects: bound(DEFAULT_LIMITS.objects),
});

export const Config = z.strictObject({
  ignore: z.array(IgnoreRule).default([]),
  /**
   * `inline: false`: the `kubematrix.io/ignore` annotation suppresses nothing, so that a scanned manifest (an
   * untrusted pull request) cannot switch off the gate for itself; this file's `ignore` rules still apply.
   */
  suppressions: z.strictObject({ inline: z.boolean().default(true) }).prefault({}),
  limits: Limits.prefault({}),
  checks: z.record(z.string(), CheckSettings).default({}),
  paths: z.strictObject({ targets: PathTargets.prefault({}) }).prefault({}),
  audit: AuditConfig.optional(),
});
export type Config = z.infer<typeof Config>;

export const DEFAULT_CONFIG_FILE = '.kubematrix.yaml';

export class ConfigError extends Error {}

/**
 * Reads `.kubematrix.yaml` (or the given file). A missing default file is an empty config;
 * a missing explicit file, bad YAML or a bad field is a ConfigError naming file and field.
 */
export async function loadConfig(file?: string, cwd = '.'): Promise<Config> {
  const text = await readUserFile(file, DEFAULT_CONFIG_FILE, cwd, 'config');
  return text === undefined ? Config.parse({}) : parseConfig(text, file ?? DEFAULT_CONFIG_FILE);
}

/**
 * A file the user may give, or its default name in `cwd`: `undefined` when the default is absent, a ConfigError
 * when the file cannot be read (an explicit file that is missing included).
 */
export async function readUserFile(
  file: string | undefined,
  fallback: string,
  cwd: string,
  what: string,
): Promise<string | undefined> {
  const target = file ?? fallback;
  try {
    return await readFile(path.resolve(cwd, target), 'utf8');
  } catch (error) {
    if (!file && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${what} ${target}: ${(error as Error).message}`);
  }
}

export function parseConfig(text: string, source = DEFAULT_CONFIG_FILE): Config {
  let raw: unknown;
  try {
    raw = parse(text, { version: '1.1' }) ?? {};
  } catch (error) {
    if (!(error instanceof YAMLError)) throw error;
    const at = error.linePos?.[0];
    throw new ConfigError(`config ${source}${at ? `:${at.line}:${at.col}` : ''}: ${yamlErrorMessage(error)}`);
  }
  const result = Config.safeParse(raw, { error: issueMessage });
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${formatPath(issue.path as (string | number)[]) || '(top level)'}: ${issue.message}`,
    );
    throw new ConfigError(`config ${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
