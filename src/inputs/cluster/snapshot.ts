import { gzipSync } from 'node:zlib';
import { DecompressionLimitError, decompressedWhole, isGzip } from '../gunzip.js';
import { countJsonContainers, DEFAULT_LIMITS, type InputLimits, overLimit } from '../limits.js';
import { Collection } from './collection.js';
import { isSnapshotStart } from './snapshot-start.js';

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
 * is only ever a snapshot; plain JSON is one when its first key says so. Read within `limits`: the text (gunzipped,
 * streamed) at most `decompressedBytes`, and its mappings and lists counted before `JSON.parse` builds them, so that
 * a small file of empty objects cannot take minutes and gigabytes.
 */
export async function decodeSnapshot(
  bytes: Buffer,
  limits: Pick<InputLimits, 'decompressedBytes' | 'nodesPerDocument' | 'objects'> = DEFAULT_LIMITS,
): Promise<Collection | undefined> {
  if (!isSnapshotStart(bytes)) return undefined;
  const gzipped = isGzip(bytes);
  let whole = bytes;
  if (gzipped) {
    try {
      whole = await decompressedWhole(
        (async function* () {
          yield bytes;
        })(),
        limits.decompressedBytes,
      );
    } catch (error) {
      if (error instanceof DecompressionLimitError) throw new SnapshotError(error.message);
      throw new SnapshotError('a gzip file that does not decompress');
    }
  }
  if (whole.length > limits.decompressedBytes) {
    throw new SnapshotError(`is ${overLimit('decompressedBytes', limits.decompressedBytes)}`);
  }
  const text = whole.toString('utf8');
  if (countJsonContainers(text) > limits.nodesPerDocument) {
    throw new SnapshotError(`holds ${overLimit('nodesPerDocument', limits.nodesPerDocument, 'mappings and lists')}`);
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
  if (Array.isArray(rest.objects) && rest.objects.length > limits.objects) {
    throw new SnapshotError(`holds ${overLimit('objects', limits.objects, 'objects')}`);
  }
  const collection = Collection.safeParse(rest);
  if (!collection.success) {
    const [issue] = collection.error.issues;
    throw new SnapshotError(`a damaged snapshot: ${issue?.path.join('.') || 'its top level'} is not as written`);
  }
  return collection.data;
}
