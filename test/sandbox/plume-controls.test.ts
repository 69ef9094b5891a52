import { describe, expect, it } from 'vitest';
import { call, expectError, paths, tokens, useFreshSimulator } from './plume-harness.js';
import { startPlumeSimulator } from '../../src/sandbox/plume/index.js';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { clearFaults, injectFault } from '../helpers/sandbox-controls.js';

const simulator = useFreshSimulator();
const adaPath = paths.customer(customerIds.ada);
const get = (path: string) => call(simulator().url, 'GET', path, { token: tokens.admin });

describe('fault injection', () => {
  it('answers an injected status with the LoopBack error body', async () => {
    expect(await injectFault(simulator().url, { method: 'GET', path: adaPath, status: 500 })).toBe(204);
    expect(await get(adaPath)).toMatchObject({
      status: 500,
      body: {
        error: {
          statusCode: 500,
          name: 'InternalServerError',
          code: 'INTERNAL_ERROR',
          message: 'Injected fault',
        },
      },
    });
    // Other methods and paths are untouched.
    expect(await get(paths.locations(customerIds.ada))).toMatchObject({ status: 200 });
  });

  it('renders the code the cloud would send for an injected 401, a generic one otherwise', async () => {
    await injectFault(simulator().url, { path: adaPath, status: 401, times: 1 });
    await injectFault(simulator().url, { path: adaPath, status: 429, times: 1 });
    expectError(await get(adaPath), 401, 'AUTHORIZATION_REQUIRED');
    expect(await get(adaPath)).toMatchObject({
      status: 429,
      body: { error: { name: 'TooManyRequestsError', code: 'INJECTED_FAULT' } },
    });
  });

  it('applies a fault only `times` times', async () => {
    await injectFault(simulator().url, { path: adaPath, status: 503, times: 2 });
    expect((await get(adaPath)).status).toBe(503);
    expect((await get(adaPath)).status).toBe(503);
    expect(await get(adaPath)).toMatchObject({ status: 200, body: { name: 'Ada Lovelace' } });
  });

  it('answers a custom raw body, e.g. malformed JSON', async () => {
    await injectFault(simulator().url, { path: adaPath, status: 200, body: '{"id": "6500' });
    const headers = { authorization: tokens.admin };
    const response = await fetch(`${simulator().url}${adaPath}`, { headers });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"id": "6500');
  });

  it('delays a request and then runs the real handler', async () => {
    await injectFault(simulator().url, { path: '/api/Customers/*', delayMs: 200 });
    const started = performance.now();
    const response = await get(adaPath);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(response).toMatchObject({ status: 200, body: { id: customerIds.ada } });
  });

  it('matches a path prefix ending in `*` and is cleared by DELETE /__sandbox/faults', async () => {
    await injectFault(simulator().url, { path: '/api/Customers/*', status: 500 });
    expect((await get(paths.nodes(customerIds.ada, locationIds.adaHome))).status).toBe(500);
    expect(await clearFaults(simulator().url)).toBe(204);
    expect((await get(paths.nodes(customerIds.ada, locationIds.adaHome))).status).toBe(200);
  });

  it('injects faults in process too', async () => {
    simulator().control.inject({ method: 'DELETE', path: adaPath, status: 500, times: 1 });
    const deleteAda = () => call(simulator().url, 'DELETE', adaPath, { token: tokens.admin });
    expectError(await deleteAda(), 500, 'INTERNAL_ERROR');
    expect(simulator().state.gdprDeletes).toEqual([]);
    expect(await deleteAda()).toMatchObject({ status: 200, body: { count: 1 } });
  });

  it('refuses a malformed fault', async () => {
    expect(await injectFault(simulator().url, { status: 500 })).toBe(400);
  });
});

describe('request log', () => {
  it('records the API requests served, with their query, but not the control routes', async () => {
    await get(adaPath);
    await get(paths.batch([customerIds.ada]));
    await call(simulator().url, 'DELETE', paths.location(customerIds.ada, locationIds.adaCottage), {
      token: tokens.admin,
    });
    const log = await call(simulator().url, 'GET', '/__sandbox/requests');
    expect(log.body).toEqual([
      { method: 'GET', path: adaPath, query: {} },
      {
        method: 'GET',
        path: '/api/Customers',
        query: { filter: JSON.stringify({ where: { id: { inq: [customerIds.ada] } } }) },
      },
      { method: 'DELETE', path: paths.location(customerIds.ada, locationIds.adaCottage), query: {} },
    ]);
    expect(simulator().control.count('/api/Customers', 'GET')).toBe(2);
  });

  it('is emptied by DELETE /__sandbox/requests', async () => {
    await get(adaPath);
    expect((await call(simulator().url, 'DELETE', '/__sandbox/requests')).status).toBe(204);
    expect((await call(simulator().url, 'GET', '/__sandbox/requests')).body).toEqual([]);
  });
});

describe('instances', () => {
  it('do not share state', async () => {
    const other = await startPlumeSimulator();
    try {
      await call(simulator().url, 'DELETE', adaPath, { token: tokens.admin });
      expectError(await get(adaPath), 404, 'CUSTOMER_NOT_FOUND');
      expect(await call(other.url, 'GET', adaPath, { token: tokens.admin })).toMatchObject({
        status: 200,
        body: { id: customerIds.ada, name: 'Ada Lovelace' },
      });
      expect(other.state.gdprDeletes).toEqual([]);
      expect(other.control.requests).toHaveLength(1);
      expect(other.url).not.toBe(simulator().url);
    } finally {
      await other.close();
    }
  });

  it('start from the seed again, whatever an earlier test changed', async () => {
    // The previous test deleted Ada in its own instance; this one starts fresh.
    expect(await get(adaPath)).toMatchObject({ status: 200, body: { id: customerIds.ada } });
    expect(simulator().state.inspectCustomer(customerIds.ada)?.claimedSerials).toHaveLength(3);
  });
});
