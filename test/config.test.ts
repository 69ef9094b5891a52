import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const production = {
  PLUME_API_URL: 'https://wifi.example.net/',
  SERVICES_API_URL: 'https://services.example.net',
  SERVICES_API_KEY: 'k',
  SERVICES_ACCOUNT_ID: 'ISP-MAIN',
};

describe('loadConfig', () => {
  it('defaults to the embedded simulators on 127.0.0.1:4000', () => {
    const config = loadConfig({});
    expect(config.upstream).toBeUndefined();
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      upstreamTimeoutMs: 10_000,
      subAccountIdField: 'accountId',
    });
    expect(config.graphiql).toBeUndefined();
  });

  it('reads a production configuration, trimming trailing slashes from URLs', () => {
    const config = loadConfig({
      ...production,
      PORT: '8080',
      GRAPHIQL: 'false',
      UPSTREAM_TIMEOUT_MS: '2500',
    });
    expect(config.upstream).toEqual({
      plumeUrl: 'https://wifi.example.net',
      servicesUrl: 'https://services.example.net',
      servicesApiKey: 'k',
      servicesAccountId: 'ISP-MAIN',
    });
    expect(config).toMatchObject({ port: 8080, graphiql: false, upstreamTimeoutMs: 2500 });
  });

  it.each([
    [{ PORT: '70000' }, 'PORT'],
    [{ PLUME_API_URL: 'ftp://x' }, 'PLUME_API_URL'],
    [{ ...production, SERVICES_API_KEY: undefined }, 'SERVICES_API_KEY: is required'],
    [{ SERVICES_API_VERSION: '2026-11-01' }, 'SERVICES_API_VERSION: must be a version date YYYYMMDD'],
    [{ SUBACCOUNT_ID_FIELD: 'email' }, 'SUBACCOUNT_ID_FIELD'],
    [{ GRAPHIQL: 'yes' }, 'GRAPHIQL'],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL'],
    [{ IDEMPOTENCY_TTL: '1 day' }, 'IDEMPOTENCY_TTL: must be a duration'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('has a documented default for every request limit, CORS and persisted operations', () => {
    const config = loadConfig({});
    expect(config.limits).toEqual({
      maxRequestBodyBytes: 100_000,
      maxTokens: 1000,
      maxDepth: 10,
      maxAliases: 15,
      maxDirectives: 10,
      maxCost: 200,
    });
    expect(config.corsOrigins).toBeUndefined();
    expect(config.persistedOperations).toBe('allow');
  });

  it('reads the limits, CORS origins and persisted-operations mode', () => {
    const config = loadConfig({
      MAX_DEPTH: '12',
      MAX_COST: '500',
      CORS_ORIGINS: 'https://portal.isp.example, http://localhost:5173',
      PERSISTED_OPERATIONS: 'require',
    });
    expect(config.limits).toMatchObject({ maxDepth: 12, maxCost: 500 });
    expect(config.corsOrigins).toEqual(['https://portal.isp.example', 'http://localhost:5173']);
    expect(config.persistedOperations).toBe('require');
  });

  it.each([
    [{ MAX_DEPTH: '0' }, 'MAX_DEPTH'],
    [{ MAX_REQUEST_BODY_BYTES: 'lots' }, 'MAX_REQUEST_BODY_BYTES'],
    [{ CORS_ORIGINS: 'https://portal.isp.example/' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ PERSISTED_OPERATIONS: 'on' }, 'PERSISTED_OPERATIONS'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps idempotency keys 24 h in memory by default; REDIS_URL and IDEMPOTENCY_TTL change that', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: undefined, idempotencyTtlMs: 86_400_000 });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379/0', IDEMPOTENCY_TTL: '30m' })).toMatchObject({
      redisUrl: 'redis://cache:6379/0',
      idempotencyTtlMs: 1_800_000,
    });
    expect(loadConfig({ IDEMPOTENCY_TTL: '3600' }).idempotencyTtlMs).toBe(3_600_000);
  });

  it('never echoes a value in its error, so a misplaced secret stays out of logs', () => {
    const secret = 'sk-live-5f2a9c';
    expect(() => loadConfig({ ...production, SERVICES_API_VERSION: secret, PLUME_API_URL: secret })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});
