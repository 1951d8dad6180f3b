import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/**
 * How the installed CLI starts (issue 24: a scan of one small file near a bare `node -e 0`). scripts/build-cli.mjs
 * bundles main.ts and what it imports into one CommonJS file, dist/cli-bundle/cli.cjs, instead of some 300 modules
 * to resolve, read and link; and writes beside it V8's code cache of that file after a scan of examples/shop, so
 * that neither the file nor the functions a scan runs are compiled again at each start. The cache is an
 * optimisation only: V8 checks it against its own version, flags and the source, and compiles from the source when
 * it does not match (another Node release), is missing or corrupt.
 */

type Cli = typeof import('./main.js');

const here = path.dirname(fileURLToPath(import.meta.url));
export const BUNDLE = path.join(here, '../cli-bundle/cli.cjs');

export interface LoadedCli {
  readonly cli: Cli;
  /** The compiled bundle, for the build to write its code cache. */
  readonly script: vm.Script;
  /**
   * `used`; `rejected` by V8 (another Node release or flags, a truncated file); `stale`: older than the bundle,
   * whose edits V8 would not notice (it compares the source's length, not its text); `missing`.
   */
  readonly cache: 'used' | 'rejected' | 'stale' | 'missing';
}

function readCache(file: string, bundle: string): Buffer | 'stale' | 'missing' {
  try {
    if (statSync(file).mtimeMs < statSync(bundle).mtimeMs) return 'stale';
    return readFileSync(file);
  } catch {
    return 'missing';
  }
}

/** The bundled CLI, compiled with the code cache in `cacheFile` (null: none) when V8 accepts it. */
export function loadCli(bundle = BUNDLE, cacheFile: string | null = `${bundle}.cache`): LoadedCli {
  // ASCII (the build makes sure): read as latin1, it is a one-byte string without a UTF-8 decoding pass.
  const source = readFileSync(bundle, 'latin1');
  const cache = cacheFile === null ? 'missing' : readCache(cacheFile, bundle);
  const cachedData = typeof cache === 'string' ? undefined : cache;
  // The wrapper Node gives a CommonJS module, and the importer of the packages the bundle leaves to Node (the cluster
  // client, an ES module): `import()` inside the script finds no loader once its code comes from the cache.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __importExternal) {${source}\n})`,
    { filename: bundle, ...(cachedData ? { cachedData } : {}) },
  );
  const module = { exports: {} as Cli };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const importExternal = (specifier: string) => import(specifier);
  wrapper(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), importExternal);
  const status = typeof cache === 'string' ? cache : script.cachedDataRejected ? 'rejected' : 'used';
  return { cli: module.exports, script, cache: status };
}
