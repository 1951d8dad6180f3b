import * as z from 'zod';
import { Severity, TechniqueIdSchema } from './report.js';

/**
 * One detection's verdict on one audit event, as `kubematrix audit --output jsonl` prints it (one per line) and the
 * webhook backend streams it. Never carries a value read from a request or response body.
 */
export const Alert = z.object({
  /** The detection's id (docs/detections.md). */
  rule: z.string(),
  techniques: z.array(TechniqueIdSchema).min(1),
  severity: Severity,
  /** The event's `requestReceivedTimestamp` (else `stageTimestamp`), as the API server wrote it. */
  time: z.string().optional(),
  /** The authenticated user; for an impersonated request, the user the request acted as is in `impersonatedUser`. */
  user: z.string(),
  impersonatedUser: z.string().optional(),
  sourceIPs: z.array(z.string()),
  verb: z.string(),
  /** `resource` or `resource/subresource`, with `.group` for named API groups: `pods/exec`, `daemonsets.apps`. */
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  /** Absent when the input's pipeline dropped it. */
  auditID: z.string().optional(),
  /** One sentence in our words: what happened and why it matters. */
  message: z.string(),
  /** The input file (as given, `-` for standard input, `webhook` for the backend) and the 1-based line the event starts on. */
  source: z.object({ file: z.string(), line: z.number().int().positive() }),
});
export type Alert = z.infer<typeof Alert>;
