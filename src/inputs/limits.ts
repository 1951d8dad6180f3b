import { formatCount } from '../util/text.js';

/**
 * Bounds on what one input may cost, so that a hostile file (a pull request in CI, a snapshot someone hands over)
 * cannot stall a scan or exhaust its memory. Each default sits far above anything real; each is configurable under
 * `limits:` in `.kubematrix.yaml`. Hitting one is a located input error for that input; the rest is still scanned.
 */
export interface InputLimits {
  /**
   * Bytes of one manifest file (or of standard input), read only when under the bound. 32 MiB is eight times the
   * largest public CRD bundle (kube-prometheus, about 4 MB); parsing costs about 60 bytes of heap per byte, so a file
   * at the bound needs about 2 GB.
   */
  readonly fileBytes: number;
  /** Documents (`---`) in one file: Helm renders of the largest charts hold a few hundred. */
  readonly documentsPerFile: number;
  /**
   * Values (mappings, lists and scalars, alias expansions included) in one document. An object the API server
   * stores is at most 1.5 MiB of JSON, under a million values; a `kind: List` dump of thousands of objects fits.
   */
  readonly nodesPerDocument: number;
  /**
   * Bytes a snapshot, or one audit log file, may expand to when gunzipped (and a plain snapshot's size): above a
   * rotated audit log (kube-apiserver's usual --audit-log-maxsize is 100 MB) and a snapshot of thousands of objects.
   */
  readonly decompressedBytes: number;
  /** Kubernetes objects in one scan, all files together: the largest supported cluster runs 150,000 pods. */
  readonly objects: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: InputLimits = {
  fileBytes: 32 * MiB,
  documentsPerFile: 10_000,
  nodesPerDocument: 2_000_000,
  decompressedBytes: 128 * MiB,
  objects: 200_000,
};

/** `more than 32 MiB (limits.fileBytes in .kubematrix.yaml)`: the bound exceeded, and where to raise it. */
export function overLimit(key: keyof InputLimits, limit: number, unit = ''): string {
  const amount = unit ? `${formatCount(limit)} ${unit}` : formatBytes(limit);
  return `more than ${amount} (limits.${key} in .kubematrix.yaml)`;
}

function formatBytes(bytes: number): string {
  return bytes >= MiB && bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${formatCount(bytes)} bytes`;
}

/**
 * Objects and arrays in JSON text (brackets outside strings), counted in one pass without building them: checked
 * against `nodesPerDocument` before `JSON.parse`, so that a small text of countless empty objects cannot take
 * gigabytes of heap.
 */
export function countJsonContainers(json: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) count++;
  }
  return count;
}
