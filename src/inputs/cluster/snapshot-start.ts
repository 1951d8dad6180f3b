import { isGzip } from '../gunzip.js';

/**
 * Whether a file that starts with these bytes (its first 100 are enough) is a snapshot: gzip, or JSON saying so.
 * Apart from snapshot.ts, so that telling a manifest from a snapshot does not build the snapshot's schema.
 */
export function isSnapshotStart(bytes: Buffer): boolean {
  return isGzip(bytes) || /^\s*\{\s*"snapshot"\s*:/.test(bytes.subarray(0, 100).toString('utf8'));
}
