import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('resilience settings', () => {
  it('have documented defaults (docs/resilience.md)', () => {
    expect(loadConfig({})).toMatchObject({
      requestTimeoutMs: 15_000,
      upstreamRetry: { retries: 2, baseDelayMs: 100, maxDelayMs: 2_000 },
      upstreamBreaker: { failures: 5, errorRate: 0.5, minCalls: 20, windowMs: 10_000, openMs: 5_000 },
    });
  });

  it('are read from the environment', () => {
    const config = loadConfig({
      REQUEST_TIMEOUT_MS: '8000',
      UPSTREAM_RETRIES: '0',
      UPSTREAM_RETRY_BASE_MS: '50',
      UPSTREAM_RETRY_MAX_MS: '500',
      UPSTREAM_BREAKER_FAILURES: '10',
      UPSTREAM_BREAKER_ERROR_RATE: '0.25',
      UPSTREAM_BREAKER_MIN_CALLS: '50',
      UPSTREAM_BREAKER_WINDOW_MS: '30000',
      UPSTREAM_BREAKER_OPEN_MS: '15000',
    });
    expect(config).toMatchObject({
      requestTimeoutMs: 8_000,
      upstreamRetry: { retries: 0, baseDelayMs: 50, maxDelayMs: 500 },
      upstreamBreaker: { failures: 10, errorRate: 0.25, minCalls: 50, windowMs: 30_000, openMs: 15_000 },
    });
  });

  it.each([
    [{ REQUEST_TIMEOUT_MS: '0' }, 'REQUEST_TIMEOUT_MS'],
    [{ UPSTREAM_RETRIES: '-1' }, 'UPSTREAM_RETRIES'],
    [{ UPSTREAM_RETRIES: '11' }, 'UPSTREAM_RETRIES'],
    [{ UPSTREAM_BREAKER_ERROR_RATE: '0' }, 'UPSTREAM_BREAKER_ERROR_RATE'],
    [{ UPSTREAM_BREAKER_ERROR_RATE: '1.5' }, 'UPSTREAM_BREAKER_ERROR_RATE'],
    [{ UPSTREAM_BREAKER_FAILURES: 'many' }, 'UPSTREAM_BREAKER_FAILURES'],
  ])('reject %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
