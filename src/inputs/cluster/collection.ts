import * as z from 'zod';
import { ClusterSource, ScanError } from '../../model/report.js';

/**
 * What the collector read from a cluster, and how: the unit a live scan assesses and a snapshot file holds, so
 * that a snapshot scans to the same report as the cluster it was taken from. Secrets are metadata only.
 */
export const Collection = z.object({
  ...ClusterSource.pick({
    context: true,
    server: true,
    serverVersion: true,
    collectedAt: true,
    namespaces: true,
    kinds: true,
    unavailable: true,
    events: true,
  }).shape,
  /** What went wrong while collecting, as the report's errors show it. */
  errors: z.array(ScanError),
  objects: z.array(z.record(z.string(), z.unknown())),
});
export type Collection = z.infer<typeof Collection>;
