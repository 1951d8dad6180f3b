#!/usr/bin/env node
// Scan at scale (issue 24), on the corpora of ../shared/bench/gen.py: start-up, then 10,000 and 100,000 resources in
// every output format and through `paths`, each against the floor of parsing the same files with `yaml` alone.
// Prints figures, asserts nothing. Needs the build; scripts/bench.mjs calls benchScale().
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin/kubematrix.js');
const generator = path.join(root, '../shared/bench/gen.py');
const FORMATS = ['json', 'table', 'sarif', 'html'];

/**
 * One measurement in a fresh process, so that its peak RSS is its own: the floor (import `yaml`, read and parse every
 * file with `{ version: '1.1' }`, convert each document to plain values) or the CLI with these arguments, writing
 * to standard output as a user's shell would (here /dev/null). Both time from their first import to the end, after
 * Node's own start-up, which is the same for both. Results come back on fd 3.
 */
function measure(corpus, args) {
  // Once standard output is flushed: elapsed time, peak RSS and exit code.
  const done = `const done = (code) => process.stdout.write('', () => writeSync(3, JSON.stringify({ ms: performance.now() - start, rssMb: process.resourceUsage().maxRSS / 1024, code })));`;
  const script = args
    ? `${done}
    const start = performance.now();
    const { run } = await import(${JSON.stringify(path.join(root, 'dist/cli/main.js'))});
    const code = await run(${JSON.stringify(args)});
    done(code);`
    : `${done}
    const start = performance.now();
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parseAllDocuments } = await import(${JSON.stringify(path.join(root, 'node_modules/yaml/dist/index.js'))});
    for (const name of readdirSync(${JSON.stringify(corpus)}).sort()) {
      for (const document of parseAllDocuments(readFileSync(${JSON.stringify(corpus)} + '/' + name, 'utf8'), { version: '1.1' })) document.toJS();
    }
    done(0);`;
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { writeSync } from 'node:fs';${script}`],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    },
  );
  const out = child.output[3];
  if (!out) throw new Error(`${args ? args.join(' ') : 'the floor'} failed (exit ${child.status}): ${child.stderr}`);
  return JSON.parse(out);
}

/** The fastest of `runs` of each case, alternating: noise on a shared machine only ever adds time. Peak RSS: the most. */
function alternate(runs, cases) {
  const seen = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, measureOnce] of Object.entries(cases)) seen[name].push(measureOnce());
  }
  return Object.fromEntries(
    Object.entries(seen).map(([name, all]) => [
      name,
      { ms: Math.min(...all.map((m) => m.ms)), rssMb: Math.max(...all.map((m) => m.rssMb)), code: all[0].code },
    ]),
  );
}

function generate(directory, resources) {
  execFileSync('python3', [generator, 'manifests', directory, String(resources)]);
  return readdirSync(directory).length;
}

const fmt = (figure) => `${figure.ms.toFixed(0)} ms, peak RSS ${figure.rssMb.toFixed(0)} MB`;

/** Prints the issue-24 lines; says so and prints none of the corpus lines when the generator is not there. */
export function benchScale({ runs = 4, largeRuns = 1, log = console.log } = {}) {
  const startup = (args) => () => {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, rssMb: 0 };
  };
  const versionRun = alternate(11, {
    bare: startup(['-e', '0']),
    version: startup([bin, '--version']),
    help: startup([bin, '--help']),
  });
  log(
    `startup   kubematrix --version: ${versionRun.version.ms.toFixed(0)} ms, node -e 0: ${versionRun.bare.ms.toFixed(0)} ms (fastest of 11); ratio ${(versionRun.version.ms / versionRun.bare.ms).toFixed(2)} (target ≤ 1.2)`,
  );
  // No target: the whole bundle loads, no command runs.
  log(
    `startup   kubematrix --help: ${versionRun.help.ms.toFixed(0)} ms; ratio ${(versionRun.help.ms / versionRun.bare.ms).toFixed(2)}`,
  );
  if (!existsSync(generator)) {
    log(`scale     ${generator} not found: the gen.py corpus lines (issue 24) are skipped`);
    return;
  }
  const temp = mkdtempSync(path.join(tmpdir(), 'kubematrix-scale-'));
  try {
    const small = path.join(temp, 'small');
    generate(small, 10);
    const smallRun = alternate(11, {
      bare: startup(['-e', '0']),
      scan: startup([bin, 'scan', small, '-o', 'json', '-q']),
    });
    log(
      `startup   scan of one file of 10 resources -o json: ${smallRun.scan.ms.toFixed(0)} ms, node -e 0: ${smallRun.bare.ms.toFixed(0)} ms (fastest of 11); ratio ${(smallRun.scan.ms / smallRun.bare.ms).toFixed(2)} (target ≤ 1.5)`,
    );

    const results = {};
    for (const [resources, count] of [
      [10_000, runs],
      [100_000, largeRuns],
    ]) {
      if (!count) {
        log(`\nscale     ${resources} resources: skipped (0 runs asked for)`);
        continue;
      }
      const corpus = path.join(temp, String(resources));
      const files = generate(corpus, resources);
      const cases = { floor: () => measure(corpus) };
      for (const format of FORMATS) cases[format] = () => measure(corpus, ['scan', corpus, '-o', format, '-q']);
      cases.paths = () => measure(corpus, ['paths', corpus, '-o', 'json', '-q']);
      const m = alternate(count, cases);
      results[resources] = m;
      rmSync(corpus, { recursive: true, force: true });
      const big = resources > 10_000;
      log(`\nscale     gen.py manifests ${resources} resources in ${files} files (fastest of ${count}, alternated)`);
      log(`floor     yaml only: ${fmt(m.floor)}`);
      for (const format of FORMATS) {
        const ratio = m[format].ms / m.floor.ms;
        const target = big
          ? `${(m[format].ms / results[10_000][format].ms).toFixed(1)}× the 10,000 case (target ≤ 11×), RSS target ≤ 1024 MB`
          : format === 'json'
            ? 'target ≤ 1.3, RSS ≤ 250 MB'
            : 'target ≤ 1.5';
        log(
          `${format.padEnd(9)} scan -o ${format}: ${fmt(m[format])}; ratio ${ratio.toFixed(2)}; exit ${m[format].code} (${target})`,
        );
      }
      log(
        `paths     paths -o json: ${fmt(m.paths)}; ${(m.paths.ms / m.json.ms).toFixed(2)}× scan -o json (target ≤ 2); exit ${m.paths.code}`,
      );
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchScale(scaleRuns(process.env));
}

/** BENCH_RUNS (default 4) for 10,000 resources, BENCH_LARGE_RUNS (default 1; 0 skips it) for 100,000. */
export function scaleRuns(env) {
  const large = env.BENCH_LARGE_RUNS === undefined ? 1 : Number(env.BENCH_LARGE_RUNS);
  return { runs: Number(env.BENCH_RUNS) || 4, largeRuns: large };
}
