import * as z from 'zod';
import {
  ControlStatus,
  Evidence,
  EXPECTED,
  FixOperation,
  MitigationIdSchema,
  ResourceRef,
  Severity,
  SourceLocation,
  severities,
  severityRank,
  TechniqueIdSchema,
} from './basics.js';
import { AttackPaths } from './paths.js';

/**
 * The report model every input and analysis fills, and every reporter reads.
 * `kubematrix scan --output json` prints a `Report` exactly; the zod schemas are the contract (see docs/report.md).
 */

// Defined with the attack-path model's pieces, and part of the report's contract as ever.
export {
  ControlStatus,
  Evidence,
  EXPECTED,
  FixOperation,
  MitigationIdSchema,
  ResourceRef,
  Severity,
  SourceLocation,
  severities,
  severityRank,
  TechniqueIdSchema,
};

export const Suppression = z.object({
  reason: z.string(),
  expires: z.string().optional(),
  /** Where the suppression came from: the config file or the resource's annotation. */
  by: z.enum(['config', 'annotation']),
});
export type Suppression = z.infer<typeof Suppression>;

export const Finding = z.object({
  /** Stable across runs for the same check, resource and field: usable as a baseline key. */
  id: z.string(),
  checkId: z.string(),
  title: z.string(),
  severity: Severity,
  /** Techniques the resource, as configured, makes possible. Empty for a pure hardening gap. */
  techniques: z.array(TechniqueIdSchema),
  /** Mitigations whose absence this finding shows (a gap that would otherwise block techniques). */
  mitigations: z.array(MitigationIdSchema),
  resource: ResourceRef,
  location: SourceLocation.optional(),
  /**
   * Where an object read from a live cluster (or a snapshot of one) lives, as files have `location`:
   * `k8s://<context>/<namespace>/<kind>/<name>`, segments URI-encoded, the namespace empty for cluster-scoped objects.
   * `path` names the field.
   */
  uri: z.string().optional(),
  /** Field path of the offending (or missing) field, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  path: z.string().optional(),
  message: z.string(),
  remediation: z.string(),
  /**
   * For a check that is `fixable`, when the fix is safe to make here: the operations on the object, in order.
   * `kubematrix fix --write` makes them in the file, SARIF carries them as `fixes`, workload patches merge them.
   */
  fix: z.array(FixOperation).optional(),
  /** What the finding rests on besides its own field, most important first. */
  evidence: z.array(Evidence).optional(),
  suppressed: Suppression.optional(),
  /** With `scan --baseline`: whether the baseline report had this finding (matched by fingerprint, docs/report.md). */
  baseline: z.enum(['new', 'unchanged']).optional(),
});
export type Finding = z.infer<typeof Finding>;

/** With `scan --baseline FILE`: how this scan's findings compare with the report in FILE. */
export const BaselineComparison = z.object({
  /** As given on the command line. */
  file: z.string(),
  new: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  /** The baseline's findings this scan no longer has. */
  fixed: z.array(Finding),
});
export type BaselineComparison = z.infer<typeof BaselineComparison>;

/**
 * Per technique, what this scan concluded, in this precedence (the first that applies wins):
 * - `exposed`: at least one unsuppressed finding above `info` says the technique is possible;
 * - `weakened`: nothing exposes it, but a mitigation that would block it is missing somewhere (a finding says so,
 *   or the controls file declares it `partial` or `not-implemented`);
 * - `mitigated`: nothing exposes or weakens it, and at least one of its mitigations was observed in place
 *   everywhere it matters in the input (see `mitigations.present`);
 * - `declared`: nothing exposes or weakens it, and the organization declares one of its mitigations implemented in
 *   its controls file (none observed);
 * - `not-observed`: something in this scan assesses it and found nothing;
 * - `not-assessed`: nothing in this scan can show it (e.g. audit-only techniques in a manifest scan);
 * - `question`: nothing in this scan can show it, and it is one the organization can answer:
 *   `kubematrix explain <id>` gives the question.
 */
export const TechniqueStatusValue = z.enum([
  'exposed',
  'weakened',
  'mitigated',
  'declared',
  'not-observed',
  'not-assessed',
  'question',
]);
export type TechniqueStatusValue = z.infer<typeof TechniqueStatusValue>;

