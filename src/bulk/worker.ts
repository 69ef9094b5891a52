import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, type Job, type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { contextFor, type GatewayDependencies } from '../context.js';
import type { Logger } from '../logger.js';
import { type AuditTrail, AuthorityProofs } from '../security/identity.js';
import { type CredentialSeal, OpenedCredentials } from './credentials.js';
import { fanOut } from './fanout.js';
import { FanOutLoop } from './fanout-loop.js';
import type { ItemOutcome } from './items.js';
import type { FanOutStore } from './fanout-store.js';
import type { JobStore } from './job-store.js';
import { type BulkJob, FINAL_STATUSES, type ResultEntry } from './model.js';
import { auditJob, type BulkObserver } from './observe.js';
import type { LoopShare } from './loop-share.js';
import type { SharedPacer } from './pacer.js';
import type { ProgressEvents } from './progress.js';
import { BULL_PREFIX, enqueueItems, type ItemData, QUEUE_NAME } from './queue.js';
import { runItem } from './run-item.js';

/**
 * The BullMQ worker of one replica: it takes items from the shared queue, BULK_CONCURRENCY at a time (and
 * runs fan-outs: fanout-loop.ts). An item runs with its job's credential (opened here, never logged), through the shared pacer; its
 * verdict becomes its recorded result, a delayed retry, or the job's stop. Whoever records a job's last item
 * ends it: its audit record, its metric, its final progress event.
 */

/** An item's whole run (pacing waits included); past it the item waits its turn again. */
export const ITEM_TIMEOUT_MS = 120_000;
/** A replica that dies mid-item holds it at most this long (plus a stall check) before another takes it. */
const LOCK_MS = 10_000;
const STALLED_CHECK_MS = 5_000;
/** An item whose runs stopped their replica more often than this is FAILED (ITEM_STALLED), not run again. */
const MAX_STALLED = 5;

export interface WorkerDeps {
  redis: Redis;
  store: JobStore;
  fanOutStore: FanOutStore;
  queue: Queue;
  seal: CredentialSeal;
  dependencies: GatewayDependencies;
  pacer: SharedPacer;
  /** Bulk work's share of this replica's event loop: fan-out chunks wait for it as item calls do. */
  loopShare: LoopShare;
  observer: BulkObserver;
  progress: ProgressEvents;
  audit: AuditTrail;
  logger: Logger;
  concurrency: number;
}

export class BulkWorker {
  private readonly worker: Worker;
  /** Runs the fan-outs of new (and resumed) jobs on this replica. */
  readonly fanOuts: FanOutLoop;
  /** Opened credentials of the jobs this replica is running (forgotten when the job ends). */
  private readonly credentials: OpenedCredentials;
  private readonly jobs = new Map<string, { job: BulkJob; until: number }>();
  /** A job's items of one customer prove the credential reaches it once a minute, not once an item. */
  private readonly authorityProofs = new AuthorityProofs();

  constructor(private readonly deps: WorkerDeps) {
    this.credentials = new OpenedCredentials(deps.seal, (id) => deps.store.credential(id));
    this.worker = new Worker(QUEUE_NAME, (job, token) => this.runItem(job, token), {
      connection: deps.redis,
      prefix: BULL_PREFIX,
      concurrency: deps.concurrency,
      lockDuration: LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
      maxStalledCount: MAX_STALLED,
      // Nothing in the item is CPU-bound: the processor runs in this process, not in a BullMQ child process.
      autorun: true,
    });
    this.worker.on('error', (error) =>
      deps.logger.warn({ err: { message: error.message } }, 'bulk worker: redis error'),
    );
    this.worker.on('failed', (job, error) => void this.lost(job, error));
    const fanOutDeps = {
      store: deps.store,
      lines: deps.fanOutStore,
      enqueue: (jobId: string, round: number, items: Parameters<typeof enqueueItems>[3]) =>
        enqueueItems(deps.queue, jobId, round, items),
      record: (job: BulkJob, entries: ResultEntry[]) => this.record(job, entries),
      turn: () => deps.loopShare.turn(),
      queued: () => deps.queue.count(),
    };
    this.fanOuts = new FanOutLoop(
      deps.fanOutStore,
      (id, round, keep) => fanOut(fanOutDeps, id, round, keep),
      deps.logger,
    );
    this.fanOuts.start();
  }

  /** The job's fixed facts (action, owner, ...), cached briefly: its status is always read fresh. */
  private async jobOf(id: string): Promise<BulkJob | undefined> {
    const cached = this.jobs.get(id);
    if (cached && cached.until > Date.now()) return cached.job;
    const job = await this.deps.store.get(id);
    if (job) this.jobs.set(id, { job, until: Date.now() + 10_000 });
    return job;
  }

