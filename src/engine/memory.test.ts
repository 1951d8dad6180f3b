import { setImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { beforeEach, expect, it, vi } from 'vitest';
import type { ManifestSource } from '../model/report.js';
import {
  collectScanGarbage,
  limitHeapGrowth,
  SCAN_GROWING_PERCENT,
  WRITING_GROWING_PERCENT,
  writtenCollected,
} from './memory.js';
import { scanObjects } from './scan.js';

vi.mock('node:v8', async (original) => {
  const v8 = await original<typeof import('node:v8')>();
  return { ...v8, setFlagsFromString: vi.fn(v8.setFlagsFromString) };
});

beforeEach(() => {
  vi.mocked(setFlagsFromString).mockClear();
  vi.unstubAllEnvs();
});

/** The heap growths set so far in this test, in order. */
const growthsSet = () =>
  vi
    .mocked(setFlagsFromString)
    .mock.calls.map(([flags]) => flags)
    .filter((flags) => flags.startsWith('--heap-growing-percent='));

const growth = (percent: number) => `--heap-growing-percent=${percent}`;

it('collects what is no longer referenced, from the heap size given', async () => {
  let garbage: object | undefined = { left: 'by the scan' };
  const ref = new WeakRef(garbage);
  garbage = undefined;
  // A WeakRef keeps its target alive until the job that made it ends.
  await setImmediate();
  collectScanGarbage(0);
  expect(ref.deref()).toBeUndefined();
});

it('keeps the smallest growth of the runs under way, and gives V8 its own back when the last ends', () => {
  const audit = limitHeapGrowth(100);
  const scan = limitHeapGrowth(50);
  const another = limitHeapGrowth(100);
  expect(growthsSet()).toEqual([growth(100), growth(50)]);
  scan();
  scan();
  expect(growthsSet()).toEqual([growth(100), growth(50), growth(100)]);
  audit();
  expect(growthsSet()).toHaveLength(3);
  another();
  expect(growthsSet()).toEqual([growth(100), growth(50), growth(100), growth(0)]);
});

it('leaves a heap growth the process was started with alone', () => {
  vi.stubEnv('NODE_OPTIONS', '--max-semi-space-size=16 --heap_growing_percent=300');
  limitHeapGrowth(50)();
  expect(growthsSet()).toEqual([]);
});

it('writes a report from a small heap as it is, and a large one collected, limited until its last piece', () => {
  const pieces = ['{', '}'];
  expect(writtenCollected(() => pieces)).toBe(pieces);
  expect(growthsSet()).toEqual([]);

  let atRender: unknown[] = [];
  const during: unknown[][] = [];
  const render = () => {
    // Set before the collection (which sets the next limit) and the report's rendering, kept while it is written.
    atRender = growthsSet();
    return (function* () {
      for (const piece of pieces) {
        during.push(growthsSet());
        yield piece;
      }
    })();
  };
  expect([...writtenCollected(render, 0)]).toEqual(pieces);
  expect(atRender).toEqual([growth(WRITING_GROWING_PERCENT)]);
  expect(during).toEqual([atRender, atRender]);
  expect(growthsSet()).toEqual([growth(WRITING_GROWING_PERCENT), growth(0)]);
});

it('gives the growth back when a large report fails to render, and when its writer stops early', () => {
  expect(() =>
    writtenCollected(() => {
      throw new Error('no report');
    }, 0),
  ).toThrow('no report');
  expect(growthsSet()).toEqual([growth(WRITING_GROWING_PERCENT), growth(0)]);
  for (const piece of writtenCollected(() => ['{', '}'], 0)) if (piece === '{') break;
  expect(growthsSet()).toHaveLength(4);
  expect(growthsSet().at(-1)).toBe(growth(0));
});

const configMaps = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${index}`, namespace: 'shop' } },
  }));

it('limits a large scan’s growth while it runs, not a small one’s', () => {
  const source: ManifestSource = {
    type: 'manifests',
    inputs: ['-'],
    files: 1,
    objects: 0,
    ignored: 0,
    complete: false,
  };
  scanObjects(configMaps(4_999), source);
  expect(growthsSet()).toEqual([]);
  scanObjects(configMaps(5_000), source);
  expect(growthsSet()).toEqual([growth(SCAN_GROWING_PERCENT), growth(0)]);
});
