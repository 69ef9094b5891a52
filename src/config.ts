import { z } from 'zod';
import type { BreakerOptions } from './upstream/breaker.js';
import type { RetryOptions } from './upstream/retry.js';

/** The services API version date the gateway sends as `v` unless SERVICES_API_VERSION says otherwise. */
export const DEFAULT_SERVICES_API_VERSION = '20261101';

const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional();
const millis = z.coerce.number().int().min(1).max(600_000);
const limit = (max: number) => z.coerce.number().int().min(1).max(max);
/** Comma-separated browser origins (`https://portal.example.net`), each exactly scheme://host[:port]. */
const origins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
        message: 'each origin must be scheme://host[:port], with no path or trailing slash',
      }),
    ),
  );
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration: `24h`, `30m`, `90s`, `1d`, `500ms`, or a bare number of seconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'must be a duration such as 24h, 30m, 90s or a number of seconds')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(\w*)$/.exec(value)!;
    return Number(amount) * UNIT_MS[(unit || 's') as keyof typeof UNIT_MS];
  })
  .refine((ms) => ms >= 1000, 'must be at least 1s');

/**
 * The environment, one entry per variable: its parsing, default and messages. Either both upstream URLs are
 * set (a production gateway) or neither (the embedded default: simulators on loopback).
 */
const envSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PLUME_API_URL: url.optional(),
    SERVICES_API_URL: url.optional(),
    SERVICES_API_KEY: z.string().min(1).optional(),
    SERVICES_API_VERSION: z
      .string()
      .regex(/^\d{8}$/, 'must be a version date YYYYMMDD')
      .default(DEFAULT_SERVICES_API_VERSION),
    SERVICES_ACCOUNT_ID: z.string().min(1).optional(),
    /** Which customer field is the services sub-account id (see src/mapping.ts). */
    SUBACCOUNT_ID_FIELD: z.enum(['accountId', 'id']).default('accountId'),
    UPSTREAM_TIMEOUT_MS: millis.default(10_000),
    UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(32),
    UPSTREAM_CALL_BUDGET: z.coerce.number().int().min(1).max(10_000).default(200),
    /** One deadline per GraphQL request, shared by all its upstream calls and retries (docs/resilience.md). */
    REQUEST_TIMEOUT_MS: millis.default(15_000),
    UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    UPSTREAM_RETRY_BASE_MS: millis.default(100),
    UPSTREAM_RETRY_MAX_MS: millis.default(2_000),
    UPSTREAM_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    UPSTREAM_BREAKER_ERROR_RATE: z.coerce.number().gt(0).max(1).default(0.5),
    UPSTREAM_BREAKER_MIN_CALLS: z.coerce.number().int().min(1).max(100_000).default(20),
    UPSTREAM_BREAKER_WINDOW_MS: millis.default(10_000),
    UPSTREAM_BREAKER_OPEN_MS: millis.default(5_000),
    SHUTDOWN_TIMEOUT_MS: millis.default(10_000),
    /** After SIGTERM, /readyz answers 503 and the gateway still serves this long (the load balancer's
     * propagation time). Default: 5000 with upstreams (at most half of SHUTDOWN_TIMEOUT_MS), 0 embedded. */
    SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).optional(),
    /** How often /readyz's background check pings each backend (docs/resilience.md). */
    READINESS_CHECK_INTERVAL_MS: millis.default(5_000),
    /** Connection limits of the gateway's own HTTP server (README, Production). */
    MAX_CONNECTIONS: limit(1_000_000).default(1024),
    HEADERS_TIMEOUT_MS: millis.default(10_000),
    REQUEST_BODY_TIMEOUT_MS: millis.default(30_000),
    /** Above the load balancer's idle timeout (ALB: 60 s), so the balancer closes idle connections first. */
    KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(65_000),
    /** Where audit records go: stdout, a file path, or off. */
    AUDIT_LOG: z.string().min(1).default('stdout'),
    /** Prometheus metrics at /metrics on the gateway's port (docs/observability.md). */
    METRICS: z.enum(['on', 'off']).default('on'),
    /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** OpenTelemetry tracing is on only when this is set (OTLP over HTTP, `/v1/traces` appended). */
    OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('subscriber-graph'),
    /** Idempotency keys, workflow plans and suspension memory live in Redis when set (shared by replicas). */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** How long an idempotency key's outcome is kept. */
    IDEMPOTENCY_TTL: duration.prefault('24h'),
    /** Longest wait for one store (Redis) command; below REQUEST_TIMEOUT_MS so a hung Redis never holds a request. */
    STORE_TIMEOUT_MS: millis.default(1_000),
    /** Bulk jobs (docs/bulk-jobs.md): requests per second toward each backend, shared by every replica. */
    BULK_RATE_PLUME: z.coerce.number().positive().max(10_000).default(20),
    BULK_RATE_SERVICES: z.coerce.number().positive().max(10_000).default(20),
    /** Bulk items one replica runs at once; well below UPSTREAM_CONNECTIONS so interactive calls never wait. */
    BULK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Seals the credentials of running bulk jobs (AES-256-GCM): 32 bytes, base64; the same on every replica. */
    BULK_CREDENTIAL_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
    GRAPHIQL: flag,
    /** The bulk-jobs page at /jobs (src/jobs-page.ts). Unset: on for the embedded default, off with upstreams. */
    JOBS_PAGE: flag,
    INTROSPECTION: flag,
    /** Request limits (docs/security.md): each refused before execution, with no upstream call. */
    MAX_REQUEST_BODY_BYTES: limit(10_000_000).default(100_000),
    MAX_TOKENS: limit(100_000).default(1000),
    MAX_DEPTH: limit(100).default(10),
    MAX_ALIASES: limit(1000).default(15),
    MAX_DIRECTIVES: limit(1000).default(10),
    MAX_COST: limit(100_000).default(200),
    /** Memory a client's input may hold (docs/security.md, Memory): variables refused past these, with 400. */
    MAX_VARIABLES_DEPTH: limit(1000).default(32),
    /** Above the largest input the schema checks itself (1,000 SKU removals: ~3,000 values), so its more
     * precise BAD_USER_INPUT answers list sizes; this stops what only a raised body limit lets through. */
    MAX_VARIABLES_VALUES: limit(10_000_000).default(20_000),
    /** Parsed documents and parse errors kept (Yoga's parser cache), by estimated bytes. */
    DOCUMENT_CACHE_BYTES: limit(4_000_000_000).default(32_000_000),
    /** Largest upstream answer read; a larger one is refused (declared) or cut off (chunked) unread. */
    UPSTREAM_MAX_BODY_BYTES: limit(1_000_000_000).default(5_000_000),
    /** Browser origins allowed by CORS. Unset: loopback origins on the embedded default, none otherwise. */
    CORS_ORIGINS: origins.optional(),
    PERSISTED_OPERATIONS: z.enum(['off', 'allow', 'require']).default('allow'),
    /**
     * Comma-separated persisted-operations manifests (codegen, Apollo or Relay format); `default` stands for
     * the clients' own (generated and last released), which is also what unset means.
     */
    PERSISTED_OPERATIONS_MANIFEST: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((path) => path.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1, 'must name at least one manifest file (or default)'))
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.STORE_TIMEOUT_MS * 2 > env.REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORE_TIMEOUT_MS'],
        message: 'must be at most half of REQUEST_TIMEOUT_MS (a claim and a save must fit in one request)',
      });
    }
    if (env.BULK_CONCURRENCY * 4 > env.UPSTREAM_CONNECTIONS) {
      ctx.addIssue({
        code: 'custom',
        path: ['BULK_CONCURRENCY'],
        message: 'must be at most a quarter of UPSTREAM_CONNECTIONS (interactive requests keep the rest)',
      });
    }
    if (env.SHUTDOWN_DELAY_MS !== undefined && env.SHUTDOWN_DELAY_MS >= env.SHUTDOWN_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SHUTDOWN_DELAY_MS'],
        message: 'must be below SHUTDOWN_TIMEOUT_MS (in-flight requests need time to finish after it)',
      });
    }
    const upstream = env.PLUME_API_URL ?? env.SERVICES_API_URL;
    if (!upstream) return;
    for (const name of [
      'PLUME_API_URL',
      'SERVICES_API_URL',
      'SERVICES_API_KEY',
      'SERVICES_ACCOUNT_ID',
    ] as const) {
      if (!env[name]) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'is required when an upstream URL is configured',
        });
      }
    }
  });

