import { z } from 'zod';
import { SERVICES_API_VERSION } from './sandbox/seed.js';
import type { BreakerOptions } from './upstream/breaker.js';
import type { RetryOptions } from './upstream/retry.js';

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
 * Environment → typed config, read once at start-up. Either both upstream URLs are set (a production
 * gateway) or neither (the embedded default: simulators on loopback).
 */
export const configSchema = z
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
      .default(SERVICES_API_VERSION),
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
    GRAPHIQL: flag,
    INTROSPECTION: flag,
    /** Request limits (docs/security.md): each refused before execution, with no upstream call. */
    MAX_REQUEST_BODY_BYTES: limit(10_000_000).default(100_000),
    MAX_TOKENS: limit(100_000).default(1000),
    MAX_DEPTH: limit(100).default(10),
    MAX_ALIASES: limit(1000).default(15),
    MAX_DIRECTIVES: limit(1000).default(10),
    MAX_COST: limit(100_000).default(200),
    /** Browser origins allowed by CORS. Unset: loopback origins on the embedded default, none otherwise. */
    CORS_ORIGINS: origins.optional(),
    PERSISTED_OPERATIONS: z.enum(['off', 'allow', 'require']).default('allow'),
    /** The persisted-operations manifest (`{ "sha256:<hex>": "<document>" }`); default: the clients' one. */
    PERSISTED_OPERATIONS_MANIFEST: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
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

export type Env = z.output<typeof configSchema>;

export interface Config {
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  /** Undefined on the embedded default: server.ts starts the simulators and fills it in. */
  upstream?: UpstreamConfig;
  servicesApiVersion: string;
  subAccountIdField: Env['SUBACCOUNT_ID_FIELD'];
  upstreamTimeoutMs: number;
  upstreamConnections: number;
  /** Most upstream calls one GraphQL request may make. */
  upstreamCallBudget: number;
  /** One deadline per GraphQL request for all its upstream calls. */
  requestTimeoutMs: number;
  upstreamRetry: RetryOptions;
  upstreamBreaker: BreakerOptions;
  shutdownTimeoutMs: number;
  auditLog: string;
  metrics: boolean;
  metricsToken?: string;
  /** Undefined: tracing off. */
  otlpEndpoint?: string;
  serviceName: string;
  /** Redis for the store (src/store/); memory when absent. Never logged: it may hold a password. */
  redisUrl?: string;
  idempotencyTtlMs: number;
  graphiql?: boolean;
  introspection?: boolean;
  limits: RequestLimits;
  /** Undefined: the default for the deployment (loopback origins on the embedded default, else none). */
  corsOrigins?: string[];
  persistedOperations: Env['PERSISTED_OPERATIONS'];
  persistedOperationsManifest?: string;
}

/** Per-request limits (src/security/limits.ts). */
export interface RequestLimits {
  maxRequestBodyBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Most estimated upstream calls of one operation (the cost of its upstream-backed fields). */
  maxCost: number;
}

export interface UpstreamConfig {
  plumeUrl: string;
  servicesUrl: string;
  servicesApiKey: string;
  servicesAccountId: string;
}

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
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
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
    upstreamCallBudget: e.UPSTREAM_CALL_BUDGET,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    upstreamRetry: {
      retries: e.UPSTREAM_RETRIES,
      baseDelayMs: e.UPSTREAM_RETRY_BASE_MS,
      maxDelayMs: e.UPSTREAM_RETRY_MAX_MS,
    },
    upstreamBreaker: {
      failures: e.UPSTREAM_BREAKER_FAILURES,
      errorRate: e.UPSTREAM_BREAKER_ERROR_RATE,
      minCalls: e.UPSTREAM_BREAKER_MIN_CALLS,
      windowMs: e.UPSTREAM_BREAKER_WINDOW_MS,
      openMs: e.UPSTREAM_BREAKER_OPEN_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auditLog: e.AUDIT_LOG,
    metrics: e.METRICS === 'on',
    metricsToken: e.METRICS_TOKEN,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: e.OTEL_SERVICE_NAME,
    redisUrl: e.REDIS_URL,
    idempotencyTtlMs: e.IDEMPOTENCY_TTL,
    graphiql: e.GRAPHIQL,
    introspection: e.INTROSPECTION,
    limits: {
      maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
      maxTokens: e.MAX_TOKENS,
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxDirectives: e.MAX_DIRECTIVES,
      maxCost: e.MAX_COST,
    },
    corsOrigins: e.CORS_ORIGINS,
    persistedOperations: e.PERSISTED_OPERATIONS,
    persistedOperationsManifest: e.PERSISTED_OPERATIONS_MANIFEST,
  };
}
