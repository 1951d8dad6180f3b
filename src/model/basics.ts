import * as z from 'zod';

/**
 * The pieces findings and attack paths share (src/model/report.ts and src/model/paths.ts re-use them), and what the
 * scan's own modules take from the model: importing them from here, not from report.ts, a scan does not build the
 * report's schemas, which only reading a report back (a baseline) needs.
 */

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const Severity = z.enum(severities);
export type Severity = z.infer<typeof Severity>;

/** Lower is worse: sorts critical first. */
export function severityRank(severity: Severity): number {
  return severities.indexOf(severity);
}

/** How a finding about what a system component is expected to hold or do begins; such findings are `info`. */
export const EXPECTED = 'expected for a system component: ';

/** What a controls file says of a mitigation. */
export const ControlStatus = z.enum(['implemented', 'partial', 'not-implemented']);
export type ControlStatus = z.infer<typeof ControlStatus>;

export const TechniqueIdSchema = z.string().regex(/^MS-TA9\d{3}$/);
export const MitigationIdSchema = z.string().regex(/^MS-M9\d{3}(\.\d{3})?$/);

/**
 * One change a fix makes to the finding's object, as an RFC 6902 JSON Patch operation (`kubectl patch --type json`
 * takes a list of them): `add` sets the member at `path` (a JSON Pointer), or appends to an array at `…/-`. Fixes only
 * fill in what the object leaves to a permissive default; they never overwrite a value.
 */
export const FixOperation = z.object({
  op: z.literal('add'),
  path: z.string().regex(/^(\/[^/]*)+$/),
  value: z.unknown(),
});
export type FixOperation = z.infer<typeof FixOperation>;

export const ResourceRef = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  /**
   * `null` for a cluster-scoped kind only. A namespaced object that names none is in the namespace it would be
   * applied to (`-n`, `default` unless given); its locations say so (`namespaceDefaulted`).
   */
  namespace: z.string().nullable(),
  name: z.string(),
});
export type ResourceRef = z.infer<typeof ResourceRef>;

export const SourceLocation = z.object({
  /** The path as the user gave it (`-` for standard input). */
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  endLine: z.number().int().positive().optional(),
  endColumn: z.number().int().positive().optional(),
  /**
   * Set when the object there names no namespace: the one it was placed in, as `kubectl apply -n` would (`-n`,
   * `default` unless given).
   */
  namespaceDefaulted: z.string().optional(),
});
export type SourceLocation = z.infer<typeof SourceLocation>;
/**
 * One piece of what a finding rests on, beyond the field it points at: the binding that grants a permission, the
 * role and rule it comes from, the Service that exposes a pod, the policy that fails to cover it. Reporters show
 * the text; SARIF turns those with a location into related locations.
 */
export const Evidence = z.object({
  /** What the piece is, for filtering and for readers of the JSON. */
  type: z.enum(['subject', 'binding', 'role', 'rule', 'workload', 'service', 'policy', 'target', 'definition']),
  resource: ResourceRef.optional(),
  location: SourceLocation.optional(),
  /** The object's `k8s://` address when it was read from a cluster, as {@link Finding} `uri`. */
  uri: z.string().optional(),
  path: z.string().optional(),
  /** One line in our words; never a value read from a Secret. */
  text: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;
