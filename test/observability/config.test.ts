import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('observability configuration', () => {
  it('defaults to metrics on, no metrics token, tracing off, audit records on stdout', () => {
    expect(loadConfig({})).toMatchObject({
      auditLog: 'stdout',
      metrics: true,
      metricsToken: undefined,
      otlpEndpoint: undefined,
      serviceName: 'subscriber-graph',
    });
  });

  it('reads METRICS, METRICS_TOKEN and the OTLP endpoint (trailing slash trimmed)', () => {
    expect(
      loadConfig({
        METRICS: 'off',
        METRICS_TOKEN: 'scrape-0123456789abcdef',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      }),
    ).toMatchObject({
      metrics: false,
      metricsToken: 'scrape-0123456789abcdef',
      otlpEndpoint: 'http://collector:4318',
    });
  });

  it.each([
    [{ METRICS: 'yes' }, 'METRICS'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN: must be at least 16 characters'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
  ])('rejects %j naming the variable, without echoing the value', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
    expect(() => loadConfig(env)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(Object.values(env)[0]!) }),
    );
  });
});
