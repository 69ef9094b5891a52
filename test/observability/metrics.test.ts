import { afterEach, describe, expect, it } from 'vitest';
import { boundedLabel } from '../../src/observability/metrics.js';
import { customerIds } from '../../src/sandbox/seed.js';
import { customers, secrets } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CustomerLocations } from './documents.js';

/** Prometheus /metrics on the gateway's port, scraped over HTTP after real traffic. */

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const scrape = async (headers: Record<string, string> = {}) => {
  const response = await fetch(`${gw!.url}/metrics`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

const postRaw = (body: string) =>
  fetch(`${gw!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** The value of one series, e.g. `sample(text, 'graphql_requests_in_flight')`. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('/metrics', () => {
  it('counts operations by name and outcome, and upstream calls by route template and status', async () => {
    gw = await startTestGateway();
    await gw.execute(CustomerLocations, { id: customers.ada });
    await gw.execute(CustomerLocations, { id: customers.ada });
    gw.sandbox.plume.control.inject({
      method: 'GET',
      path: `/api/Customers/${customerIds.grace}/locations`,
      status: 500,
    });
    const failed = await gw.execute(CustomerLocations, { id: customers.grace });
    // Partial result: only the failed field is null, with its error.
    expect([failed.data, failed.errors?.[0]?.extensions?.code]).toEqual([
      { customer: { name: 'Grace Hopper', locations: null } },
      'UPSTREAM_ERROR',
    ]);

    const { status, type, text } = await scrape();

    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain/);
    // Not a client operation (in no persisted manifest): counted as `other` (metric-labels.test.ts).
    const op = 'operation_name="other",operation_type="query"';
    expect(sample(text, `graphql_operation_duration_seconds_count{${op},outcome="success"}`)).toBe(2);
    expect(sample(text, `graphql_operation_duration_seconds_count{${op},outcome="partial"}`)).toBe(1);
    const route = (operation: string, path: string, code: string) =>
      `upstream_request_duration_seconds_count{upstream="plume",operation="${operation}",method="GET",route="${path}",status="${code}"}`;
    expect(sample(text, route('getCustomer', '/api/Customers/{id}', '200'))).toBe(3);
    expect(sample(text, route('listLocations', '/api/Customers/{id}/locations', '200'))).toBe(2);
    expect(sample(text, route('listLocations', '/api/Customers/{id}/locations', '500'))).toBe(1);
    expect(sample(text, 'graphql_requests_in_flight')).toBe(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it('labels nothing by id, port or token', async () => {
    gw = await startTestGateway();
    await gw.execute(CustomerLocations, { id: customers.ada });

    const { text } = await scrape();

    const ports = [gw.url, gw.sandbox.upstream.plumeUrl, gw.sandbox.upstream.servicesUrl].map(
      (u) => new URL(u).port,
    );
    for (const value of [...Object.values(customerIds), customers.ada, ...ports, ...secrets]) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toMatch(/url="/);
  });

  it('counts refusals by their error code', async () => {
    gw = await startTestGateway();
    await postRaw(JSON.stringify({ query: '{ customer(' }));
    await postRaw(JSON.stringify({ query: '{ nope }' }));
    await postRaw(JSON.stringify({ query: '{ nope }' }));

    const { text } = await scrape();

    expect(sample(text, 'graphql_refusals_total{code="GRAPHQL_PARSE_FAILED"}')).toBe(1);
    expect(sample(text, 'graphql_refusals_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(2);
    expect(
      sample(
        text,
        'graphql_operation_duration_seconds_count{operation_name="anonymous",operation_type="query",outcome="refused"}',
      ),
    ).toBe(2);
  });

  it('keeps one registry per gateway', async () => {
    gw = await startTestGateway();
    const other = await startTestGateway();
    try {
      await other.execute(CustomerLocations, { id: customers.ada });
      expect((await scrape()).text).not.toContain('CustomerLocations');
    } finally {
      await other.close();
    }
  });

  it('answers only the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'scrape-0123456789abcdef';
    gw = await startTestGateway({ metricsToken: token });

    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-0123456789abcdef' })).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('is not served with METRICS=off', async () => {
    gw = await startTestGateway({ metrics: false });

    expect((await scrape()).status).toBe(404);
  });
});

describe('boundedLabel', () => {
  it('keeps the first distinct values and folds later new ones, and invalid ones, into "other"', () => {
    const label = boundedLabel(2, (value) => value.length <= 5);

    expect(['a', 'b', 'c', 'a', 'b', 'toolong'].map(label)).toEqual(['a', 'b', 'other', 'a', 'b', 'other']);
  });
});
