import { z } from 'zod';
import { duration, millis, setting } from './settings.js';

/** The shared store (src/store/) and the bulk jobs that run on it (src/bulk/, docs/bulk-jobs.md). */

export const storeSettings = {
  /**
   * Idempotency keys, workflow plans and suspension memory live in Redis when set (shared by replicas);
   * in memory when absent. Never logged: it may hold a password.
   */
  redisUrl: setting('REDIS_URL', z.url({ protocol: /^rediss?$/ }).optional()),
  /** How long an idempotency key's outcome is kept. */
  idempotencyTtlMs: setting('IDEMPOTENCY_TTL', duration.prefault('24h')),
  /** Longest wait for one Redis command; below REQUEST_TIMEOUT_MS, so a hung Redis never holds a request. */
  storeTimeoutMs: setting('STORE_TIMEOUT_MS', millis.default(1_000)),
};

const rate = z.coerce.number().positive().max(10_000).default(20);

/** Requests per second toward each backend, for all bulk work of all replicas together. */
export const bulkRateSettings = {
  plume: setting('BULK_RATE_PLUME', rate),
  services: setting('BULK_RATE_SERVICES', rate),
};

export const bulkSettings = {
  /** Items one replica runs at once; well below UPSTREAM_CONNECTIONS so interactive calls never wait. */
  concurrency: setting('BULK_CONCURRENCY', z.coerce.number().int().min(1).max(64).default(4)),
  /**
   * The most of a replica's event loop bulk work takes before its calls wait (src/bulk/loop-share.ts), so
   * interactive requests keep the rest; 1 turns the check off (a replica that serves only bulk work).
   */
  loopShare: setting('BULK_LOOP_SHARE', z.coerce.number().min(0.1).max(1).default(0.5)),
  /**
   * Seals the credentials of running bulk jobs (AES-256-GCM): 32 bytes, base64; the same on every replica.
   * Undefined: generated per process (embedded Redis), or bulk jobs refused (REDIS_URL).
   */
  credentialKey: setting(
    'BULK_CREDENTIAL_KEY',
    z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
      .transform((key) => Buffer.from(key, 'base64'))
      .optional(),
  ),
};
