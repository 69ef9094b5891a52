import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { httpServerOptions } from '../src/connections.js';

/** The connection, readiness and drain settings: defaults, the production defaults, validation. */

const upstreams = {
  PLUME_API_URL: 'https://wifi.example.net',
  SERVICES_API_URL: 'https://services.example.net',
  SERVICES_API_KEY: 'key',
  SERVICES_ACCOUNT_ID: 'ISP-MAIN',
};

describe('connection, readiness and drain settings', () => {
  it('has defaults: no drain delay on the embedded default', () => {
    const config = loadConfig({});
    expect(config.connections).toEqual({
      maxConnections: 1024,
      headersTimeoutMs: 10_000,
      requestBodyTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
    });
    expect(config.readinessCheckIntervalMs).toBe(5_000);
    expect(config.shutdownDelayMs).toBe(0);
  });

  it('waits 5 s for the load balancer with upstreams, at most half of SHUTDOWN_TIMEOUT_MS', () => {
    expect(loadConfig(upstreams).shutdownDelayMs).toBe(5_000);
    expect(loadConfig({ ...upstreams, SHUTDOWN_TIMEOUT_MS: '4000' }).shutdownDelayMs).toBe(2_000);
    expect(loadConfig({ ...upstreams, SHUTDOWN_DELAY_MS: '0' }).shutdownDelayMs).toBe(0);
  });

  it('reads each setting', () => {
    const config = loadConfig({
      MAX_CONNECTIONS: '20',
      HEADERS_TIMEOUT_MS: '2000',
      REQUEST_BODY_TIMEOUT_MS: '5000',
      KEEP_ALIVE_TIMEOUT_MS: '620000',
      READINESS_CHECK_INTERVAL_MS: '1000',
      SHUTDOWN_DELAY_MS: '1500',
    });
    expect(config.connections).toEqual({
      maxConnections: 20,
      headersTimeoutMs: 2_000,
      requestBodyTimeoutMs: 5_000,
      keepAliveTimeoutMs: 620_000,
    });
    expect(config).toMatchObject({ readinessCheckIntervalMs: 1_000, shutdownDelayMs: 1_500 });
  });

  it('never lets the headers deadline exceed the whole request deadline (Node refuses it)', () => {
    const { connections } = loadConfig({ REQUEST_BODY_TIMEOUT_MS: '3000' });
    expect(connections.headersTimeoutMs).toBe(3_000);
    expect(httpServerOptions(connections)).toMatchObject({ headersTimeout: 3_000, requestTimeout: 3_000 });
  });

  it.each([
    [{ SHUTDOWN_DELAY_MS: '10000' }, 'SHUTDOWN_DELAY_MS: must be below SHUTDOWN_TIMEOUT_MS'],
    [{ MAX_CONNECTIONS: '0' }, 'MAX_CONNECTIONS'],
    [{ REQUEST_BODY_TIMEOUT_MS: 'soon' }, 'REQUEST_BODY_TIMEOUT_MS'],
    [{ READINESS_CHECK_INTERVAL_MS: '0' }, 'READINESS_CHECK_INTERVAL_MS'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
