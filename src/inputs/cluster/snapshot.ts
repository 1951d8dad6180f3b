import { gunzipSync, gzipSync } from 'node:zlib';
import { Collection } from './collection.js';

/** The first key of a snapshot file: how `kubematrix scan` tells a snapshot from a manifest. */
export const SNAPSHOT_FORMAT = 'kubematrix.io/snapshot/v1';

export class SnapshotError extends Error {}

/** The collection as a file: JSON, gzipped when the name ends in `.gz`. */
export function encodeSnapshot(collection: Collection, file: string): Buffer {
  const text = `${JSON.stringify({ snapshot: SNAPSHOT_FORMAT, ...collection })}\n`;
  return file.endsWith('.gz') ? gzipSync(text) : Buffer.from(text);
}

/**
 * The collection in a file, or undefined when the file is no snapshot (a manifest). Gzip (by its magic bytes)
 * is only ever a snapshot; plain JSON is one when its first key says so.
 */
export function decodeSnapshot(bytes: Buffer): Collection | undefined {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  let text: string;
  if (gzipped) {
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch {
      throw new SnapshotError('a gzip file that does not decompress');
    }
  } else {
    text = bytes.toString('utf8');
    if (!/^\s*\{\s*"snapshot"\s*:/.test(text.slice(0, 100))) return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SnapshotError(
      gzipped ? 'compressed, but not a kubematrix snapshot' : 'a snapshot that is not valid JSON',
    );
  }
  const { snapshot, ...rest } = (parsed ?? {}) as Record<string, unknown>;
  if (snapshot !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`not a snapshot kubematrix can read (format must be ${SNAPSHOT_FORMAT})`);
  }
  const collection = Collection.safeParse(rest);
  if (!collection.success) {
    const [issue] = collection.error.issues;
    throw new SnapshotError(`a damaged snapshot: ${issue?.path.join('.') || 'its top level'} is not as written`);
  }
  return collection.data;
}
