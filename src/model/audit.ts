import * as z from 'zod';
import { Alert } from './alert.js';
import { ScanError, TechniqueActivity, TechniqueIdSchema } from './report.js';

/** What `kubematrix audit` read: the inputs as given and what came of them. */
export const AuditSource = z.object({
  type: z.literal('audit-log'),
  /** The paths given on the command line, as given (`-` for standard input). */
  inputs: z.array(z.string()),
  /** Files read: each file of a directory, standard input once. */
  files: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  /** Events read, after copies (same auditID and stage) were left out. */
  events: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  /** Records that held no audit event (listed in `errors`, the first hundred of each input). */
  malformed: z.number().int().nonnegative(),
  /**
   * Per input that had any: events read although their pipeline dropped the `auditID` (never taken for copies) or
   * the `stage` (taken as `ResponseComplete`).
   */
  lenient: z.array(
    z.object({
      file: z.string(),
      withoutAuditID: z.number().int().nonnegative(),
      withoutStage: z.number().int().nonnegative(),
    }),
  ),
  /** Events outside `--since`/`--until`, left out (as those without a timestamp when a window is set). */
  outsideWindow: z.number().int().nonnegative(),
  since: z.string().optional(),
  until: z.string().optional(),
});
export type AuditSource = z.infer<typeof AuditSource>;

/**
 * Per technique: `active` when alerts were raised for it; `not-observed` when a rule that ran watches for it and none
 * fired; `not-assessed` when no rule watches for it (a technique audit logs cannot show, or one no rule covers yet).
 */
export const AuditTechniqueStatus = z.enum(['active', 'not-observed', 'not-assessed']);
export type AuditTechniqueStatus = z.infer<typeof AuditTechniqueStatus>;

export const AuditTechnique = TechniqueActivity.extend({
  id: TechniqueIdSchema,
  status: AuditTechniqueStatus,
  /** The rules that ran and watch for the technique. */
  assessedBy: z.array(z.string()),
});
export type AuditTechnique = z.infer<typeof AuditTechnique>;

/**
 * `kubematrix audit --output json`: the whole run in one document (use `--output jsonl` for the alerts alone). The
 * alerts come before what is known only at the end (what was read, the techniques, the rules, the errors): the CLI
 * writes each as it is raised, so that a log raising millions holds none of them in memory.
 */
export const AuditReport = z.object({
  tool: z.literal('kubematrix'),
  version: z.string(),
  analyzedAt: z.string(),
  /** In the order of the input. */
  alerts: z.array(Alert),
  source: AuditSource,
  /** Every technique of the matrix, in matrix order. */
  techniques: z.array(AuditTechnique),
  /** Every detection that ran, with the alerts it raised: most first, then by id. */
  rules: z.array(z.object({ id: z.string(), alerts: z.number().int().nonnegative() })),
  errors: z.array(ScanError),
});
export type AuditReport = z.infer<typeof AuditReport>;
