import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The workplace's shared folder (reference data and public corpora), beside the repository. */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const binPath = path.join(repoRoot, 'bin/kubematrix.js');

const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * Whether ../shared is there. A fresh clone has nothing beside it, so its absence is normal on a laptop;
 * in CI it means the corpora were not provided, and skipping would hide that, so it throws.
 */
export function sharedAvailable(): boolean {
  if (existsSync(sharedDir)) return true;
  if (inCI) throw new Error(`${sharedDir} not found, and CI is set: CI must run the corpus tests against ../shared`);
  return false;
}

/**
 * A describe block for tests that read ../shared. Without it, `fn` is not even called (corpus tests read their
 * data while collecting) and the block is skipped with its reason printed; in CI its absence fails the run.
 */
export function describeShared(name: string, fn: () => void | Promise<void>): void {
  if (sharedAvailable()) {
    describe(name, fn);
    return;
  }
  const reason = '../shared not found: corpus tests skipped';
  // The default reporter lists no names of skipped tests; a warning during collection is always shown.
  console.warn(`${name}: ${reason} (${sharedDir})`);
  describe.skip(`${name} (${reason})`, () => {
    it.skip(reason);
  });
}
