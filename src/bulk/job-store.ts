import type { Redis } from 'ioredis';
import {
  type BulkAction,
  COUNTER_OF,
  type InputLine,
  type ItemOutcome,
  type SuspensionLevel,
} from './items.js';
import {
  type BulkJob,
  int,
  type ItemResult,
  JOB_RETENTION_MS,
  JOBS_PER_OWNER,
  jobFrom,
  type JobStatus,
  keys,
  optional,
  type ResultEntry,
  resumeKeyOf,
  UNFINISHED_TTL_MS,
} from './model.js';
import { RedisClock } from './redis-clock.js';
import { CANCEL, CREATE, type JobScripts, RECORD, RESUME, START, STOP } from './scripts.js';

/**
 * Every change of a bulk job, each one script (scripts.ts): create it whole, start it, record item results
 * (each once; the last one ends the job), cancel, stop, resume; and the reads the graph and routes make.
 */

export interface NewJob {
  id: string;
  owner: string;
  action: BulkAction;
  dryRun: boolean;
  level?: SuspensionLevel;
  reason?: string;
  idempotencyKey: string;
  fingerprint: string;
  /** Inline items as lines; or the upload whose lines the job copies. */
  lines?: InputLine[];
  uploadLinesKey?: string;
  uploadId?: string;
  sealedCredential: string;
}

export type CreateOutcome =
  | { kind: 'created' }
  | { kind: 'exists'; id: string }
  | { kind: 'no-upload' }
  /** Redis ran it past its deadline (it was hung): nothing was made. */
  | { kind: 'late' };

export class JobStore {
  private readonly redis: Redis & JobScripts;
  private readonly clock: RedisClock;

  constructor(redis: Redis) {
    redis.defineCommand('bulkCreate', { numberOfKeys: 6, lua: CREATE });
    redis.defineCommand('bulkStart', { numberOfKeys: 2, lua: START });
    redis.defineCommand('bulkRecord', { numberOfKeys: 3, lua: RECORD });
    redis.defineCommand('bulkCancel', { numberOfKeys: 2, lua: CANCEL });
    redis.defineCommand('bulkStop', { numberOfKeys: 1, lua: STOP });
    redis.defineCommand('bulkResume', { numberOfKeys: 7, lua: RESUME });
    this.redis = redis as Redis & JobScripts;
    this.clock = new RedisClock(redis);
  }

  /** Creates a job whole, or not at all; one that Redis would run later than `withinMs` from now is refused. */
  async create(job: NewJob, createdAt: Date, withinMs: number): Promise<CreateOutcome> {
    const deadline = Math.floor((await this.clock.now()) + withinMs);
    const fields = {
      id: job.id,
      owner: job.owner,
      action: job.action,
      dryRun: job.dryRun ? '1' : '0',
      createdAt: createdAt.toISOString(),
      level: job.level ?? '',
      reason: job.reason ?? '',
      uploadId: job.uploadId ?? '',
      resumeKey: resumeKeyOf(job.idempotencyKey, job.fingerprint),
    };
    const [kind, id] = await this.redis.bulkCreate(
      keys.job(job.id),
      keys.idempotency(job.owner, job.idempotencyKey),
      keys.owner(job.owner),
      keys.stats,
      job.uploadLinesKey ?? `${keys.job(job.id)}:lines`,
      keys.fanOuts,
      job.id,
      job.fingerprint,
      createdAt.getTime(),
      JSON.stringify(fields),
      job.lines ? JSON.stringify(job.lines.map((line) => JSON.stringify(line))) : '',
      UNFINISHED_TTL_MS,
      job.sealedCredential,
      JOBS_PER_OWNER,
      deadline,
      keys.job('').slice(0, -1),
    );
    if (kind === 'exists') return { kind, id: id! };
    return kind === 'no-upload' || kind === 'late' ? { kind } : { kind: 'created' };
  }

  /** The job under an owner's idempotency key, if any. */
  async jobIdByKey(owner: string, key: string): Promise<string | undefined> {
    return (await this.redis.get(keys.idempotency(owner, key))) ?? undefined;
  }

  /** A job stopped by an expired credential, found by its key and input (a resume under a new token). */
  async jobIdToResume(resumeKey: string): Promise<string | undefined> {
    return (await this.redis.get(keys.resume(resumeKey))) ?? undefined;
  }

  async fingerprint(id: string): Promise<string | undefined> {
    return (await this.redis.hget(keys.job(id), 'fp')) ?? undefined;
  }

  async get(id: string): Promise<BulkJob | undefined> {
    return jobFrom(await this.redis.hgetall(keys.job(id)));
  }

