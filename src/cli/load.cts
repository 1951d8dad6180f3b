import fs = require('node:fs');
import nodeModule = require('node:module');
import path = require('node:path');
import vm = require('node:vm');

/**
 * How the installed CLI starts (issue 24: a scan of one small file near a bare `node -e 0`). scripts/build-cli.mjs
 * bundles main.ts and what it imports into one CommonJS file, dist/cli-bundle/cli.cjs, instead of some 300 modules
 * to resolve, read and link; and writes beside it V8's code cache of that file after a scan of examples/shop, so
 * that neither the file nor the functions a scan runs are compiled again at each start. The cache is an
 * optimisation only: V8 checks it against its own version, flags and the source, and compiles from the source when
 * it does not match (another Node release), is missing or corrupt.
 *
 * CommonJS, as bin/kubematrix.js is: an ES module entry brings up Node's ESM loader first, some 10 ms of every start.
 */

type Cli = typeof import('./main.js', { with: { 'resolution-mode': 'import' }});

const BUNDLE = path.join(__dirname, '../cli-bundle/cli.cjs');

interface LoadedCli {
  readonly cli: Cli;
  /** The compiled bundle, for the build to write its code cache. */
  readonly script: vm.Script;
  /**
   * `used`; `rejected` by V8 (another Node release or flags, a truncated file); `stale`: older than the bundle,
   * whose edits V8 would not notice (it compares the source's length, not its text); `missing`.
   */
  readonly cache: 'used' | 'rejected' | 'stale' | 'missing';
}

/** The arguments the bundle's function takes (scripts/build-cli.mjs writes it as one function expression). */
type BundleFunction = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
  importExternal: (specifier: string) => Promise<unknown>,
) => void;

function readInto(buffer: Buffer, fd: number, size: number): Buffer {
  try {
    let length = 0;
    while (length < size) {
      const read = fs.readSync(fd, buffer, length, size - length, length);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/** The cache file, opened, when it is a file no older than the bundle. */
function openCache(file: string, bundleModified: number): { fd: number; size: number } | 'stale' | 'missing' {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return 'missing';
  }
  const stats = fs.fstatSync(fd);
  if (stats.isFile() && stats.mtimeMs >= bundleModified) return { fd, size: stats.size };
  fs.closeSync(fd);
  return stats.isFile() ? 'stale' : 'missing';
}

/** The bundled CLI, compiled with the code cache in `cacheFile` (null: none) when V8 accepts it. */
function loadCli(bundle = BUNDLE, cacheFile: string | null = `${bundle}.cache`): LoadedCli {
  const bundleFd = fs.openSync(bundle, 'r');
  const { mtimeMs, size } = fs.fstatSync(bundleFd);
  const cache = cacheFile === null ? 'missing' : openCache(cacheFile, mtimeMs);
  // One buffer for both files, the bundle read first and copied out as a string: fresh memory is what a start pays
  // for most (a page fault per 4 KiB; about 3 ms per MiB on a virtual machine), and the two are 1.5 MB each.
  const buffer = Buffer.allocUnsafe(Math.max(size, typeof cache === 'string' ? 0 : cache.size));
  // ASCII (the build makes sure): as latin1, a one-byte string without a UTF-8 decoding pass. The file is the
  // function expression itself, so V8 compiles this string as it is, without first copying it into a longer one.
  const source = readInto(buffer, bundleFd, size).toString('latin1');
  const cachedData = typeof cache === 'string' ? undefined : readInto(buffer, cache.fd, cache.size);
  const script = new vm.Script(source, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as Cli };
  const bundleFunction = script.runInThisContext() as BundleFunction;
  // The importer of the packages the bundle leaves to Node (the cluster client, an ES module): `import()` inside the
  // script finds no loader once its code comes from the cache.
  const importExternal = (specifier: string) => import(specifier);
  bundleFunction(
    module.exports,
    nodeModule.createRequire(bundle),
    module,
    bundle,
    path.dirname(bundle),
    importExternal,
  );
  const status = typeof cache === 'string' ? cache : script.cachedDataRejected ? 'rejected' : 'used';
  return { cli: module.exports, script, cache: status };
}

export = { loadCli };
