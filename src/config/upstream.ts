import { z } from 'zod';
import { limit, millis, setting, url, type ValuesOf } from './settings.js';

/** The backends, and how the gateway calls them (src/upstream/, docs/resilience.md). */

/** The services API version date the gateway sends as `v` unless SERVICES_API_VERSION says otherwise. */
export const DEFAULT_SERVICES_API_VERSION = '20261101';

/** Set all four (a production gateway) or none (the embedded default: simulators on loopback). */
export const upstreamEndpoints = {
  plumeUrl: setting('PLUME_API_URL', url.optional()),
  servicesUrl: setting('SERVICES_API_URL', url.optional()),
  servicesApiKey: setting('SERVICES_API_KEY', z.string().min(1).optional()),
  servicesAccountId: setting('SERVICES_ACCOUNT_ID', z.string().min(1).optional()),
};

export const upstreamSettings = {
  servicesApiVersion: setting(
    'SERVICES_API_VERSION',
    z
      .string()
      .regex(/^\d{8}$/, 'must be a version date YYYYMMDD')
      .default(DEFAULT_SERVICES_API_VERSION),
  ),
  /** Which customer field is the services sub-account id (see src/mapping.ts). */
  subAccountIdField: setting('SUBACCOUNT_ID_FIELD', z.enum(['accountId', 'id']).default('accountId')),
  upstreamTimeoutMs: setting('UPSTREAM_TIMEOUT_MS', millis.default(10_000)),
  upstreamConnections: setting('UPSTREAM_CONNECTIONS', z.coerce.number().int().min(1).max(1024).default(32)),
  /** Most upstream calls one GraphQL request may make. */
  upstreamCallBudget: setting(
    'UPSTREAM_CALL_BUDGET',
    z.coerce.number().int().min(1).max(10_000).default(200),
  ),
  /** Largest upstream answer read; a larger one is refused (declared) or cut off (chunked) unread. */
  upstreamMaxBodyBytes: setting('UPSTREAM_MAX_BODY_BYTES', limit(1_000_000_000).default(5_000_000)),
  /** One deadline per GraphQL request, shared by all its upstream calls and retries (docs/resilience.md). */
  requestTimeoutMs: setting('REQUEST_TIMEOUT_MS', millis.default(15_000)),
};

/** Retries of reads (src/upstream/http/retry.ts). */
export const retrySettings = {
  /** Retries after the first attempt (0 turns retrying off). */
  retries: setting('UPSTREAM_RETRIES', z.coerce.number().int().min(0).max(10).default(2)),
  /** The first backoff's ceiling; each later one doubles, up to `maxDelayMs`. */
  baseDelayMs: setting('UPSTREAM_RETRY_BASE_MS', millis.default(100)),
  maxDelayMs: setting('UPSTREAM_RETRY_MAX_MS', millis.default(2_000)),
};
export type RetryOptions = ValuesOf<typeof retrySettings>;

/** Each backend's circuit breaker (src/upstream/http/breaker.ts). */
export const breakerSettings = {
  /** Consecutive failures that open the breaker. */
  failures: setting('UPSTREAM_BREAKER_FAILURES', z.coerce.number().int().min(1).max(1000).default(5)),
  /** Failure share (0..1] in the window that opens the breaker, once `minCalls` were seen. */
  errorRate: setting('UPSTREAM_BREAKER_ERROR_RATE', z.coerce.number().gt(0).max(1).default(0.5)),
  minCalls: setting('UPSTREAM_BREAKER_MIN_CALLS', z.coerce.number().int().min(1).max(100_000).default(20)),
  windowMs: setting('UPSTREAM_BREAKER_WINDOW_MS', millis.default(10_000)),
  /** How long it stays open before letting a probe through. */
  openMs: setting('UPSTREAM_BREAKER_OPEN_MS', millis.default(5_000)),
};
export type BreakerOptions = ValuesOf<typeof breakerSettings>;
