// The CLI as bin/kubematrix.js starts it (src/cli/load.cts): src/cli/main.ts and what it imports (yaml, zod too)
// bundled by esbuild into one CommonJS file, dist/cli-bundle/cli.cjs, and V8's code cache of it after a scan of
// examples/shop, dist/cli-bundle/cli.cjs.cache. Run after tsc (`npm run build`): the library, dist/index.js, is
// tsc's output and is not bundled. Whitespace only is minified (a third less to read at each start, issue 24): a
// stack trace still names the functions as the source does, and cli.cjs.map maps its columns to src/.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist/cli-bundle');
const bundle = path.join(outdir, 'cli.cjs');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * src/version.ts reads ../package.json beside it, which from dist/cli-bundle/ would be dist/package.json: the
 * bundle gets the version it was built from instead.
 */
const inlineVersion = {
  name: 'inline-version',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({
      contents: `export const version = ${JSON.stringify(version)};\n`,
      loader: 'ts',
    }));
  },
};

/**
 * The bundle runs as a vm.Script (src/cli/load.cts), where `import()` finds no loader once V8's code cache is used
 * (Node 20 keeps the import callback out of the cache): a dynamic import of an external package calls instead the
 * `__importExternal` that load.cts passes in, which imports from an ES module of its own.
 */
const EXTERNAL_IMPORT = /\bimport\((['"])(@kubernetes\/client-node)\1\)/g;
const externalImports = {
  name: 'external-imports',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path: file }) => {
      const text = readFileSync(file, 'utf8');
      if (text.search(EXTERNAL_IMPORT) === -1) return undefined;
      return { contents: text.replace(EXTERNAL_IMPORT, '__importExternal($1$2$1)'), loader: 'ts' };
    });
  },
};

/**
 * Node's modules that a scan of files does not use but that modules on its way import (commander: child_process, to
 * run `git`-style subcommand executables; the gzip of snapshots and logs: zlib; an IP check: net; the heap settings
 * of large runs: v8): each costs milliseconds to load, before any work. The bundle's `require` of them becomes
 * `__defer`, of the same length (the source map's columns hold), which loads the module at its first use. Only where
 * esbuild reads the module's properties at the call (`import_x.name`, `childProcess.spawn`); a default import goes
 * through __toESM, which lists the properties at once: the traps below keep that correct, just not deferred.
 */
const DEFERRED = /\brequire\((["'])node:(child_process|net|v8|zlib)\1\)/g;
const DEFER = `const __defer = (id) => {
  let loaded;
  const load = () => (loaded ??= require(id));
  return new Proxy({}, {
    get: (_, key) => load()[key],
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const own = Reflect.getOwnPropertyDescriptor(load(), key);
      return own && { ...own, configurable: true };
    },
  });
};`;

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [inlineVersion],
};

rmSync(outdir, { recursive: true, force: true });
// The audit command reads large logs on worker threads, which start from src/engine/audit-worker.ts beside the code
// that starts them (`new URL('./audit-worker.js', import.meta.url)`): here, beside the bundle. An ES module (the
// package's `.js`), as tsc's copy in dist/engine is; without it the bundle would read every log on one thread.
await build({
  ...shared,
  entryPoints: [path.join(root, 'src/engine/audit-worker.ts')],
  outfile: path.join(outdir, 'audit-worker.js'),
  format: 'esm',
  // CommonJS dependencies inside an ES module bundle still call require.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
await build({
  ...shared,
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outfile: bundle,
  format: 'cjs',
  // The cluster client (a live cluster only) is large and loads its own way: from node_modules, when asked for.
  // @bufbuild/cel and commander are required through createRequire, which esbuild leaves to Node as well.
  external: ['@kubernetes/client-node'],
  // CommonJS has no import.meta: the modules that resolve from their own URL get the bundle's.
  define: { 'import.meta.url': '__bundleUrl' },
  // The file is one function expression, the wrapper Node gives a CommonJS module and the importer of external
  // packages: src/cli/load.cts compiles it as read, where a wrapper added at run time made V8 copy the whole text.
  banner: {
    js: `(function (exports, require, module, __filename, __dirname, __importExternal) {const __bundleUrl = require('node:url').pathToFileURL(__filename).href;\n${DEFER}`,
  },
  footer: { js: '})' },
  // Strings escaped to ASCII: the loader reads the file as latin1, a one-byte string, no UTF-8 decoding.
  charset: 'ascii',
  minifyWhitespace: true,
  plugins: [inlineVersion, externalImports],
});
if (/\bimport\(\s*["'`]/.test(readFileSync(bundle, 'utf8'))) {
  throw new Error(`${bundle} holds a dynamic import(), which fails under its code cache: add it to EXTERNAL_IMPORT`);
}

// What esbuild leaves outside ASCII is in comments it keeps (an em dash): one character for one, so the source
// map's columns still hold. The deferred modules likewise.
writeFileSync(
  bundle,
  readFileSync(bundle, 'utf8')
    .replace(/[\u0080-\uffff]/g, '?')
    .replace(DEFERRED, (_, quote, id) => `__defer(${quote}node:${id}${quote})`),
);

// The code cache: the bundle compiled and run once on the example, so that the functions a scan calls are compiled
// in it too, not just the top level. Output goes nowhere; the scan's exit code does not matter.
const { loadCli } = await import(pathToFileURL(path.join(root, 'dist/cli/load.cjs')).href);
const { cli, script } = loadCli(bundle, null);
const sink = { write: () => true };
const io = { stdout: sink, stderr: sink, stdin: async () => Buffer.alloc(0), env: {}, cwd: root };
// JSON (what tools read) and the table (the default).
for (const format of ['json', 'table']) await cli.run(['scan', 'examples/shop', '-o', format, '-q'], io);
writeFileSync(`${bundle}.cache`, script.createCachedData());
