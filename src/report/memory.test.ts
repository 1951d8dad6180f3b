import { setImmediate } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { collectScanGarbage } from './memory.js';

it('collects what is no longer referenced, from the heap size given', async () => {
  let garbage: object | undefined = { left: 'by the scan' };
  const ref = new WeakRef(garbage);
  garbage = undefined;
  // A WeakRef keeps its target alive until the job that made it ends.
  await setImmediate();
  collectScanGarbage(0);
  expect(ref.deref()).toBeUndefined();
});
