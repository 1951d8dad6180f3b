import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The workplace's shared folder (reference data and public corpora), beside the repository. */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const binPath = path.join(repoRoot, 'bin/kubematrix.js');

const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Debian's Chromium, which the browser tests drive (`.ci/run` installs it). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * What some tests need from outside the repository: `path` exists, or they cannot run. A fresh clone on a laptop
 * may well lack it, so there its absence skips them with the reason printed; in CI skipping would hide that the
 * environment is incomplete, so it throws.
 */
interface Requirement {
  readonly path: string;
  /** Why the tests are skipped, as printed: `../shared not found: corpus tests skipped`. */
  readonly skipped: string;
  /** What CI must provide, for the error. */
  readonly ci: string;
}

const shared: Requirement = {
  path: sharedDir,
  skipped: '../shared not found: corpus tests skipped',
  ci: 'CI must run the corpus tests against ../shared',
};
const chromium: Requirement = {
  path: chromiumPath,
  skipped: `${chromiumPath} not found: browser tests skipped (apt-get install chromium)`,
  ci: 'CI must install chromium to run the browser tests (.ci/run does)',
};

/** Debian's tools the install-path and report tests drive (`.ci/run` installs them). */
const tools = {
  buildah: 'buildah',
  'pre-commit': 'pre-commit',
  xmllint: 'libxml2-utils',
} as const;
export type Tool = keyof typeof tools;

function toolRequirement(tool: Tool): Requirement {
  const path = `/usr/bin/${tool}`;
  return {
    path,
    skipped: `${path} not found: its tests skipped (apt-get install ${tools[tool]})`,
    ci: `CI must install ${tools[tool]} (.ci/run does)`,
  };
}

function available({ path, ci }: Requirement): boolean {
  if (existsSync(path)) return true;
  if (inCI) throw new Error(`${path} not found, and CI is set: ${ci}`);
  return false;
}

/**
 * A describe block for tests that need `requirement`. Without it, `fn` is not even called (corpus tests read their
 * data while collecting) and the block is skipped with its reason printed; in CI its absence fails the run.
 */
function describeNeeding(requirement: Requirement, name: string, fn: () => void | Promise<void>): void {
  if (available(requirement)) {
    describe(name, fn);
    return;
  }
  // The default reporter lists no names of skipped tests; a warning during collection is always shown.
  console.warn(`${name}: ${requirement.skipped} (${requirement.path})`);
  describe.skip(`${name} (${requirement.skipped})`, () => {
    it.skip(requirement.skipped);
  });
}

/** Whether ../shared (reference data and public corpora) is there; see `Requirement`. */
export function sharedAvailable(): boolean {
  return available(shared);
}

/** A describe block for tests that read ../shared. */
export function describeShared(name: string, fn: () => void | Promise<void>): void {
  describeNeeding(shared, name, fn);
}

/** A describe block for tests that drive Chromium at `chromiumPath`. */
export function describeBrowser(name: string, fn: () => void | Promise<void>): void {
  describeNeeding(chromium, name, fn);
}

/** A describe block for tests that run one of Debian's tools (`/usr/bin/TOOL`). */
export function describeWithTool(tool: Tool, name: string, fn: () => void | Promise<void>): void {
  describeNeeding(toolRequirement(tool), name, fn);
}
