import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { FINAL_STATUSES, type BulkJob } from './model.js';

/**
 * A job's progress, across replicas: whichever replica records an item publishes the job's state on Redis
 * pub/sub (Yoga's redis event target), at most every PUBLISH_EVERY_MS per job and replica, and always when
 * it ends. A subscriber gets the current state first, then each newer state, then the final one, and the
 * stream ends. Pub/sub forgets what nobody heard (a replica that died before publishing, a message sent
 * before the subscription took), so the stream also re-reads the job every POLL_MS.
 */

const TOPIC = 'subscriber-graph:bulk-job';
export const PUBLISH_EVERY_MS = 250;
const POLL_MS = 2_000;

export class ProgressEvents {
  private readonly pubSub;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly lastPublished = new Map<string, number>();

  constructor(
    publishClient: Redis,
    subscribeClient: Redis,
    private readonly read: (id: string) => Promise<BulkJob | undefined>,
  ) {
    this.pubSub = createPubSub<Record<typeof TOPIC, [id: string, job: BulkJob]>>({
      eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
    });
  }

  /** The job changed: publish its state soon (once per PUBLISH_EVERY_MS), or now when it ended. */
  changed(id: string, ended = false): void {
    if (this.pending.has(id) && !ended) return;
    clearTimeout(this.pending.get(id));
    const since = Date.now() - (this.lastPublished.get(id) ?? 0);
    const delay = ended ? 0 : Math.max(0, PUBLISH_EVERY_MS - since);
    const timer = setTimeout(() => {
      this.pending.delete(id);
      this.lastPublished.set(id, Date.now());
      this.read(id).then(
        (job) => {
          if (!job) return;
          this.pubSub.publish(TOPIC, id, job);
          if (FINAL_STATUSES.has(job.status)) this.lastPublished.delete(id);
        },
        () => {},
      );
    }, delay);
    timer.unref();
    this.pending.set(id, timer);
  }

  /**
   * The job's states from now until it ends: `first` (read by the caller, who checked the owner), then
   * every newer state. Ending the iteration (the client went away) stops waiting at once.
   */
  watch(first: BulkJob): AsyncIterableIterator<BulkJob> {
    const stop = new AbortController();
    const inner = this.states(first, stop.signal);
    return {
      next: () => inner.next(),
      return: (value?: unknown) => {
        stop.abort();
        return inner.return(value as BulkJob);
      },
      throw: (error?: unknown) => inner.throw(error),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private async *states(first: BulkJob, stop: AbortSignal): AsyncGenerator<BulkJob> {
    const events = this.pubSub.subscribe(TOPIC, first.id)[Symbol.asyncIterator]();
    const stopped = new Promise<undefined>((resolve) =>
      stop.addEventListener('abort', () => resolve(undefined), { once: true }),
    );
    try {
      let latest = first;
      yield latest;
      let next: Promise<IteratorResult<BulkJob>> | undefined;
      while (!FINAL_STATUSES.has(latest.status) && !stop.aborted) {
        next ??= events.next();
        const poll = sleep(POLL_MS, undefined, { ref: false }).then(() => 'poll' as const);
        const arrived = await Promise.race([next, poll, stopped]);
        if (arrived === undefined) return;
        let job: BulkJob | undefined;
        if (arrived === 'poll') {
          job = await this.read(first.id);
          if (!job) return;
        } else {
          next = undefined;
          if (arrived.done) return;
          job = arrived.value;
        }
        if (job.version <= latest.version) continue;
        latest = job;
        yield latest;
      }
    } finally {
      await events.return?.();
    }
  }

  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
