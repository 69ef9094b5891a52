import { z } from 'zod';
import { setting, url } from './settings.js';

/** Audit trail, metrics and tracing (src/observability/, docs/observability.md). */
export const observabilitySettings = {
  /** Where audit records go: stdout, a file path, or off. */
  auditLog: setting('AUDIT_LOG', z.string().min(1).default('stdout')),
  /** Prometheus metrics at /metrics on the gateway's port. */
  metrics: setting(
    'METRICS',
    z
      .enum(['on', 'off'])
      .default('on')
      .transform((value) => value === 'on'),
  ),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  metricsToken: setting('METRICS_TOKEN', z.string().min(16, 'must be at least 16 characters').optional()),
  /** OpenTelemetry tracing is on only when this is set (OTLP over HTTP, `/v1/traces` appended). */
  otlpEndpoint: setting('OTEL_EXPORTER_OTLP_ENDPOINT', url.optional()),
  serviceName: setting('OTEL_SERVICE_NAME', z.string().min(1).default('subscriber-graph')),
};
