import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunnableItem } from './items.js';

/**
 * The one BullMQ queue of bulk work, shared by every replica: one BullMQ job per item to run. Its id is
 * derived from the bulk job, the line and the round (a resume is a new round), so a fan-out redone after a
 * crash adds nothing new while the first is still queued. Settings and why: docs/bulk-jobs.md.
 */

export const QUEUE_NAME = 'bulk';
/** Keeps BullMQ's keys beside the gateway's own in a shared Redis. */
export const BULL_PREFIX = 'subscriber-graph:bull';

export interface ItemData {
  jobId: string;
  round: number;
  item: RunnableItem;
}

/** Unexpected failures (a backend 5xx, a bug) are tried this often before the item is FAILED. */
export const ITEM_ATTEMPTS = 3;

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  // Each item's result lives in the job model (model.ts): BullMQ's copy of a finished job is dead weight.
  removeOnComplete: true,
  // Failed BullMQ jobs (tries used up; their item is recorded FAILED) stay a week for inspection, then go.
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  attempts: ITEM_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2_000 },
};

export const itemJobId = (jobId: string, index: number, round: number) => `item-${jobId}-${index}-${round}`;

export function createQueue(connection: Redis): Queue {
  return new Queue(QUEUE_NAME, {
    connection,
    prefix: BULL_PREFIX,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
    // The events stream is read by nobody here (progress goes through pub/sub): keep it short.
    streams: { events: { maxLen: 1_000 } },
  });
}

export async function enqueueItems(queue: Queue, jobId: string, round: number, items: RunnableItem[]) {
  if (items.length === 0) return;
  await queue.addBulk(
    items.map((item) => ({
      name: 'item',
      data: { jobId, round, item } satisfies ItemData,
      opts: { jobId: itemJobId(jobId, item.index, round) },
    })),
  );
}
