import { createHash, randomUUID } from 'node:crypto';
import { InputValidationError } from '@pothos/plugin-validation';
import {
  DomainError,
  IdempotencyKeyReusedError,
  NotAuthorizedError,
  StoreUnavailableError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { AuditTrail, Caller } from '../security/identity.js';
import type { CredentialSeal } from './credentials.js';
import {
  BulkJobFinishedError,
  BulkJobNotFoundError,
  BulkJobsUnavailableError,
  UploadNotFoundError,
} from './errors.js';
import type { BulkAction, ItemOutcome, SuspensionLevel } from './items.js';
import type { JobStore } from './job-store.js';
import { type BulkJob, resumeKeyOf } from './model.js';
import { auditJob } from './observe.js';
import { ownerOf } from '../security/identity.js';
import type { ProgressEvents } from './progress.js';
import type { Uploads } from './uploads.js';

/**
 * What the graph and the HTTP routes ask of bulk jobs, for one caller at a time: a job (or upload) of another
 * caller answers exactly as one that does not exist. Reads and starts go through a connection that fails
 * fast (STORE_TIMEOUT_MS) when Redis is away: StoreUnavailableError, nothing half-made.
 */

export interface StartInput {
  action: BulkAction;
  items?: string[] | null;
  uploadId?: string | null;
  level?: SuspensionLevel | null;
  reason?: string | null;
  dryRun: boolean;
  idempotencyKey: string;
}

export interface BulkJobs {
  start(ctx: Caller, input: StartInput): Promise<BulkJob>;
  /** The caller's job, or undefined (another caller's too). */
  get(ctx: Caller, id: string): Promise<BulkJob | undefined>;
  list(ctx: Caller, statuses: string[], after: string | undefined, first: number): Promise<JobPage>;
  cancel(ctx: Caller, id: string): Promise<BulkJob>;
  items(job: BulkJob, outcomes: ItemOutcome[], after: number, first: number): ReturnType<JobStore['items']>;
  /** The job's states until it ends (current first); BulkJobNotFoundError for another caller's job. */
  watch(ctx: Caller, id: string): Promise<AsyncIterableIterator<BulkJob>>;
  uploads: Uploads;
  store: JobStore;
  /** SIGTERM: stop taking work; what runs gets until `budgetMs`. */
  shutdown(budgetMs: number): void;
  close(): Promise<void>;
}

export interface JobPage {
  jobs: BulkJob[];
  hasNextPage: boolean;
  totalCount: number;
}

/** How ioredis (and BullMQ over it) says Redis is away or too slow, rather than that a command is wrong. */
const REDIS_AWAY =
  /timed out|enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|MaxRetriesPerRequest|LOADING|READONLY/;

/** A call over the fail-fast connection: Redis away (or slower than STORE_TIMEOUT_MS) is StoreUnavailableError. */
async function available<T>(call: () => Promise<T>, logger: Logger): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError || !(error instanceof Error)) throw error;
    if (!REDIS_AWAY.test(`${error.name} ${error.message}`)) throw error;
    logger.warn({ err: { message: error.message } }, 'bulk jobs: redis unavailable');
    throw new StoreUnavailableError();
  }
}

export function fingerprintOf(input: StartInput): string {
  const { action, items, uploadId, level, reason, dryRun } = input;
  return createHash('sha256')
    .update(JSON.stringify([action, items ?? null, uploadId ?? null, level ?? null, reason ?? null, dryRun]))
    .digest('hex');
}

function ownerIn(ctx: Caller): string {
  const owner = ownerOf(ctx.authorization);
  if (!owner) throw new NotAuthorizedError('TOKEN');
  return owner;
}

export interface ServiceDeps {
  api: JobStore;
  /** Runs a new job's fan-out here at once (when this replica has a worker). */
  kickFanOut(): void;
  /** Longest wait for one Redis command (STORE_TIMEOUT_MS): a job Redis would make later is refused. */
  storeTimeoutMs: number;
  uploads: Uploads;
  progress: ProgressEvents;
  seal?: CredentialSeal;
  /** Why starts are refused (no BULK_CREDENTIAL_KEY with a shared Redis); undefined: they are not. */
  refuseStarts?: string;
  audit: AuditTrail;
  logger: Logger;
  shutdown(budgetMs: number): void;
  close(): Promise<void>;
}

