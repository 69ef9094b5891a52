import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerIds } from '../../src/sandbox/seed.js';
import { customers } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CustomerLocations } from './documents.js';

/**
 * Tracing with an in-memory exporter: a span per operation, a child span per upstream call, and the
 * `traceparent` the simulator received (seen through Node's http server diagnostics channel).
 */

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

/** `traceparent` headers the WiFi cloud simulator received on its API routes, in order. */
let received: Array<string | undefined>;
const onRequest = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  if (request.url?.startsWith('/api/')) received.push(request.headers.traceparent?.toString());
};
beforeEach(() => {
  received = [];
  subscribe('http.server.request.start', onRequest);
});
afterEach(() => {
  unsubscribe('http.server.request.start', onRequest);
});

describe('tracing on (span processors given)', () => {
  let exporter: InMemorySpanExporter;
  let gw: TestGateway;
  beforeEach(async () => {
    exporter = new InMemorySpanExporter();
    gw = await startTestGateway({}, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  });
  afterEach(() => gw.close());

  const spans = () => {
    const finished = exporter.getFinishedSpans();
    return {
      operation: finished.find((s) => s.kind === SpanKind.SERVER),
      upstream: finished.filter((s) => s.kind === SpanKind.CLIENT),
    };
  };

  it("continues the client's trace: one operation span, a child per upstream call, traceparent sent upstream", async () => {
    await gw.execute(
      CustomerLocations,
      { id: customers.ada },
      { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } },
    );

    const { operation, upstream } = spans();
    expect(operation).toMatchObject({
      name: 'CustomerLocations',
      attributes: { 'graphql.operation.name': 'CustomerLocations', 'graphql.operation.type': 'query' },
      status: { code: SpanStatusCode.UNSET },
    });
    expect(operation?.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(operation?.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    // The customer and its locations are read in the same wave: their spans may end in either order.
    expect(upstream.map((s) => [s.name, s.attributes['http.response.status_code']]).sort()).toEqual([
      ['GET /api/Customers/{id}', 200],
      ['GET /api/Customers/{id}/locations', 200],
    ]);
    for (const span of upstream) {
      expect(span.spanContext().traceId).toBe(CLIENT_TRACE);
      expect(span.parentSpanContext?.spanId).toBe(operation?.spanContext().spanId);
    }
    expect(received.sort()).toEqual(
      upstream.map((s) => `00-${CLIENT_TRACE}-${s.spanContext().spanId}-01`).sort(),
    );
  });

  it('starts a new trace when the client sends none', async () => {
    await gw.execute(CustomerLocations, { id: customers.ada });

    const { operation, upstream } = spans();
    expect(operation?.parentSpanContext).toBeUndefined();
    expect(operation?.spanContext().traceId).not.toBe(CLIENT_TRACE);
    expect(received.sort()).toEqual(
      upstream.map((s) => `00-${operation?.spanContext().traceId}-${s.spanContext().spanId}-01`).sort(),
    );
  });

  it('marks a failed upstream call and its operation as errors', async () => {
    gw.sandbox.plume.control.inject({
      method: 'GET',
      path: `/api/Customers/${customerIds.ada}/locations`,
      status: 500,
    });
    await gw.execute(CustomerLocations, { id: customers.ada });

    const { operation, upstream } = spans();
    expect(upstream.find((s) => s.name.endsWith('/locations'))).toMatchObject({
      status: { code: SpanStatusCode.ERROR },
      attributes: { 'error.type': '500', 'url.template': '/api/Customers/{id}/locations' },
    });
    expect(operation).toMatchObject({
      status: { code: SpanStatusCode.ERROR },
      attributes: { 'graphql.error.codes': ['UPSTREAM_ERROR'] },
    });
  });
});

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('sends no traceparent upstream', async () => {
    const gw = await startTestGateway();
    try {
      await gw.execute(
        CustomerLocations,
        { id: customers.ada },
        { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } },
      );
    } finally {
      await gw.close();
    }

    expect(received).toEqual([undefined, undefined]);
  });
});