  async getMany(ids: string[]): Promise<Array<BulkJob | undefined>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.job(id));
    const answers = (await pipeline.exec()) ?? [];
    return answers.map(([error, hash]) => (error ? undefined : jobFrom(hash as Record<string, string>)));
  }

  async status(id: string): Promise<{ status?: string; errorCode?: string; round: number }> {
    const [status, errorCode, round] = await this.redis.hmget(keys.job(id), 'status', 'errorCode', 'round');
    return {
      status: status ?? undefined,
      errorCode: optional(errorCode ?? undefined),
      round: int(round ?? undefined),
    };
  }

  /** Each job's status; undefined for one that no longer exists. */
  async statusesOf(ids: string[]): Promise<Array<string | undefined>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(keys.job(id), 'status');
    const answers = (await pipeline.exec()) ?? [];
    return answers.map(([error, status]) => (error || !status ? undefined : (status as string)));
  }

  /** Newest first. */
  async jobIdsOf(owner: string): Promise<string[]> {
    return this.redis.zrevrange(keys.owner(owner), 0, JOBS_PER_OWNER - 1);
  }

  start(id: string): Promise<string> {
    return this.redis.bulkStart(keys.job(id), keys.stats, new Date().toISOString());
  }

  /** Records items' results (each once); `final` is set for the one call that ended the job. */
  async record(job: Pick<BulkJob, 'id' | 'resumeKey'>, entries: ResultEntry[]) {
    const args: Array<string | number> = [];
    for (const { result, preview } of entries) {
      const increments = Object.entries(preview ?? {})
        .filter(([, value]) => value)
        .map(([name, value]) => `${name}=${value}`)
        .join(',');
      args.push(result.index, result.outcome, COUNTER_OF[result.outcome], JSON.stringify(result), increments);
    }
    const [, final, ...fresh] = await this.redis.bulkRecord(
      keys.job(job.id),
      keys.stats,
      keys.resume(job.resumeKey),
      new Date().toISOString(),
      JOB_RETENTION_MS,
      entries.length,
      ...args,
    );
    return {
      /** The entries recorded by this call (not before). */
      recorded: fresh.map((position) => entries[Number(position)]!),
      final: (final || undefined) as JobStatus | undefined,
    };
  }

  cancel(id: string, owner: string): Promise<string> {
    return this.redis.bulkCancel(keys.job(id), keys.stats, owner);
  }

  async stop(id: string, errorCode: string): Promise<boolean> {
    return (await this.redis.bulkStop(keys.job(id), errorCode)) === 1;
  }

  /** Runs a job stopped by an expired credential again under its new owner; how many items run again. */
  async resume(job: BulkJob, owner: string, idempotencyKey: string, sealed: string): Promise<number> {
    return this.redis.bulkResume(
      keys.job(job.id),
      keys.stats,
      keys.resume(job.resumeKey),
      keys.owner(job.owner),
      keys.owner(owner),
      keys.idempotency(owner, idempotencyKey),
      keys.fanOuts,
      owner,
      Date.now(),
      UNFINISHED_TTL_MS,
      sealed,
      job.id,
    );
  }

  async credential(id: string): Promise<string | undefined> {
    return (await this.redis.get(`${keys.job(id)}:cred`)) ?? undefined;
  }

  /**
   * A page of item results in line order: items with one of `outcomes` (any outcome when empty) after the
   * index `after`. The total counts every item with those outcomes.
   */
  async items(job: BulkJob, outcomes: ItemOutcome[], after: number, first: number) {
    const base = keys.job(job.id);
    const sets = outcomes.length ? outcomes.map((o) => `${base}:o:${o}`) : [`${base}:done`];
    const pipeline = this.redis.pipeline();
    for (const set of sets) pipeline.zrangebyscore(set, `(${after}`, '+inf', 'LIMIT', 0, first + 1);
    const pages = ((await pipeline.exec()) ?? []).flatMap(([, ids]) => (ids as string[]).map(Number));
    const indexes = [...new Set(pages)].sort((a, b) => a - b).slice(0, first + 1);
    const page = indexes.slice(0, first);
    const texts = page.length ? await this.redis.hmget(`${base}:results`, ...page.map(String)) : [];
    const totalCount = outcomes.length
      ? outcomes.reduce((sum, o) => sum + job.outcomes[o], 0)
      : job.succeeded + job.failed + job.skipped;
    return {
      results: texts.flatMap((text) => (text ? [JSON.parse(text) as ItemResult] : [])),
      hasNextPage: indexes.length > first,
      totalCount,
    };
  }

  /** Results of the items at indexes from..from+count-1 as stored JSON; null where none is recorded yet. */
  resultsRange(id: string, from: number, count: number): Promise<Array<string | null>> {
    const indexes = Array.from({ length: count }, (_, i) => String(from + i));
    return this.redis.hmget(`${keys.job(id)}:results`, ...indexes);
  }

  /** Jobs not yet ended, by status, over all replicas (metrics). */
  async activeByStatus(): Promise<Record<string, number>> {
    const stats = await this.redis.hgetall(keys.stats);
    return Object.fromEntries(Object.entries(stats).map(([status, n]) => [status, Math.max(0, Number(n))]));
  }
}
