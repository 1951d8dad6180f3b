import type { AnyDetection } from './define.js';

/** Every detection, in docs order (by technique, then id). Each lives in its own folder beside its test table. */
export const allDetections: readonly AnyDetection[] = [];
