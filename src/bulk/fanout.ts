import { setTimeout as sleep } from 'node:timers/promises';
import { classify, type RunnableItem } from './items.js';
import type { FanOutStore } from './fanout-store.js';
import type { JobStore } from './job-store.js';
import { type BulkJob, FINAL_STATUSES, type ResultEntry } from './model.js';

/**
 * A job's fan-out: its input lines, a chunk at a time, become INVALID items (with why), DUPLICATE items (the
 * first line naming the same location or customer runs; the others point to it), or BullMQ items to run.
 * Lines that already have a result are passed over, and the cursor (`enqueued`) is saved after each chunk,
 * so a fan-out taken over after a crash goes on from there, and a resume (a new round) enqueues exactly the
 * items that lost their NOT_STARTED outcome. Once the job stops taking work (cancelled, or its credential
 * expired), lines not yet enqueued are recorded NOT_STARTED here.
 */

/**
 * Lines per chunk. Each chunk's classifying and BullMQ's `addBulk` run without a pause, and a chunk's Redis
 * round trips give the event loop back to interactive requests: 1,000 lines held the loop 40–90 ms, 100 a
 * few (docs/performance.md, "Bulk jobs").
 */
export const CHUNK = 100;
/**
 * The fan-out keeps at most this many items queued ahead of the workers (all jobs together), and waits
 * while more are: a 10,000-line job is enqueued as it runs instead of all in its first seconds, so the
 * CPU it takes (its own, Redis's) is spread over the job instead of crowding interactive requests at its
 * start, and BullMQ's copies of queued items stay few in Redis.
 */
export const QUEUED_AHEAD = 1_000;
const QUEUE_CHECK_MS = 200;

export interface FanOutDeps {
  /** start, status, get; and the job's end through `record`. */
  store: JobStore;
  lines: FanOutStore;
  enqueue(jobId: string, round: number, items: RunnableItem[]): Promise<void>;
  /** Records results and handles the job's end (worker.ts). */
  record(job: BulkJob, entries: ResultEntry[]): Promise<void>;
  /** Resolves when bulk work may take the event loop again (loop-share.ts). */
  turn(): Promise<void>;
  /** Items queued and not yet taken by a worker, all jobs together. */
  queued(): Promise<number>;
}

const invalid = (index: number, line: number, message: string, itemId?: string): ResultEntry => ({
  result: { index, line, itemId, outcome: 'INVALID', error: { code: 'INVALID_ITEM', message } },
});

/**
 * Runs one round of a job's fan-out while `keepLease` holds (another replica took it over otherwise).
 * Resolves true when the round is done (or no longer the job's round), false when it let go.
 */
export async function fanOut(
  deps: FanOutDeps,
  id: string,
  round: number,
  keepLease: () => Promise<boolean>,
): Promise<boolean> {
  const { store } = deps;
  await store.start(id);
  const job = await store.get(id);
  if (!job || FINAL_STATUSES.has(job.status) || job.round !== round) return true;
  const first = job.enqueued;
  for (let from = first; from < job.objectCount; from += CHUNK) {
    await deps.turn();
    if (!(await keepLease())) return false;
    while ((await deps.queued()) >= QUEUED_AHEAD) {
      await sleep(QUEUE_CHECK_MS);
      if (!(await keepLease())) return false;
    }
    const now = await store.status(id);
    if (now.round !== round) return true;
    // The chunk this run starts with may have been enqueued by a run that died: enqueue it again (BullMQ
    // ids make that a no-op) rather than record NOT_STARTED over items that may be running.
    const stopping = (now.status !== 'RUNNING' || Boolean(now.errorCode)) && from !== first;
    const lines = await deps.lines.lines(id, from, CHUNK);
    if (lines.length === 0) break;
    const recorded = await deps.lines.hasResults(
      id,
      lines.map((_, i) => from + i),
    );
    const entries: ResultEntry[] = [];
    const runnable: Array<{ item: RunnableItem; key: string }> = [];
    lines.forEach((line, i) => {
      if (recorded[i]) return;
      const classified = classify(job.action, from + i, line, job);
      if (classified.ok) runnable.push({ item: classified.item, key: classified.dedupeKey });
      else entries.push(invalid(from + i, line.line, classified.error, classified.itemId));
    });
    const firsts = await deps.lines.firstLines(
      id,
      runnable.map(({ item, key }) => ({ key, index: item.index, line: item.line })),
    );
    const toRun: RunnableItem[] = [];
    runnable.forEach(({ item }, i) => {
      const firstLine = firsts[i]!;
      const result = { index: item.index, line: item.line, itemId: item.itemId };
      if (firstLine.index !== item.index) {
        const message = `The same item as line ${firstLine.line}: it runs once, there.`;
        entries.push({
          result: { ...result, outcome: 'DUPLICATE', error: { code: 'DUPLICATE_ITEM', message } },
        });
      } else if (stopping) {
        entries.push({ result: { ...result, outcome: 'NOT_STARTED' } });
      } else {
        toRun.push(item);
      }
    });
    await deps.enqueue(id, round, toRun);
    if (entries.length) await deps.record(job, entries);
    await deps.lines.setEnqueued(id, from + lines.length);
  }
  return true;
}
