import { z } from 'zod';
import { observabilitySettings } from './config/observability.js';
import { clientSettings, limitSettings, memorySettings } from './config/security.js';
import { connectionSettings, serverSettings } from './config/server.js';
import { valuesOf, variablesOf } from './config/settings.js';
import { bulkRateSettings, bulkSettings, storeSettings } from './config/store.js';
import { breakerSettings, retrySettings, upstreamEndpoints, upstreamSettings } from './config/upstream.js';

/**
 * Environment → typed config, read once at start-up. Each setting is declared once, in src/config/ by
 * concern (its variable, parsing, default and meaning); this file joins them, checks the settings that
 * depend on one another, and derives the few values that come from more than one variable.
 */

export { DEFAULT_SERVICES_API_VERSION } from './config/upstream.js';
export type { BreakerOptions, RetryOptions } from './config/upstream.js';

/** Every environment variable the gateway reads, with its parsing, default and messages. */
const envSchema = z
  .object({
    ...variablesOf(serverSettings),
    ...variablesOf(upstreamEndpoints),
    ...variablesOf(upstreamSettings),
    ...variablesOf(retrySettings),
    ...variablesOf(breakerSettings),
    ...variablesOf(connectionSettings),
    ...variablesOf(observabilitySettings),
    ...variablesOf(storeSettings),
    ...variablesOf(bulkRateSettings),
    ...variablesOf(bulkSettings),
    ...variablesOf(limitSettings),
    ...variablesOf(memorySettings),
    ...variablesOf(clientSettings),
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
    // Either both upstream URLs are set (a production gateway) or neither (the embedded simulators).
    if (!(env.PLUME_API_URL ?? env.SERVICES_API_URL)) return;
    for (const setting of Object.values(upstreamEndpoints)) {
      if (!env[setting.variable]) {
        ctx.addIssue({
          code: 'custom',
          path: [setting.variable],
          message: 'is required when an upstream URL is configured',
        });
      }
    }
  });

type Env = z.output<typeof envSchema>;

/** The config's shape, as every module reads it: one camel-case name per setting, grouped by concern. */
function toConfig(e: Env) {
  const server = valuesOf(serverSettings, e);
  const connections = valuesOf(connectionSettings, e);
  return {
    ...server,
    // The embedded default has no load balancer to wait for: Ctrl-C stops it at once.
    shutdownDelayMs:
      server.shutdownDelayMs ??
      (e.PLUME_API_URL ? Math.min(5_000, Math.floor(server.shutdownTimeoutMs / 2)) : 0),
    /** Undefined on the embedded default: server.ts starts the simulators and fills it in. */
    upstream: upstreamOf(e),
    ...valuesOf(upstreamSettings, e),
    upstreamRetry: valuesOf(retrySettings, e),
    upstreamBreaker: valuesOf(breakerSettings, e),
    connections: {
      ...connections,
      // Node refuses a headers timeout above the request timeout.
      headersTimeoutMs: Math.min(connections.headersTimeoutMs, connections.requestBodyTimeoutMs),
    },
    ...valuesOf(observabilitySettings, e),
    ...valuesOf(storeSettings, e),
    bulk: { rates: valuesOf(bulkRateSettings, e), ...valuesOf(bulkSettings, e) },
    limits: valuesOf(limitSettings, e),
    memoryBounds: valuesOf(memorySettings, e),
    ...valuesOf(clientSettings, e),
  };
}

type UpstreamEndpoints = { [K in keyof typeof upstreamEndpoints]: string };

/** All four upstream settings (superRefine required them together), or none. */
function upstreamOf(e: Env): UpstreamEndpoints | undefined {
  return e.PLUME_API_URL ? (valuesOf(upstreamEndpoints, e) as UpstreamEndpoints) : undefined;
}

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
