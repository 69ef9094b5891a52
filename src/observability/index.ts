import type { Tracer } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Registry } from 'prom-client';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { UpstreamObserver } from '../upstream/http/call.js';
import type { HttpClient } from '../upstream/http/client.js';
import { createMetrics } from './metrics.js';
import { createTracing } from './tracing.js';

/** Metrics and tracing as configured: watchers for the upstream clients and plugins for Yoga. */
export interface Observability {
  /** Where other parts add their metrics (bulk jobs); absent with METRICS=off. */
  registry?: Registry;
  /** Spans of work outside a request (bulk items); absent with tracing off. */
  tracer?: Tracer;
  upstreamObservers: UpstreamObserver[];
  plugins: Plugin[];
  /** Shows the upstream clients' circuit breakers in /metrics. */
  watchBreakers(clients: ReadonlyArray<Pick<HttpClient, 'upstream' | 'breakerState'>>): void;
  close(): Promise<void>;
}

export function createObservability(
  config: Pick<Config, 'metrics' | 'metricsToken' | 'otlpEndpoint' | 'serviceName'>,
  {
    spanProcessors,
    operationNames,
  }: {
    spanProcessors?: SpanProcessor[];
    /** The persisted manifests' operation names: the only operation names used as metric labels. */
    operationNames?: ReadonlySet<string>;
  } = {},
): Observability {
  const metrics = config.metrics ? createMetrics({ token: config.metricsToken, operationNames }) : undefined;
  const tracing = createTracing({
    endpoint: config.otlpEndpoint,
    serviceName: config.serviceName,
    spanProcessors,
  });
  return {
    registry: metrics?.registry,
    tracer: tracing?.tracer,
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