  private async runItem(bullJob: Job, token?: string): Promise<void> {
    const { jobId, item } = bullJob.data as ItemData;
    const job = await this.jobOf(jobId);
    if (!job) return;
    if (bullJob.attemptsStarted <= 1) this.deps.observer.queueWait(Date.now() - bullJob.timestamp);
    const notStarted = (): ResultEntry => ({
      result: { index: item.index, line: item.line, itemId: item.itemId, outcome: 'NOT_STARTED' },
    });
    const { status, errorCode } = await this.deps.store.status(jobId);
    if (!status || FINAL_STATUSES.has(status)) return;
    if (status !== 'RUNNING' || errorCode) return this.record(job, [notStarted()]);
    const authorization = await this.credentials.open(jobId);
    if (!authorization) {
      this.deps.logger.error(
        { bulkJobId: jobId },
        'bulk job credential missing or sealed under another BULK_CREDENTIAL_KEY',
      );
      await this.deps.store.stop(jobId, 'CREDENTIAL_UNREADABLE');
      return this.record(job, [notStarted()]);
    }
    const started = performance.now();
    const { context, deadline } = contextFor(this.deps.dependencies, this.deps.logger, {
      requestId: `bulk-${jobId}-${item.index}`,
      authorization,
      timeoutMs: ITEM_TIMEOUT_MS,
      pace: this.deps.pacer,
      authorityProofs: this.authorityProofs,
    });
    const attributes = { jobId, index: item.index, action: job.action };
    await this.deps.observer.item(attributes, async () => {
      const verdict = await runItem(context, jobId, job.action, job.dryRun, item).finally(() =>
        deadline.settle(),
      );
      const done = (outcome: ItemOutcome, entry: ResultEntry) => {
        this.deps.observer.itemDone(job.action, outcome, performance.now() - started);
        return this.record(job, [entry]);
      };
      switch (verdict.kind) {
        case 'done': {
          const { outcome, report, error, preview } = verdict;
          const result = { index: item.index, line: item.line, itemId: item.itemId, outcome, report, error };
          return done(outcome, { result, preview });
        }
        case 'later':
          // Not a failure: the item waits (BullMQ's delayed set, no attempt used) and resumes by its key.
          await bullJob.moveToDelayed(Date.now() + verdict.afterMs, token);
          throw new DelayedError(verdict.reason);
        case 'credential-expired':
          if (await this.deps.store.stop(jobId, 'CREDENTIAL_EXPIRED')) {
            this.deps.logger.warn({ bulkJobId: jobId }, 'bulk job stopped: its credential expired');
          }
          return done('NOT_STARTED', {
            result: {
              ...notStarted().result,
              error: {
                code: 'CREDENTIAL_EXPIRED',
                message:
                  "The job's credential expired before this item finished: start the job again with the same idempotencyKey and input, under a fresh token, to resume it.",
              },
            },
          });
        case 'unexpected':
          if (bullJob.attemptsMade + 1 < (bullJob.opts.attempts ?? 1)) throw new Error(verdict.error.message);
          return done('FAILED', {
            result: {
              index: item.index,
              line: item.line,
              itemId: item.itemId,
              outcome: 'FAILED',
              error: verdict.error,
            },
          });
      }
    });
  }

  /** Records results; the call that records a job's last item ends it. */
  async record(job: BulkJob, entries: ResultEntry[]): Promise<void> {
    const { recorded, final } = await this.deps.store.record(job, entries);
    this.deps.observer.itemsRecorded(
      job.action,
      recorded.map((entry) => entry.result.outcome),
    );
    this.deps.progress.changed(job.id, Boolean(final));
    if (!final) return;
    this.credentials.forget(job.id);
    this.jobs.delete(job.id);
    const ended = (await this.deps.store.get(job.id)) ?? { ...job, status: final };
    this.deps.observer.jobEnded(ended);
    auditJob(this.deps.audit, ended, 'bulkJob.end', final, `bulk-${job.id}`);
  }

  /**
   * BullMQ gave up on an item: its tries used up by unexpected errors, or its runs stopped their replica
   * more than `maxStalledCount` times (BullMQ fails such an item when a worker next takes it, before it
   * runs). It is FAILED, never lost, and the job goes on to its end.
   */
  private async lost(bullJob: Job | undefined, error: Error): Promise<void> {
    if (!bullJob || bullJob.name !== 'item') return;
    const stalled = /stalled/i.test(error.message);
    if (bullJob.attemptsMade < (bullJob.opts.attempts ?? 1) && !stalled) return;
    const { jobId, item } = bullJob.data as ItemData;
    const job = await this.jobOf(jobId).catch(() => undefined);
    if (!job) return;
    const failure = stalled
      ? {
          code: 'ITEM_STALLED',
          message: `Every run of this item stopped with its replica (more than ${MAX_STALLED} times): it is not run again; see the gateway log.`,
        }
      : { code: 'INTERNAL_SERVER_ERROR', message: 'The item could not be run; see the gateway log.' };
    this.deps.logger.error(
      { bulkJobId: jobId, index: item.index, err: { message: error.message } },
      'bulk item given up',
    );
    await this.record(job, [
      {
        result: {
          index: item.index,
          line: item.line,
          itemId: item.itemId,
          outcome: 'FAILED',
          error: failure,
        },
      },
    ]).catch(() => {});
  }

  /**
   * Stops taking work. Items in flight get until `budgetMs` to finish; after it the worker lets go without
   * waiting (worker.close() has no timeout of its own): their locks lapse and another replica resumes them.
   */
  async close(budgetMs: number): Promise<void> {
    this.fanOuts.stop();
    const closing = this.worker.close();
    const finished = await Promise.race([closing.then(() => true), sleep(budgetMs, false, { ref: false })]);
    if (!finished) {
      this.deps.logger.warn('bulk items still running at shutdown: left for another replica');
      await Promise.race([this.worker.close(true), sleep(500, undefined, { ref: false })]);
    }
  }
}
