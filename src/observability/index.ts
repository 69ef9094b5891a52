import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { UpstreamObserver } from '../upstream/call.js';
import type { HttpClient } from '../upstream/http.js';
import { createMetrics } from './metrics.js';
import { createTracing } from './tracing.js';

/** Metrics and tracing as configured: watchers for the upstream clients and plugins for Yoga. */
export interface Observability {
  upstreamObservers: UpstreamObserver[];
  plugins: Plugin[];
  /** Shows the upstream clients' circuit breakers in /metrics. */
  watchBreakers(clients: ReadonlyArray<Pick<HttpClient, 'upstream' | 'breakerState'>>): void;
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
    watchBreakers: (clients) => metrics?.watchBreakers(clients),
    close: async () => {
      await tracing?.close();
    },
  };
}
