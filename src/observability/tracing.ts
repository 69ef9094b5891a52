import {
  context as otelContext,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestIdOf } from '../context.js';
import type { UpstreamObserver } from '../upstream/http/call.js';

/**
 * OpenTelemetry tracing, on only when an OTLP endpoint is set (or a test passes span processors): a server
 * span per GraphQL operation, named after the operation, continuing the client's `traceparent` if it sent
 * one, and a client span per upstream call whose W3C `traceparent` goes upstream with the call.
 */

export interface TracingOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: spans are exported to `<endpoint>/v1/traces`. */
  endpoint?: string;
  serviceName: string;
  /** Extra processors, e.g. a SimpleSpanProcessor over an InMemorySpanExporter in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  /** For spans of work outside a request (bulk items: src/bulk/observe.ts). */
  tracer: Tracer;
  upstreamObserver: UpstreamObserver;
  plugin: Plugin;
  /** Flushes and stops the exporter. */
  close(): Promise<void>;
}

// W3C trace context only: the client's baggage is not forwarded to the backends.
const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

export function createTracing({
  endpoint,
  serviceName,
  spanProcessors = [],
}: TracingOptions): Tracing | undefined {
  const exporters = endpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))]
    : [];
  if (exporters.length + spanProcessors.length === 0) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [...spanProcessors, ...exporters],
  });
  // Installs the async-local context manager that carries the operation span down to upstream calls.
  // Tracers and the propagator are used from here directly, so a second gateway in one process works too.
  provider.register({ propagator: null });
  const tracer = provider.getTracer('subscriber-graph');
  return {
    tracer,
    upstreamObserver: upstreamSpans(tracer),
    plugin: useOperationSpans(tracer),
    close: () => provider.shutdown(),
  };
}

function useOperationSpans(tracer: Tracer): Plugin {
  return {
    instrumentation: {
      operation: ({ request }, wrapped) => {
        const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
        const span = tracer.startSpan(
          'graphql',
          { kind: SpanKind.SERVER, attributes: { 'graphql.request_id': requestIdOf(request) } },
          parent,
        );
        return otelContext.with(trace.setSpan(parent, span), async () => {
          try {
            await wrapped();
          } catch (error) {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        });
      },
    },
    onParse:
      () =>
      ({ result, context }) => {
        const span = trace.getActiveSpan();
        if (!span || result instanceof Error || !result) return;
        const operation = getOperationAST(result, context.params?.operationName);
        if (!operation) return;
        span.updateName(operation.name?.value ?? operation.operation);
        span.setAttribute('graphql.operation.type', operation.operation);
        if (operation.name) span.setAttribute('graphql.operation.name', operation.name.value);
      },
    onExecutionResult: ({ result }) => {
      const span = trace.getActiveSpan();
      const errors = result && 'errors' in result ? (result.errors ?? []) : [];
      if (!span || errors.length === 0) return;
      const codes = errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
      span.setAttribute('graphql.error.codes', [...new Set(codes)]);
      span.setStatus({ code: SpanStatusCode.ERROR });
    },
  };
}

function upstreamSpans(tracer: Tracer): UpstreamObserver {
  return {
    start(info, headers) {
      const parent = otelContext.active();
      const span: Span = tracer.startSpan(
        `${info.method} ${info.route}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': info.method,
            'url.template': info.route,
            'upstream.name': info.upstream,
            'upstream.operation': info.operation,
          },
        },
        parent,
      );
      propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
      return (end) => {
        if (end.status !== undefined) span.setAttribute('http.response.status_code', end.status);
        if (end.upstreamRequestId) span.setAttribute('upstream.request_id', end.upstreamRequestId);
        // OTel HTTP conventions: a client span fails on no answer or a status of 400 and above.
        const errorType =
          end.failure ?? (end.status !== undefined && end.status >= 400 ? String(end.status) : '');
        if (errorType) {
          span.setAttribute('error.type', errorType);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      };
    },
  };
}