/**
 * One mitigation of a technique, in place or missing, and how we know: `observed` in the input (a defense found in
 * place, or findings showing it absent), or `declared` in the controls file.
 */
/**
 * One admission probe (`simulated` mitigations): a pod or workload violating one control, submitted to the input's
 * own admission policies, and what they did with it in the namespaces listed.
 */
export const SimulatedProbe = z.object({
  control: z.string(),
  /** `a privileged container in a second container of an unlabelled Pod`. */
  probe: z.string(),
  verdict: z.enum(['rejected', 'admitted', 'unproven']),
  namespaces: z.array(z.string()),
  /** The policies (and validations) that decided, with file:line where written; for `unproven`, why. */
  by: z.array(z.string()),
});
export type SimulatedProbe = z.infer<typeof SimulatedProbe>;

export const MitigationState = z.object({
  id: MitigationIdSchema,
  /**
   * `simulated`: admission proven by submitting probes to the input's own policies (`probes`); `observed`: seen in
   * the input, or findings show it absent; `declared`: the controls file.
   */
  by: z.enum(['observed', 'declared', 'simulated']),
  /** For `declared`: what the controls file says. */
  status: ControlStatus.optional(),
  /**
   * In our words: the defenses found in place (`Pod Security admission enforce: restricted on namespace shop`), the
   * checks whose findings show it missing (`network-policy: 3 findings`); for a declaration, its evidence, owner and
   * review date as the controls file gives them.
   */
  evidence: z.array(z.string()),
  /** For `simulated`: every probe and its verdict. */
  probes: z.array(SimulatedProbe).optional(),
});
export type MitigationState = z.infer<typeof MitigationState>;

/**
 * What an audit log showed happening for a technique (`kubematrix audit`, or `scan --audit`): the alerts raised, the
 * worst of their severities and the rules that raised them, most alerts first.
 */
export const TechniqueActivity = z.object({
  alerts: z.number().int().nonnegative(),
  /** Absent when no alert was raised. */
  severity: Severity.optional(),
  rules: z.array(z.object({ id: z.string(), alerts: z.number().int().positive() })),
});
export type TechniqueActivity = z.infer<typeof TechniqueActivity>;

export const TechniqueStatus = z.object({
  id: TechniqueIdSchema,
  status: TechniqueStatusValue,
  /** Unsuppressed findings above `info` naming the technique as exposed. */
  findings: z.number().int().nonnegative(),
  /** Worst severity among those findings. */
  severity: Severity.optional(),
  /** The signals that assessed it: checks in this scan able to report the technique (RBAC checks included). */
  assessedBy: z.array(z.string()),
  /** Mitigations of the technique found in place or declared implemented, and those found or declared missing. */
  mitigations: z.object({
    present: z.array(MitigationState),
    missing: z.array(MitigationState),
    /**
     * Admission defenses that may be in place but could not be proven (a policy the engine cannot evaluate): neither
     * present nor missing; each says why in its evidence.
     */
    unproven: z.array(MitigationState).optional(),
  }),
  /** Why the technique is `not-assessed` when this input could have shown it: kinds the cluster did not let us list. */
  reason: z.string().optional(),
  /**
   * Attack paths to a target (`Report.attackPaths`) with a step that uses the technique; set on every technique
   * when the scan computed paths, absent when it did not.
   */
  onPaths: z.number().int().nonnegative().optional(),
  /** With `scan --audit`: the alerts the audit log raised for the technique, when there were any. */
  activity: TechniqueActivity.optional(),
});
export type TechniqueStatus = z.infer<typeof TechniqueStatus>;

export const ScanError = z.object({
  /** File path as given, `-` for stdin, or another input's name. */
  source: z.string(),
  message: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
});
export type ScanError = z.infer<typeof ScanError>;

/**
 * Something worth a second look, without being an error: the same object defined in several files, each
 * definition assessed where it is written (`repeated-identity`); a path left unread on purpose, as a FIFO or a
 * symbolic link out of the scanned folders (`skipped-input`).
 */
