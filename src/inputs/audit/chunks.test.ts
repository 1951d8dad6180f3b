import { describe, expect, it } from 'vitest';
import { type ChunkPool, type ChunkRequest, type ChunkResult, type RangeSizes, rangesOf } from './chunks.js';

/** A range's answer, as much of one as the scheduling looks at: who read it, where. */
const answer = (by: string, start: number, end: number) =>
  ({ clean: true, next: end, lines: 0, by, start, end, wanted: new Uint8Array(0) }) as unknown as ChunkResult;

/** Workers that answer only when the test says so, two ranges each at most, as the real pool. */
class SlowPool implements Pick<ChunkPool, 'ready' | 'read' | 'recycle' | 'collect'> {
  readonly asked: { start: number; end: number; settle: () => void }[] = [];
  readonly recycled: ChunkResult[] = [];
  waiting = 0;
  started = true;
  stopped = false;

  ready(starting: boolean) {
    return !this.stopped && (this.started || starting) && this.waiting < 2;
  }

  read(request: ChunkRequest) {
    this.waiting++;
    let settled = false;
    return new Promise<ChunkResult>((resolve) => {
      this.asked.push({
        start: request.start,
        end: request.end,
        settle: () => {
          if (settled) return;
          settled = true;
          this.waiting--;
          resolve(answer('worker', request.start, request.end));
        },
      });
    });
  }

  recycle(result: ChunkResult) {
    this.recycled.push(result);
  }

  /** A settled answer reaches the reading thread at once here: none waits to be collected. */
  collect() {
    return false;
  }
}

/**
 * Workers as fast as can be, whose answers come at once but, like messages, reach the reading thread only through its
 * event loop (20 ms later here) or when it collects them.
 */
class QueuedPool implements Pick<ChunkPool, 'ready' | 'read' | 'recycle' | 'collect'> {
  readonly queued: (() => void)[] = [];
  waiting = 0;

  ready() {
    return this.waiting < 2;
  }

  read(request: ChunkRequest) {
    this.waiting++;
    return new Promise<ChunkResult>((resolve) => {
      let settled = false;
      const deliver = () => {
        if (settled) return;
        settled = true;
        this.waiting--;
        resolve(answer('worker', request.start, request.end));
      };
      this.queued.push(deliver);
      setTimeout(deliver, 20);
    });
  }

  recycle() {}

  collect() {
    const any = this.queued.length > 0;
    for (const deliver of this.queued.splice(0)) deliver();
    return any;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Consumes the ranges, answering the workers' whenever the reading thread has read `pace` ranges itself. */
async function consume(pool: SlowPool, size: number, sizes: RangeSizes, pace = Number.POSITIVE_INFINITY) {
  const here: { start: number; end: number }[] = [];
  const yielded: { by: string; start: number; end: number }[] = [];
  const ranges = rangesOf(pool, { file: 'log', seed: 1 }, size, sizes, async (start, end) => {
    here.push({ start, end });
    await tick();
    // The reading thread has caught up `pace` ranges: a worker answers its oldest.
    if (here.length % pace === 0) for (const asked of pool.asked) asked.settle();
    return answer('here', start, end);
  });
  // Answers whatever workers still hold when the reading thread waits on them.
  const timer = setInterval(() => {
    for (const asked of pool.asked) asked.settle();
  }, 5);
  try {
    for await (const result of ranges) yielded.push(result as unknown as { by: string; start: number; end: number });
  } finally {
    clearInterval(timer);
  }
  return { yielded };
}

describe('rangesOf', () => {
  it('yields every byte once, in file order, whoever read each range', async () => {
    const pool = new SlowPool();
    const { yielded } = await consume(pool, 1000, { worker: 100, here: 25, held: 400 }, 3);
    expect(yielded.map(({ start }) => start)).toEqual([...yielded.map(({ start }) => start)].sort((a, b) => a - b));
    expect(yielded[0]).toMatchObject({ by: 'here', start: 0, end: 25 });
    for (let index = 1; index < yielded.length; index++) {
      expect(yielded[index]?.start).toBe(yielded[index - 1]?.end);
    }
    expect(yielded.at(-1)?.end).toBe(1000);
    // Both read: the workers their 100-byte ranges, this thread 25-byte ones while it waited for them.
    expect(new Set(yielded.map(({ by }) => by))).toEqual(new Set(['here', 'worker']));
    // (Short of that only where the file ends.)
    const lengths = (by: string) =>
      new Set(yielded.filter((range) => range.by === by && range.end < 1000).map(({ start, end }) => end - start));
    expect(lengths('worker')).toEqual(new Set([100]));
    expect(lengths('here')).toEqual(new Set([25]));
    // What workers read goes back to them once yielded.
    expect(pool.recycled.length).toBe(yielded.filter(({ by }) => by === 'worker').length);
  });

  it('reads on this thread rather than wait, never more than `held` bytes past the range it yields', async () => {
    const pool = new SlowPool();
    const size = 10_000;
    const ranges = rangesOf(pool, { file: 'log', seed: 1 }, size, { worker: 100, here: 50, held: 300 }, async (s, e) =>
      answer('here', s, e),
    );
    const first = await ranges.next();
    expect(first.value).toMatchObject({ by: 'here', start: 0, end: 50 });
    // The workers hold the next two ranges; this thread read on up to 300 bytes past the first and now waits.
    const second = ranges.next();
    await tick();
    expect(pool.asked.map(({ start }) => start)).toEqual([50, 150]);
    for (const asked of pool.asked) asked.settle();
    expect((await second).value).toMatchObject({ by: 'worker', start: 50, end: 150 });
    const taken = Math.max(...pool.asked.map(({ end }) => end));
    expect(taken).toBeLessThanOrEqual(50 + 300 + 100);
    // Stop consuming: nothing more is taken.
    await ranges.return(undefined);
    const asked = pool.asked.length;
    for (const request of pool.asked) request.settle();
    await tick();
    expect(pool.asked.length).toBe(asked);
  });

  it('reads the first `held` bytes on this thread, in order, while the workers start, and then gives them ranges', async () => {
    const pool = new SlowPool();
    pool.started = false;
    const { yielded } = await consume(pool, 1000, { worker: 100, here: 50, held: 300 }, 2);
    const firstWorker = yielded.findIndex(({ by }) => by === 'worker');
    expect(yielded.slice(0, 6).map(({ by, start, end }) => ({ by, start, end }))).toEqual(
      [0, 50, 100, 150, 200, 250].map((start) => ({ by: 'here', start, end: start + 50 })),
    );
    expect(yielded[firstWorker]?.start).toBe(300);
  });

  it('takes answers that have come before reading a range itself', async () => {
    // The reading thread replays without reaching its event loop between ranges: answers wait there unless collected.
    const pool = new QueuedPool();
    const ranges = rangesOf(pool, { file: 'log', seed: 1 }, 1000, { worker: 100, here: 50, held: 400 }, async (s, e) =>
      answer('here', s, e),
    );
    const by: string[] = [];
    for await (const range of ranges) by.push((range as unknown as { by: string }).by);
    // The first range is always this thread's (the workers start meanwhile); every other one came from the workers.
    expect(by).toEqual(['here', ...Array(10).fill('worker')]);
  });

  it('reads every range on this thread when no worker runs', async () => {
    const pool = new SlowPool();
    pool.stopped = true;
    const { yielded } = await consume(pool, 1000, { worker: 100, here: 100, held: 400 });
    expect(yielded.map(({ by }) => by)).toEqual(Array(10).fill('here'));
  });
});
