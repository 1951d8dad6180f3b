import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { issueMessage, yamlErrorMessage } from '../inputs/errors.js';
import { DEFAULT_LIMITS } from '../inputs/limits.js';
import { type FieldPath, formatPath } from '../inputs/path.js';
import { ConversionError, locate, type Positions, toPlain } from '../inputs/yaml.js';
import { Severity, type SourceLocation } from '../model/basics.js';

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

/**
 * A custom check written in CEL (docs/rules.md): which objects it looks at, and the validations each must pass, with
 * the variables of a ValidatingAdmissionPolicy. Only the shape is checked here; src/rules checks the techniques,
 * the ids and the expressions.
 */
export const RuleSpec = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case: lower-case words joined by -'),
  title: z.string().min(1),
  severity: Severity,
  techniques: z.array(z.string().min(1)).min(1, 'name at least one technique (MS-TA9xxx) the rule bears on'),
  mitigations: z.array(z.string().min(1)).default([]),
  description: z.string().min(1).optional(),
  rationale: z.string().min(1).optional(),
  remediation: z.string().min(1).optional(),
  match: z.strictObject({
    /** Kinds as written in `kind:` (`Deployment`), or `*` for every kind. */
    kinds: z.array(z.string().min(1)).min(1),
    /** Namespaces (`*` patterns allowed); absent: every namespace and cluster-scoped objects. */
    namespaces: z.array(z.string().min(1)).optional(),
    labelSelector: z
      .strictObject({
        matchLabels: z.record(z.string(), z.string()).optional(),
        matchExpressions: z
          .array(
            z.strictObject({
              key: z.string().min(1),
              operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
              values: z.array(z.string()).optional(),
            }),
          )
          .optional(),
      })
      .optional(),
  }),
  /** Named expressions the validations read as `variables.<name>`, as in a ValidatingAdmissionPolicy. */
  variables: z
    .array(z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), expression: z.string().min(1) }))
    .default([]),
  validations: z
    .array(
      z.strictObject({
        expression: z.string().min(1),
        message: z.string().min(1).optional(),
        messageExpression: z.string().min(1).optional(),
      }),
    )
    .min(1),
});
export type RuleSpec = z.infer<typeof RuleSpec>;

/** Rules as read from one file, with the means to point at their fields: `rules[0].validations[1].expression`. */
export interface RuleFile {
  readonly file: string;
  readonly rules: readonly RuleSpec[];
  /** The location of a field, by its path from the top of the file (`['rules', 0, …]`). */
  locate(path: FieldPath): SourceLocation;
}

export const ConfigSchema = z.strictObject({
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
  /** Custom checks (docs/rules.md). */
  rules: z.array(RuleSpec).default([]),
});

/** The config; when read from a file, `rulesFile` locates its `rules`. */
export type Config = z.infer<typeof ConfigSchema> & { readonly rulesFile?: RuleFile };
export const Config: { parse(value: unknown): Config } = ConfigSchema;

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
  const { data, locate } = parseYaml(text, source, ConfigSchema, 'config');
  return { ...data, rulesFile: { file: source, rules: data.rules, locate } };
}

/** `--rules FILE`: `rules:` as in the config file, so that a rule moves between them unchanged. */
export async function loadRuleFile(file: string, cwd = '.'): Promise<RuleFile> {
  const text = (await readUserFile(file, file, cwd, 'rules')) as string;
  const { data, locate } = parseYaml(text, file, z.strictObject({ rules: z.array(RuleSpec).min(1) }), 'rules');
  return { file, rules: data.rules, locate };
}

/**
 * A YAML file read against a schema; bad YAML or a bad field is a ConfigError naming the file, the line and the
 * field. The value keeps its source positions, so that later checks (an expression that does not compile) can
 * point at their line too.
 */
function parseYaml<T>(
  text: string,
  source: string,
  schema: z.ZodType<T>,
  what: string,
): { data: T; locate: (path: FieldPath) => SourceLocation } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', uniqueKeys: false, lineCounter });
  const positions: Positions = new Map();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  const [yamlError] = document.errors;
  if (yamlError) throw new ConfigError(`${what} ${at(yamlError.pos[0])}: ${yamlErrorMessage(yamlError)}`);
  let raw: unknown;
  try {
    raw = toPlain(document, positions) ?? {};
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    throw new ConfigError(`${what} ${at(error.offset)}: ${error.message}`);
  }
  const locateIn = (path: FieldPath) => locate(raw, 0, positions, lineCounter, source, path);
  const result = schema.safeParse(raw, { error: issueMessage });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path as (string | number)[];
      const { line, column } = locateIn(path);
      return `${source}:${line}:${column}: ${formatPath(path) || '(top level)'}: ${issue.message}`;
    });
    throw new ConfigError(`${what} ${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return { data: result.data, locate: locateIn };
}
