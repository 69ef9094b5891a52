import { MemoryStore } from './memory.js';
import { RedisStore } from './redis.js';
import type { Logger } from '../logger.js';
import type { GatewayStore } from './store.js';

export type { Claim, GatewayStore, Lease } from './store.js';

/** A claim holds its key this long without saving; a crashed gateway's keys free themselves after it. */
const LEASE_MS = 5 * 60_000;

/** The one place that picks the store: Redis when REDIS_URL is set (replicas share it), else memory. */
export function createStore(
  config: { redisUrl?: string; idempotencyTtlMs: number },
  logger: Logger,
): GatewayStore {
  const options = { ttlMs: config.idempotencyTtlMs, leaseMs: LEASE_MS };
  if (!config.redisUrl) return new MemoryStore(options);
  // The message names host and port at most, never the URL's password. While Redis is unreachable, every
  // idempotent request fails (masked) rather than run without its key.
  return new RedisStore(config.redisUrl, options, (error) =>
    logger.warn({ err: { message: error.message } }, 'redis store connection error'),
  );
}
