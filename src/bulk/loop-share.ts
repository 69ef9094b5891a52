import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Interactive requests first: bulk work takes at most a share of this replica's event loop (BULK_LOOP_SHARE).
 * The loop's utilization is sampled every SAMPLE_MS; while the last sample is above the share, a bulk call
 * (or a chunk of a fan-out) waits before it starts, so the loop keeps room for the requests of people waiting
 * on a screen. A bound on items in flight (BULK_CONCURRENCY) cannot do this: with backends that answer in a
 * millisecond, 4 items keep a loop 80% busy (docs/performance.md, "Bulk jobs"). A call waits at most
 * MAX_WAIT_MS, so bulk work never stops under a loop kept busy by interactive traffic alone.
 */

const SAMPLE_MS = 20;
const STEP_MS = 2;
const MAX_WAIT_MS = 1_000;

export class LoopShare {
  private last = performance.eventLoopUtilization();
  private busy = 0;
  private readonly sampler: NodeJS.Timeout | undefined;

  constructor(private readonly share: number) {
    if (share >= 1) return;
    this.sampler = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.busy = performance.eventLoopUtilization(now, this.last).utilization;
      this.last = now;
    }, SAMPLE_MS).unref();
  }

  /** Resolves when a bulk call may start: the loop is below the share, or it waited MAX_WAIT_MS. */
  async turn(signal?: AbortSignal): Promise<void> {
    for (let waited = 0; this.busy > this.share && waited < MAX_WAIT_MS; waited += STEP_MS) {
      await sleep(STEP_MS, undefined, signal ? { signal } : {});
    }
  }

  close(): void {
    clearInterval(this.sampler);
  }
}
