import { Redis, type RedisOptions } from 'ioredis';
import type { BulkSettings } from '../config.js';
import type { GatewayDependencies } from '../context.js';
import type { Logger } from '../logger.js';
import type { AuditTrail } from '../security/identity.js';
import type { Observability } from '../observability/index.js';
import { CredentialSeal } from './credentials.js';
import { FanOutStore } from './fanout-store.js';
import { JobStore } from './job-store.js';
import { createBulkObserver } from './observe.js';
import { LoopShare } from './loop-share.js';
import { SharedPacer } from './pacer.js';
import { ProgressEvents } from './progress.js';
import { createQueue } from './queue.js';
import { type BulkJobs, createBulkJobs } from './service.js';
import { Uploads } from './uploads.js';
import { BulkWorker } from './worker.js';

export type { BulkJobs } from './service.js';

/**
 * Wires bulk jobs when there is a Redis for them (REDIS_URL, or the embedded one): the job model, the
 * BullMQ queue and this replica's worker (with its fan-out loop), the shared pacer, progress pub/sub,
 * uploads. Two kinds of connection: requests use one that fails fast (STORE_TIMEOUT_MS), so a caller gets
 * StoreUnavailableError rather than a hung request, and never touch BullMQ; the worker's wait for Redis to
 * come back (BullMQ's `maxRetriesPerRequest: null`), so a job pauses through an outage and goes on after it.
 */

export interface BulkOptions {
  redisUrl: string;
  settings: BulkSettings;
  storeTimeoutMs: number;
  /** No BULK_CREDENTIAL_KEY: make one for this process (only for the embedded Redis, which dies with it). */
  ephemeralKey: boolean;
}

const NO_KEY =
  'Bulk jobs are refused: BULK_CREDENTIAL_KEY is not set. With a shared REDIS_URL every replica needs the same key (32 bytes, base64: openssl rand -base64 32).';

/** One log line per connection per 10 s while Redis is away, not one per retry. */
function quietErrors(redis: Redis, name: string, logger: Logger): Redis {
  let last = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn({ err: { message: error.message }, connection: name }, 'bulk jobs: redis connection error');
  });
  return redis;
}

export function startBulkJobs(
  options: BulkOptions,
  dependencies: GatewayDependencies,
  observability: Pick<Observability, 'registry' | 'tracer'>,
  audit: AuditTrail,
  logger: Logger,
): BulkJobs {
  const { redisUrl, settings, storeTimeoutMs } = options;
  const failFast: RedisOptions = {
    commandTimeout: storeTimeoutMs,
    connectTimeout: Math.max(storeTimeoutMs, 1000),
    maxRetriesPerRequest: 1,
  };
  const patient: RedisOptions = { maxRetriesPerRequest: null };
  const apiRedis = quietErrors(new Redis(redisUrl, failFast), 'api', logger);
  const workRedis = quietErrors(new Redis(redisUrl, patient), 'worker', logger);
  const subscriber = quietErrors(new Redis(redisUrl, patient), 'progress', logger);

  const api = new JobStore(apiRedis);
  const work = new JobStore(workRedis);
  const seal = settings.credentialKey
    ? new CredentialSeal(settings.credentialKey)
    : options.ephemeralKey
      ? CredentialSeal.ephemeral()
      : undefined;
  if (!seal) logger.warn(NO_KEY);
  const observer = createBulkObserver({ ...observability, activeJobs: () => api.activeByStatus() });
  const progress = new ProgressEvents(workRedis, subscriber, (id) => work.get(id));
  const workQueue = createQueue(workRedis);
  // Its connection's errors are logged once above; without a listener BullMQ prints each to stderr.
  workQueue.on('error', () => {});
  const loopShare = new LoopShare(settings.loopShare);
  const pacer = new SharedPacer(workRedis, settings.rates, logger, loopShare, (upstream) =>
    observer.paused(upstream),
  );
  const worker = seal
    ? new BulkWorker({
        redis: workRedis,
        store: work,
        fanOutStore: new FanOutStore(workRedis),
        queue: workQueue,
        seal,
        dependencies,
        pacer,
        loopShare,
        observer,
        progress,
        audit,
        logger: logger.child({ component: 'bulk' }),
        concurrency: settings.concurrency,
      })
    : undefined;
  let closing: Promise<void> | undefined;
  const stopWorker = (budgetMs: number) => (closing ??= worker?.close(budgetMs) ?? Promise.resolve());

  return createBulkJobs({
    api,
    kickFanOut: () => worker?.fanOuts.kick(),
    storeTimeoutMs,
    uploads: new Uploads(apiRedis),
    progress,
    seal,
    refuseStarts: seal ? undefined : NO_KEY,
    audit,
    logger,
    shutdown: (budgetMs) => void stopWorker(budgetMs),
    async close() {
      await stopWorker(1_000);
      progress.close();
      loopShare.close();
      await workQueue.close().catch(() => {});
      for (const redis of [apiRedis, workRedis, subscriber]) redis.disconnect();
    },
  });
}
