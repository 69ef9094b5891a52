import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { UpstreamObserver } from '../upstream/http.js';
import { createMetrics } from './metrics.js';
import { createTracing } from './tracing.js';

/** Metrics and tracing as configured: watchers for the upstream clients and plugins for Yoga. */
export interface Observability {
  upstreamObservers: UpstreamObserver[];
  plugins: Plugin[];
  close(): Promise<void>;
}

export function createObservability(
  config: Pick<Config, 'metrics' | 'metricsToken' | 'otlpEndpoint' | 'serviceName'>,
  { spanProcessors }: { spanProcessors?: SpanProcessor[] } = {},
): Observability {
  const metrics = config.metrics ? createMetrics({ token: config.metricsToken }) : undefined;
  const tracing = createTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    spanProcessors,
  });
  return {
    upstreamObservers: [
      ...(metrics ? [metrics.upstreamObserver] : []),
      ...(tracing ? [tracing.upstreamObserver] : []),
    ],
    // Tracing first: its span then covers the work the other plugins do.
    plugins: [...(tracing ? [tracing.plugin] : []), ...(metrics?.plugins ?? [])],
    close: async () => {
      await tracing?.close();
    },
  };
}
