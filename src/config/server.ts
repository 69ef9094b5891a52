import { z } from 'zod';
import { flag, limit, millis, setting } from './settings.js';

/** The gateway's own server: where it listens, what it serves, how it drains (src/server.ts). */

export const serverSettings = {
  host: setting('HOST', z.string().min(1).default('127.0.0.1')),
  port: setting('PORT', z.coerce.number().int().min(0).max(65_535).default(4000)),
  logLevel: setting(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  shutdownTimeoutMs: setting('SHUTDOWN_TIMEOUT_MS', millis.default(10_000)),
  /**
   * How long a draining gateway keeps serving (with /readyz 503) before it stops accepting: the load
   * balancer's propagation time. Unset: 5000 with upstreams (at most half of SHUTDOWN_TIMEOUT_MS), else 0.
   */
  shutdownDelayMs: setting('SHUTDOWN_DELAY_MS', z.coerce.number().int().min(0).max(600_000).optional()),
  /** How often /readyz's background check pings each backend (docs/resilience.md). */
  readinessCheckIntervalMs: setting('READINESS_CHECK_INTERVAL_MS', millis.default(5_000)),
  /** Unset: on for the embedded default, off with upstreams (likewise `jobsPage`, `introspection`). */
  graphiql: setting('GRAPHIQL', flag),
  /** The bulk-jobs page at /jobs (src/jobs-page.ts). */
  jobsPage: setting('JOBS_PAGE', flag),
  introspection: setting('INTROSPECTION', flag),
};

/** Limits of the gateway's own HTTP server (src/connections.ts, README "Production"). */
export const connectionSettings = {
  maxConnections: setting('MAX_CONNECTIONS', limit(1_000_000).default(1024)),
  /** Most time to receive a request's headers (idle new connections included). */
  headersTimeoutMs: setting('HEADERS_TIMEOUT_MS', millis.default(10_000)),
  /** Most time to receive a whole request, headers and body. */
  requestBodyTimeoutMs: setting('REQUEST_BODY_TIMEOUT_MS', millis.default(30_000)),
  /** How long an idle keep-alive connection stays open: above the balancer's idle timeout (ALB: 60 s). */
  keepAliveTimeoutMs: setting(
    'KEEP_ALIVE_TIMEOUT_MS',
    z.coerce.number().int().min(1).max(3_600_000).default(65_000),
  ),
};
