import { createHash } from 'node:crypto';
import type { WorkflowReport } from '../workflows/report.js';
import { type BulkAction, type ItemOutcome, itemOutcomes, type SuspensionLevel } from './items.js';

/**
 * Bulk jobs in Redis, as the graph reads them: a job hash (status, counters, preview totals), its input
 * lines, each item's result, an index of each owner's jobs, idempotency keys; the keys they live under.
 * job-store.ts changes them (one script per change), fanout-store.ts serves the fan-out; BullMQ (queue.ts)
 * carries the work.
 */

export const PREFIX = 'subscriber-graph:bulk:';
/** How long an ended job (and its results) is kept; an unfinished one is kept this long after its last start. */
export const JOB_RETENTION_MS = 7 * 24 * 3600_000;
export const UNFINISHED_TTL_MS = 30 * 24 * 3600_000;
/** The newest jobs listed per owner (`bulkJobs`); older ones stay reachable by id until they expire. */
export const JOBS_PER_OWNER = 1000;

export type JobStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELING' | 'CANCELED';
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/** Totals of a dry run's previews (and of a real run's plans), summed over its items. */
export interface JobPreview {
  nodesToUnclaim: number;
  servicesToStop: number;
  locationsToArchive: number;
  gdprDeletes: number;
  newEmptyLocations: number;
  serviceLevelChanges: number;
}
const PREVIEW_FIELDS: Array<keyof JobPreview> = [
  'nodesToUnclaim',
  'servicesToStop',
  'locationsToArchive',
  'gdprDeletes',
  'newEmptyLocations',
  'serviceLevelChanges',
];

export interface BulkJob {
  id: string;
  /** Who started it: a hash of the caller's token (src/security/identity.ts), never the token. */
  owner: string;
  action: BulkAction;
  dryRun: boolean;
  status: JobStatus;
  objectCount: number;
  succeeded: number;
  failed: number;
  skipped: number;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  errorCode?: string;
  level?: SuspensionLevel;
  reason?: string;
  uploadId?: string;
  /** Lines the fan-out has handled so far (in this round). */
  enqueued: number;
  /** 0, plus one per resume: the fan-out's round, part of its items' BullMQ ids. */
  round: number;
  /** Grows with every change: progress events carry it, so a subscriber can skip stale ones. */
  version: number;
  preview: JobPreview;
  outcomes: Record<ItemOutcome, number>;
  /** Finds the job for a resume under a new token (sha256 of key and input). */
  resumeKey: string;
}

export interface ItemResult {
  index: number;
  line: number;
  itemId?: string;
  outcome: ItemOutcome;
  report?: WorkflowReport;
  error?: { code: string; message: string };
}

export interface ResultEntry {
  result: ItemResult;
  preview?: Partial<JobPreview>;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
export const int = (value: string | undefined) => Number(value ?? 0) || 0;
export const optional = (value: string | undefined) => (value ? value : undefined);

export const keys = {
  job: (id: string) => `${PREFIX}job:{${id}}`,
  owner: (owner: string) => `${PREFIX}owner:${owner}`,
  idempotency: (owner: string, key: string) => `${PREFIX}key:${owner}:${sha(key)}`,
  resume: (resumeKey: string) => `${PREFIX}resume:${resumeKey}`,
  stats: `${PREFIX}stats`,
  /** Jobs whose fan-out is to run (job id → round), and the lease of the replica running one. */
  fanOuts: `${PREFIX}fanouts`,
  fanOutLease: (id: string) => `${PREFIX}fanout-lease:{${id}}`,
};

/** The resume key of a job: only the client that started it knows its idempotency key and exact input. */
export const resumeKeyOf = (key: string, fingerprint: string) => sha(`${key}\n${fingerprint}`);

export function jobFrom(hash: Record<string, string>): BulkJob | undefined {
  if (!hash.id) return undefined;
  const preview = Object.fromEntries(
    PREVIEW_FIELDS.map((f) => [f, int(hash[`pv:${f}`])]),
  ) as unknown as JobPreview;
  const outcomes = Object.fromEntries(
    itemOutcomes.map((o) => [o, int(hash[`o:${o}`])]),
  ) as BulkJob['outcomes'];
  return {
    id: hash.id,
    owner: hash.owner!,
    action: hash.action as BulkAction,
    dryRun: hash.dryRun === '1',
    status: hash.status as JobStatus,
    objectCount: int(hash.objectCount),
    succeeded: int(hash.succeeded),
    failed: int(hash.failed),
    skipped: int(hash.skipped),
    createdAt: hash.createdAt!,
    startedAt: optional(hash.startedAt),
    completedAt: optional(hash.completedAt),
    errorCode: optional(hash.errorCode),
    level: optional(hash.level) as SuspensionLevel | undefined,
    reason: optional(hash.reason),
    uploadId: optional(hash.uploadId),
    enqueued: int(hash.enqueued),
    round: int(hash.round),
    version: int(hash.version),
    preview,
    outcomes,
    resumeKey: hash.resumeKey ?? '',
  };
}