export const ScanWarning = z.object({
  /**
   * `skipped-input`: a file that is not read (not a regular file, a link out of the folders given);
   * `unknown-check`: an ignore rule or annotation naming no check kubematrix has, which hides nothing.
   */
  code: z.enum(['repeated-identity', 'skipped-input', 'unknown-check']),
  message: z.string(),
  resource: ResourceRef.optional(),
  /** Every place the warning concerns. */
  locations: z.array(SourceLocation),
});
export type ScanWarning = z.infer<typeof ScanWarning>;

export const ManifestSource = z.object({
  type: z.literal('manifests'),
  /** The paths given on the command line, as given. */
  inputs: z.array(z.string()),
  files: z.number().int().nonnegative(),
  /** Kubernetes objects read (after unwrapping `List`s). */
  objects: z.number().int().nonnegative(),
  /** YAML/JSON documents that were not Kubernetes objects (no `apiVersion`/`kind`), skipped. */
  ignored: z.number().int().nonnegative(),
  /** Files are a sample of what a cluster holds: an object missing from them may well exist in the cluster. */
  complete: z.literal(false),
});
export type ManifestSource = z.infer<typeof ManifestSource>;

/** A kind the collector could not list, and why: its objects are unknown, not absent. */
export const UnavailableKind = z.object({
  kind: z.string(),
  /** `resource.group` as RBAC names it (`deployments.apps`, `secrets`). */
  resource: z.string(),
  /** In our words: `forbidden (403)`, `server error (500) after 5 attempts`, … */
  reason: z.string(),
});
export type UnavailableKind = z.infer<typeof UnavailableKind>;

/** A live cluster, or a snapshot of one (`kubematrix snapshot`): the same source, so the same report. */
export const ClusterSource = z.object({
  type: z.literal('cluster'),
  /** The kubeconfig context (`in-cluster` inside a pod). */
  context: z.string(),
  server: z.string(),
  /** `gitVersion` of the API server. */
  serverVersion: z.string(),
  collectedAt: z.string(),
  /** The namespaces listed (`null`: all of them) and those left out. */
  namespaces: z.object({ only: z.array(z.string()).nullable(), excluded: z.array(z.string()) }),
  objects: z.number().int().nonnegative(),
  /** Per kind listed, how many objects; Secrets are listed as metadata only. */
  kinds: z.array(
    z.object({
      kind: z.string(),
      apiVersion: z.string(),
      objects: z.number().int().nonnegative(),
      metadataOnly: z.boolean(),
    }),
  ),
  unavailable: z.array(UnavailableKind),
  /**
   * Events per namespace listed, counted but never stored (a busy cluster holds hundreds of thousands):
   * `unknown` where the API server did not say how many, or would not answer. Absent when namespaces were unknown.
   */
  events: z.record(z.string(), z.union([z.number().int().nonnegative(), z.literal('unknown')])).optional(),
  /** Every object of every kind listed is here: an absent object does not exist (within the namespaces listed). */
  complete: z.literal(true),
});
export type ClusterSource = z.infer<typeof ClusterSource>;

/** What the report was made from; each kind of input adds its own member. */
export const ReportSource = z.discriminatedUnion('type', [ManifestSource, ClusterSource]);
export type ReportSource = z.infer<typeof ReportSource>;

/**
 * The attack paths of a scan, as the HTML report and the coverage matrix use them: the paths with their steps, the
 * nodes they pass through and the choke points, without the rest of the graph (`kubematrix paths -o json` has it).
 */
export const ReportAttackPaths = AttackPaths.omit({ edges: true });
export type ReportAttackPaths = z.infer<typeof ReportAttackPaths>;

export const Report = z.object({
  tool: z.literal('kubematrix'),
  version: z.string(),
  scannedAt: z.string(),
  source: ReportSource,
  findings: z.array(Finding),
  techniques: z.array(TechniqueStatus),
  errors: z.array(ScanError),
  warnings: z.array(ScanWarning),
  /** Set when the scan computed attack paths (docs/paths.md). */
  attackPaths: ReportAttackPaths.optional(),
  baseline: BaselineComparison.optional(),
});
export type Report = z.infer<typeof Report>;
