import { z } from 'zod';
import { SERVICES_API_VERSION } from './sandbox/seed.js';

const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional();
const millis = z.coerce.number().int().min(1).max(600_000);
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
    SHUTDOWN_TIMEOUT_MS: millis.default(10_000),
    /** Where audit records go: stdout, a file path, or off. */
    AUDIT_LOG: z.string().min(1).default('stdout'),
    /** Idempotency keys, workflow plans and suspension memory live in Redis when set (shared by replicas). */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** How long an idempotency key's outcome is kept. */
    IDEMPOTENCY_TTL: duration.prefault('24h'),
    GRAPHIQL: flag,
    INTROSPECTION: flag,
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
  shutdownTimeoutMs: number;
  auditLog: string;
  /** Redis for the store (src/store/); memory when absent. Never logged: it may hold a password. */
  redisUrl?: string;
  idempotencyTtlMs: number;
  graphiql?: boolean;
  introspection?: boolean;
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
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auditLog: e.AUDIT_LOG,
    redisUrl: e.REDIS_URL,
    idempotencyTtlMs: e.IDEMPOTENCY_TTL,
    graphiql: e.GRAPHIQL,
    introspection: e.INTROSPECTION,
  };
}
