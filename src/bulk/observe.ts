import { context as otelContext, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AuditRecord, AuditTrail } from '../security/identity.js';
import type { UpstreamName } from '../upstream/http/call.js';
import type { BulkAction, ItemOutcome } from './items.js';
import type { BulkJob } from './model.js';

/**
 * What bulk work shows an operator: metrics (items by action and outcome, jobs by status, queue wait, item
 * duration, 429 pauses), a span per item (its upstream calls are its children), and the audit records of a
 * job's start, cancel and end (items keep the workflows' own records, under the item's request id).
 */

export interface BulkObserver {
  /** Runs one item inside its span. */
  item<T>(
    attributes: { jobId: string; index: number; action: BulkAction },
    run: () => Promise<T>,
  ): Promise<T>;
  /** An item this replica ran has its outcome (its duration, its span's outcome). */
  itemDone(action: BulkAction, outcome: ItemOutcome, durationMs: number): void;
  /** Items this replica recorded, run or not (INVALID, DUPLICATE, NOT_STARTED too). */
  itemsRecorded(action: BulkAction, outcomes: ItemOutcome[]): void;
  queueWait(ms: number): void;
  jobEnded(job: BulkJob): void;
  paused(upstream: UpstreamName): void;
}

const STATUSES = ['CREATED', 'RUNNING', 'CANCELING'] as const;

export function createBulkObserver({
  registry,
  tracer,
  activeJobs,
}: {
  registry?: Registry;
  tracer?: Tracer;
  /** Jobs not yet ended, by status, over all replicas. */
  activeJobs: () => Promise<Record<string, number>>;
}): BulkObserver {
  const registers = registry ? [registry] : [];
  const items = new Counter({
    name: 'bulk_items_total',
    help: 'Bulk items this replica recorded an outcome for (run, or INVALID, DUPLICATE, NOT_STARTED), by action and outcome.',
    labelNames: ['action', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'bulk_item_duration_seconds',
    help: "One bulk item's run on this replica (its workflow, pacing waits included), by action and outcome.",
    labelNames: ['action', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const wait = new Histogram({
    name: 'bulk_item_queue_wait_seconds',
    help: 'Time from enqueueing a bulk item to its first start on any replica.',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers,
  });
  const ended = new Counter({
    name: 'bulk_jobs_ended_total',
    help: 'Bulk jobs this replica ended, by action and final status (COMPLETED, FAILED, CANCELED).',
    labelNames: ['action', 'status'] as const,
    registers,
  });
  const pauses = new Counter({
    name: 'bulk_backend_pauses_total',
    help: "Backend 429s that paused every replica's bulk work toward that backend.",
    labelNames: ['upstream'] as const,
    registers,
  });
  new Gauge({
    name: 'bulk_jobs',
    help: 'Bulk jobs not yet ended, by status, over all replicas (read from Redis).',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const counts = await activeJobs().catch(() => undefined);
      if (!counts) return;
      for (const status of STATUSES) this.set({ status }, counts[status] ?? 0);
    },
  });
  return {
    async item(attributes, run) {
      if (!tracer) return run();
      const span = tracer.startSpan(`bulk ${attributes.action}`, {
        attributes: {
          'bulk.job_id': attributes.jobId,
          'bulk.item_index': attributes.index,
          'bulk.action': attributes.action,
        },
      });
      return otelContext.with(trace.setSpan(otelContext.active(), span), async () => {
        try {
          return await run();
        } catch (error) {
          // An item put back to wait (a 429, a busy key) is not a failure.
          if ((error as Error).name === 'DelayedError') span.setAttribute('bulk.outcome', 'WAITING');
          else span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      });
    },
    itemsRecorded(action, outcomes) {
      for (const outcome of outcomes) items.inc({ action, outcome });
    },
    itemDone(action, outcome, ms) {
      duration.observe({ action, outcome }, ms / 1000);
      const span = trace.getActiveSpan();
      span?.setAttribute('bulk.outcome', outcome);
      if (outcome === 'FAILED') span?.setStatus({ code: SpanStatusCode.ERROR });
    },
    queueWait: (ms) => wait.observe(ms / 1000),
    jobEnded: (job) => ended.inc({ action: job.action, status: job.status }),
    paused: (upstream) => pauses.inc({ upstream }),
  };
}

/** A job's own audit record (start, cancel, end), in the owner's name: the hash the job stores. */
export function auditJob(
  audit: AuditTrail,
  job: Pick<BulkJob, 'id' | 'owner' | 'action' | 'dryRun'> & Partial<BulkJob>,
  operation: 'bulkJob.start' | 'bulkJob.cancel' | 'bulkJob.end' | 'bulkJob.resume',
  outcome: string,
  requestId: string,
): void {
  const record: AuditRecord & { actor: string } = {
    // The trail hashes a token into `actor`; a job keeps only that hash, which this names directly.
    actor: job.owner,
    operation,
    targets: { bulkJobId: job.id },
    outcome,
    upstreamRequestIds: [],
    requestId,
    dryRun: job.dryRun,
    detail: {
      action: job.action,
      ...(job.objectCount === undefined ? {} : { objectCount: job.objectCount }),
      ...(operation === 'bulkJob.end'
        ? { succeeded: job.succeeded, failed: job.failed, skipped: job.skipped, errorCode: job.errorCode }
        : {}),
    },
  };
  audit.write(undefined, record);
}
