import { MemoryStore } from './memory.js';
import { RedisStore } from './redis.js';
import type { Logger } from '../logger.js';
import type { GatewayStore } from './store.js';

export type { Claim, GatewayStore, Lease } from './store.js';
export { LeaseLostError } from './store.js';

/**
 * A claim holds its key this long unless renewed; the request renews it while it runs
 * (src/workflows/idempotency.ts), so only a dead replica's keys wait this long to be taken over.
 */
export const LEASE_MS = 5_000;

/** The one place that picks the store: Redis when REDIS_URL is set (replicas share it), else memory. */
export function createStore(
  config: { redisUrl?: string; idempotencyTtlMs: number; storeTimeoutMs: number },
  logger: Logger,
): GatewayStore {
  const options = { ttlMs: config.idempotencyTtlMs, leaseMs: LEASE_MS };
  if (!config.redisUrl) return new MemoryStore(options);
  // The message names host and port at most, never the URL's password. While Redis is unreachable, every
  // keyed request is refused (StoreUnavailableError) rather than run without its key.
  const store = new RedisStore(
    config.redisUrl,
    { ...options, commandTimeoutMs: config.storeTimeoutMs },
    (error) => logger.warn({ err: { message: error.message } }, 'redis store connection error'),
  );
  void store.persistence().then((persistence) => {
    if (persistence === 'volatile') {
      logger.error(
        'REDIS_URL points at a Redis without persistence (appendonly no, no RDB save): after a Redis restart every idempotency key is forgotten and a retried write would run again. Turn on appendonly (or RDB snapshots) for production; see README "Production".',
      );
    } else if (persistence === 'unknown') {
      logger.warn(
        'could not read the persistence settings of the Redis at REDIS_URL (CONFIG is disabled or it is unreachable); make sure it persists (appendonly yes), or idempotency keys are lost on a restart',
      );
    }
  });
  return store;
}
