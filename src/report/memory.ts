import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import vm from 'node:vm';

/**
 * Heap in use (live data and garbage not yet collected) from which a report's writer starts with a full garbage
 * collection. Around 35,000 resources and up: below it the collection costs more than it saves (at 10,000 resources
 * the heap is some 150 MB and a scan takes about two seconds).
 */
export const COLLECT_FROM_BYTES = 256 * 1024 * 1024;

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