export function createBulkJobs(deps: ServiceDeps): BulkJobs {
  const { api, logger } = deps;
  const owned = async (ctx: Caller, id: string) => {
    const job = await available(() => api.get(id), logger);
    return job && job.owner === ownerIn(ctx) ? job : undefined;
  };

  async function resume(ctx: Caller, job: BulkJob, owner: string, input: StartInput): Promise<BulkJob> {
    const sealed = deps.seal!.seal(job.id, ctx.authorization!);
    if ((await api.resume(job, owner, input.idempotencyKey, sealed)) > 0) {
      auditJob(deps.audit, { ...job, owner }, 'bulkJob.resume', 'RUNNING', ctx.requestId);
      deps.kickFanOut();
    }
    return (await api.get(job.id)) ?? job;
  }

  /** The job an earlier start with this key made: the same input answers it (and resumes it if it stopped). */
  async function existing(ctx: Caller, id: string, owner: string, input: StartInput, fp: string) {
    const job = await api.get(id);
    if (!job) return undefined;
    if ((await api.fingerprint(id)) !== fp) throw new IdempotencyKeyReusedError(input.idempotencyKey);
    if (job.status === 'FAILED' && job.errorCode === 'CREDENTIAL_EXPIRED')
      return resume(ctx, job, owner, input);
    return job;
  }

  async function start(ctx: Caller, input: StartInput): Promise<BulkJob> {
    if (deps.refuseStarts || !deps.seal) throw new BulkJobsUnavailableError(deps.refuseStarts);
    const owner = ownerIn(ctx);
    const fp = fingerprintOf(input);
    if (input.uploadId) {
      const upload = await deps.uploads.get(input.uploadId, owner);
      if (!upload) throw new UploadNotFoundError(input.uploadId);
      const issues = deps.uploads.missingFields(upload, input);
      if (issues.length) throw new InputValidationError({ issues });
    }
    const knownId = await api.jobIdByKey(owner, input.idempotencyKey);
    const known = knownId && (await existing(ctx, knownId, owner, input, fp));
    if (known) return known;
    // A job stopped by an expired credential, started by this client under its old token.
    const stoppedId = await api.jobIdToResume(resumeKeyOf(input.idempotencyKey, fp));
    const stopped = stoppedId && (await api.get(stoppedId));
    if (stopped && stopped.status === 'FAILED') return resume(ctx, stopped, owner, input);

    const id = randomUUID();
    const created = await api.create(
      {
        id,
        owner,
        action: input.action,
        dryRun: input.dryRun,
        level: input.level ?? undefined,
        reason: input.reason ?? undefined,
        idempotencyKey: input.idempotencyKey,
        fingerprint: fp,
        lines: input.items?.map((item, i) => ({ line: i + 1, id: item })),
        uploadLinesKey: input.uploadId ? deps.uploads.linesKey(input.uploadId) : undefined,
        uploadId: input.uploadId ?? undefined,
        sealedCredential: deps.seal.seal(id, ctx.authorization!),
      },
      new Date(),
      // Half the store timeout: a script Redis runs after the call gave up is refused there.
      deps.storeTimeoutMs / 2,
    );
    if (created.kind === 'late') throw new StoreUnavailableError();
    if (created.kind === 'no-upload') throw new UploadNotFoundError(input.uploadId ?? '');
    if (created.kind === 'exists') {
      // Another start with this key made it a moment ago: answer that job.
      const raced = await existing(ctx, created.id, owner, input, fp);
      if (!raced) throw new StoreUnavailableError();
      return raced;
    }
    const job = (await api.get(id))!;
    auditJob(deps.audit, job, 'bulkJob.start', 'CREATED', ctx.requestId);
    deps.kickFanOut();
    return job;
  }

  return {
    start: (ctx, input) => available(() => start(ctx, input), logger),
    get: owned,
    async list(ctx, statuses, after, first) {
      const owner = ownerIn(ctx);
      return available(async () => {
        const all = await api.jobIdsOf(owner);
        // Jobs past their retention are gone from Redis but may linger in the index.
        const current = await api.statusesOf(all);
        const ids = all.filter((_, i) => current[i] && (!statuses.length || statuses.includes(current[i]!)));
        const from = after === undefined ? 0 : ids.indexOf(after) + 1;
        if (after !== undefined && from === 0)
          return { jobs: [], hasNextPage: false, totalCount: ids.length };
        const page = ids.slice(from, from + first);
        const jobs = (await api.getMany(page)).filter((job): job is BulkJob => Boolean(job));
        return { jobs, hasNextPage: from + first < ids.length, totalCount: ids.length };
      }, logger);
    },
    async cancel(ctx, id) {
      const owner = ownerIn(ctx);
      return available(async () => {
        const status = await api.cancel(id, owner);
        if (status === 'NOT_FOUND') throw new BulkJobNotFoundError(id);
        const job = (await api.get(id))!;
        if (status !== 'CANCELING') throw new BulkJobFinishedError(id, status);
        deps.progress.changed(id);
        auditJob(deps.audit, job, 'bulkJob.cancel', 'CANCELING', ctx.requestId);
        return job;
      }, logger);
    },
    items: (job, outcomes, after, first) => available(() => api.items(job, outcomes, after, first), logger),
    async watch(ctx, id) {
      const job = await owned(ctx, id);
      if (!job) throw new BulkJobNotFoundError(id);
      return deps.progress.watch(job);
    },
    uploads: deps.uploads,
    store: api,
    shutdown: deps.shutdown,
    close: deps.close,
  };
}
