import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import vm from 'node:vm';

/**
 * How large runs keep their peak memory down: V8 sets the heap's next limit after each full collection, by default
 * up to four times what survived it, and a scan's garbage (parsed files, a report's pieces) fills whatever it is
 * given. Named imports of node:v8 only: the CLI's bundle loads the module at its first use (scripts/build-cli.mjs),
 * which a small scan never reaches.
 */

/**
 * Heap in use (live data and garbage not yet collected) from which a report's writer starts with a full garbage
 * collection. Around 35,000 resources and up: below it the collection costs more than it saves (at 10,000 resources
 * the heap is some 150 MB and a scan takes about two seconds).
 */
const COLLECT_FROM_BYTES = 256 * 1024 * 1024;

/**
 * How far, in percent, the heap may grow past what survived its last full collection while a large input is
 * scanned. V8's own choice took `scan -o json` of 100,000 resources (some 490 MB alive at the end of the scan) to a
 * heap of 740 MB and 930–950 MB of RSS; at 50 %, 820–880 MB, for some 5 % more time. At 10,000 resources it costs
 * no time either way.
 */
export const SCAN_GROWING_PERCENT = 50;

/**
 * The same while a large report is written, from the report alone (the scan's leftovers collected first): what a
 * writer adds is pieces of text, garbage as soon as written. At 50 % the HTML page of 100,000 resources still peaked
 * at 960–980 MB of RSS (its report is some 470 MB); at 25 %, 890–900 MB, for about 1 s more of 22.
 */
export const WRITING_GROWING_PERCENT = 25;

let collect: (() => void) | undefined;

/**
 * From process.memoryUsage, which loads nothing (node:v8 costs a small scan milliseconds, issue 24); it reads
 * /proc/self/stat for the RSS as well and throws without /proc (the container image has none), where node:v8's
 * statistics answer instead.
 */
function heapInUse(): number {
  try {
    return process.memoryUsage().heapUsed;
  } catch {
    return getHeapStatistics().used_heap_size;
  }
}

/**
 * Collects the scan's leftovers before a large report is written. V8 sets the heap's next limit after each full
 * collection, from what was alive then: during the scan, the inventory and every parsed file. Once the scan is done
 * they are garbage, yet nothing collects them until the writer's own garbage (a piece of text per batch of
 * findings) has filled the heap up to that limit: at 100,000 resources peak RSS went from ~830 MB at the end of the
 * scan to ~1,000–1,100 MB while the HTML was written. Collected first, the report alone (~460 MB there) sets the
 * limit, and writing stays under what the scan reached; the collection takes about 1 % of such a scan.
 */
export function collectScanGarbage(from = COLLECT_FROM_BYTES): void {
  if (heapInUse() < from) return;
  if (!collect) {
    // `gc` is exposed to contexts created while the flag is set; only this one gets it.
    setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
  }
  collect();
}

/** The growth each run under way asked for; the smallest is in force. */
const asked: number[] = [];
/** What this module last set: 0 is V8's own choice. */
let inForce = 0;

function setGrowth(): void {
  const percent = asked.length ? Math.min(...asked) : 0;
  if (percent === inForce) return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  inForce = percent;
}

/**
 * Limits the heap's growth to `percent` until the returned function is called, unless the process was started with
 * a growth of its own. V8 reads the flag whenever it sets a heap's next limit, so it takes effect at run time, in
 * every thread; given at the start instead, any flag would have V8 reject the CLI's code cache (src/cli/load.cts).
 * Runs at once (an audit during a scan) each keep theirs: the smallest is in force, and V8 gets its own back once
 * the last has ended.
 */
export function limitHeapGrowth(percent: number): () => void {
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (options.some((option) => /^--heap[-_]growing[-_]percent\b/.test(option))) return () => {};
  asked.push(percent);
  setGrowth();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    asked.splice(asked.indexOf(percent), 1);
    setGrowth();
  };
}

/**
 * A large report's pieces, written after the scan's leftovers are collected and with the heap's growth limited
 * until the last piece ({@link WRITING_GROWING_PERCENT}): the heap the writer starts from is then the report alone,
 * and it grows by a quarter of it at most. Limited before the collection, which sets the next limit. `from`: as for
 * {@link collectScanGarbage}.
 */
export function writtenCollected(render: () => Iterable<string>, from = COLLECT_FROM_BYTES): Iterable<string> {
  if (heapInUse() < from) return render();
  const release = limitHeapGrowth(WRITING_GROWING_PERCENT);
  try {
    collectScanGarbage(0);
    return releasedAfter(render(), release);
  } catch (error) {
    release();
    throw error;
  }
}

function* releasedAfter(pieces: Iterable<string>, release: () => void): Generator<string> {
  try {
    yield* pieces;
  } finally {
    release();
  }
}
