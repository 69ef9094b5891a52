import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { customerIds } from '../../src/sandbox/seed.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { customers, MASKED } from '../helpers/fixtures.js';
import {
  adaPath,
  adaReader,
  CancelAll,
  cancelAllInput,
  cancelAllPath,
  quickRetries,
  retryAfterFault,
  serviceLevelPath,
  SetServiceLevel,
  suspendInput,
  UnclaimNode,
  unclaimInput,
  unclaimPath,
} from './operations.js';

/**
 * Retries over real HTTP: reads are tried again on a connection error, 429 and 502-504, after a backoff that
 * honours Retry-After, within the request's deadline; writes are sent exactly once.
 */

let gw: TestGateway;
afterEach(() => gw.close());

async function start(overrides: Partial<Config> = {}) {
  gw = await startTestGateway({ upstreamRetry: quickRetries, ...overrides });
  return gw;
}
const { readAda, adaReads } = adaReader(() => gw);
const ada = { customer: { customerId: customerIds.ada, name: 'Ada Lovelace' } };

describe('reads', () => {
  it('retries a GET answered 503 once and succeeds', async () => {
    await start();
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, status: 503, times: 1 });

    const response = await readAda();

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual(ada);
    expect(adaReads()).toBe(2);
    // Each attempt is a call of its own in the log (and for observers and the ledger).
    expect(gw.logs.some((line) => line.includes('"attempt":2'))).toBe(true);
  });

  it.each([502, 504])('retries a GET answered %i', async (status) => {
    await start();
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, status, times: 1 });
    expect((await readAda()).data).toEqual(ada);
    expect(adaReads()).toBe(2);
  });

  it('retries a GET whose connection was reset', async () => {
    await start();
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, reset: true, times: 1 });
    expect((await readAda()).data).toEqual(ada);
    expect(adaReads()).toBe(2);
  });

  it('waits at least Retry-After before retrying a 429', async () => {
    await start();
    gw.sandbox.plume.control.inject(retryAfterFault(429, '1', { method: 'GET', path: adaPath, times: 1 }));

    const started = performance.now();
    const response = await readAda();

    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(response.data).toEqual(ada);
    expect(adaReads()).toBe(2);
  });

  it('gives up after the configured retries with a masked UPSTREAM_ERROR', async () => {
    await start();
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, status: 503 });

    const response = await readAda();

    expect(response.errors).toMatchObject([{ message: MASKED, extensions: { code: 'UPSTREAM_ERROR' } }]);
    expect(adaReads()).toBe(3);
  });

  it('does not retry a 500, nor retry at all with UPSTREAM_RETRIES=0', async () => {
    await start();
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, status: 500, times: 1 });
    expect((await readAda()).errors).toMatchObject([{ extensions: { code: 'UPSTREAM_ERROR' } }]);
    expect(adaReads()).toBe(1);
    await gw.close();

    await start({ upstreamRetry: { ...quickRetries, retries: 0 } });
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, status: 503, times: 1 });
    expect((await readAda()).errors).toMatchObject([{ extensions: { code: 'UPSTREAM_ERROR' } }]);
    expect(adaReads()).toBe(1);
  });
});

describe('writes', () => {
  const cases = [
    ['DELETE', 'plume', unclaimPath, () => gw.execute(UnclaimNode, unclaimInput)],
    ['PATCH', 'plume', serviceLevelPath, () => gw.execute(SetServiceLevel, suspendInput)],
    ['POST', 'services', cancelAllPath, () => gw.execute(CancelAll, cancelAllInput)],
  ] as const;

  it.each(cases)('sends a %s answered 503 exactly once', async (method, upstream, path, run) => {
    await start();
    gw.sandbox[upstream].control.inject({ method, path, status: 503 });

    const response = await run();

    // Not resent: the gateway re-reads instead, finds the change not made, and says it cannot tell.
    expect(Object.values(response.data ?? {})).toMatchObject([{ __typename: 'OutcomeUnknownError' }]);
    expect(gw.sandbox[upstream].control.count(path, method)).toBe(1);
  });

  it.each(cases)(
    'sends a %s whose connection was reset exactly once',
    async (method, upstream, path, run) => {
      await start();
      gw.sandbox[upstream].control.inject({ method, path, reset: true });

      const response = await run();

      expect(Object.values(response.data ?? {})).toMatchObject([{ __typename: 'OutcomeUnknownError' }]);
      expect(gw.sandbox[upstream].control.count(path, method)).toBe(1);
    },
  );
});

describe("the request's deadline", () => {
  it('bounds the total of its retries: no wait past REQUEST_TIMEOUT_MS', async () => {
    // Unbounded, ten retries each honouring Retry-After: 1 would take more than ten seconds.
    await start({ requestTimeoutMs: 1_500, upstreamRetry: { ...quickRetries, retries: 10 } });
    gw.sandbox.plume.control.inject(retryAfterFault(503, '1', { method: 'GET', path: adaPath }));

    const started = performance.now();
    const response = await readAda();

    expect(performance.now() - started).toBeLessThan(6_000);
    expect(response.errors).toMatchObject([{ extensions: { code: 'UPSTREAM_ERROR' } }]);
    expect(adaReads()).toBeLessThanOrEqual(2);
  });

  it('cuts a stalled call short of its own UPSTREAM_TIMEOUT_MS', async () => {
    await start({ requestTimeoutMs: 500, upstreamTimeoutMs: 20_000 });
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, delayMs: 10_000, times: 1 });

    const started = performance.now();
    const response = await readAda();

    expect(performance.now() - started).toBeLessThan(8_000);
    expect(response.errors).toMatchObject([{ extensions: { code: 'UPSTREAM_ERROR' } }]);
    expect(gw.logs.some((line) => line.includes("the request's deadline of 500 ms passed"))).toBe(true);
    expect(adaReads()).toBe(1);
  });

  it('is aborted with its upstream calls when the client disconnects', async () => {
    await start();
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, delayMs: 10_000, times: 1 });
    const client = new AbortController();
    const request = fetch(`${gw.url}/graphql`, {
      method: 'POST',
      signal: client.signal,
      headers: { 'content-type': 'application/json', authorization: 'sandbox-admin-token' },
      body: JSON.stringify({ query: `{ customer(id: "${customers.ada}") { name } }` }),
    });
    await expect.poll(adaReads).toBe(1);

    client.abort();
    await expect(request).rejects.toThrow();

    // The upstream call is aborted (logged once at debug), and not retried.
    await expect
      .poll(() => gw.logs.some((line) => line.includes('upstream GET getCustomer aborted')), {
        timeout: 5_000,
      })
      .toBe(true);
    expect(adaReads()).toBe(1);
    const aborts = gw.logs.filter((line) => line.includes('upstream GET getCustomer aborted'));
    expect(aborts.map((line) => JSON.parse(line).level)).toEqual([20]);
    expect(gw.logs.filter((line) => line.includes('TypeError'))).toEqual([]);
  });
});