/** The config's shape, as every module reads it: one camel-case name per setting, grouped by concern. */
function toConfig(e: z.output<typeof envSchema>) {
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    /** Undefined on the embedded default: server.ts starts the simulators and fills it in. */
    upstream: e.PLUME_API_URL
      ? {
          plumeUrl: e.PLUME_API_URL,
          servicesUrl: e.SERVICES_API_URL!,
          servicesApiKey: e.SERVICES_API_KEY!,
          servicesAccountId: e.SERVICES_ACCOUNT_ID!,
        }
      : undefined,
    servicesApiVersion: e.SERVICES_API_VERSION,
    subAccountIdField: e.SUBACCOUNT_ID_FIELD,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamConnections: e.UPSTREAM_CONNECTIONS,
    /** Most upstream calls one GraphQL request may make. */
    upstreamCallBudget: e.UPSTREAM_CALL_BUDGET,
    /** Largest upstream answer body read (src/upstream/http.ts). */
    upstreamMaxBodyBytes: e.UPSTREAM_MAX_BODY_BYTES,
    /** One deadline per GraphQL request for all its upstream calls. */
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    upstreamRetry: {
      retries: e.UPSTREAM_RETRIES,
      baseDelayMs: e.UPSTREAM_RETRY_BASE_MS,
      maxDelayMs: e.UPSTREAM_RETRY_MAX_MS,
    } satisfies RetryOptions,
    upstreamBreaker: {
      failures: e.UPSTREAM_BREAKER_FAILURES,
      errorRate: e.UPSTREAM_BREAKER_ERROR_RATE,
      minCalls: e.UPSTREAM_BREAKER_MIN_CALLS,
      windowMs: e.UPSTREAM_BREAKER_WINDOW_MS,
      openMs: e.UPSTREAM_BREAKER_OPEN_MS,
    } satisfies BreakerOptions,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    /** How long a draining gateway keeps serving (with /readyz 503) before it stops accepting. */
    // The embedded default has no load balancer to wait for: Ctrl-C stops it at once.
    shutdownDelayMs:
      e.SHUTDOWN_DELAY_MS ?? (e.PLUME_API_URL ? Math.min(5_000, Math.floor(e.SHUTDOWN_TIMEOUT_MS / 2)) : 0),
    readinessCheckIntervalMs: e.READINESS_CHECK_INTERVAL_MS,
    /** Limits of the gateway's own HTTP server (src/connections.ts). */
    connections: {
      maxConnections: e.MAX_CONNECTIONS,
      /** Most time to receive a request's headers (idle new connections included). */
      // Node refuses a headers timeout above the request timeout.
      headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_BODY_TIMEOUT_MS),
      /** Most time to receive a whole request, headers and body. */
      requestBodyTimeoutMs: e.REQUEST_BODY_TIMEOUT_MS,
      /** How long an idle keep-alive connection stays open. */
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    },
    auditLog: e.AUDIT_LOG,
    metrics: e.METRICS === 'on',
    metricsToken: e.METRICS_TOKEN,
    /** Undefined: tracing off. */
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
    /** Redis for the store (src/store/); memory when absent. Never logged: it may hold a password. */
    redisUrl: e.REDIS_URL,
    idempotencyTtlMs: e.IDEMPOTENCY_TTL,
    storeTimeoutMs: e.STORE_TIMEOUT_MS,
    /** Bulk jobs (src/bulk/, docs/bulk-jobs.md). */
    bulk: {
      /** Requests per second toward each backend, for all bulk work of all replicas together. */
      rates: { plume: e.BULK_RATE_PLUME, services: e.BULK_RATE_SERVICES },
      /** Items one replica runs at once. */
      concurrency: e.BULK_CONCURRENCY,
      /** Seals job credentials; undefined: generated per process (embedded Redis) or bulk refused (REDIS_URL). */
      credentialKey: e.BULK_CREDENTIAL_KEY ? Buffer.from(e.BULK_CREDENTIAL_KEY, 'base64') : undefined,
    },
    graphiql: e.GRAPHIQL,
    /** Undefined: the default for the deployment (on for the embedded default, else off). */
    jobsPage: e.JOBS_PAGE,
    introspection: e.INTROSPECTION,
    /** Per-request limits (src/security/limits.ts). */
    limits: {
      maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
      maxTokens: e.MAX_TOKENS,
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxDirectives: e.MAX_DIRECTIVES,
      /** Most estimated upstream calls of one operation (the cost of its upstream-backed fields). */
      maxCost: e.MAX_COST,
    },
    /** What bounds the memory a client's input can hold (src/security/variables.ts, document-cache.ts). */
    memoryBounds: {
      /** Most lists and objects nested inside one another in `variables` (or `extensions`). */
      maxVariablesDepth: e.MAX_VARIABLES_DEPTH,
      /** Most values (scalars, lists, objects) in `variables` (or `extensions`). */
      maxVariablesValues: e.MAX_VARIABLES_VALUES,
      /** Estimated bytes of parsed documents and parse errors kept for reuse. */
      documentCacheBytes: e.DOCUMENT_CACHE_BYTES,
    },
    /** Undefined: the default for the deployment (loopback origins on the embedded default, else none). */
    corsOrigins: e.CORS_ORIGINS,
    persistedOperations: e.PERSISTED_OPERATIONS,
    /** Manifest files (`default`: the clients' own); undefined: the clients' own. */
    persistedOperationsManifests: e.PERSISTED_OPERATIONS_MANIFEST,
  };
}

/** Environment → typed config, read once at start-up. */
export const configSchema = envSchema.transform(toConfig);

export type Config = z.output<typeof configSchema>;
export type UpstreamConfig = NonNullable<Config['upstream']>;
export type BulkSettings = Config['bulk'];
export type ConnectionLimits = Config['connections'];
export type MemoryBounds = Config['memoryBounds'];
export type RequestLimits = Config['limits'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a bad value fails with a message naming each variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
