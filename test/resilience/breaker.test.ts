import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { MASKED } from '../helpers/fixtures.js';
import { adaPath, adaReader, quickRetries, UnclaimNode, unclaimInput, unclaimPath } from './operations.js';

/**
 * The circuit breaker over real HTTP: it opens after consecutive failures, then answers at once with
 * UPSTREAM_UNAVAILABLE without calling the backend, lets one probe through after UPSTREAM_BREAKER_OPEN_MS,
 * and closes when the backend answers again. Readiness follows it.
 */

const FAILURES = 3;
let gw: TestGateway;
/** Starts the gateway with a breaker that stays open `openMs` (long, where a test must not see it half-open). */
async function start(openMs: number) {
  gw = await startTestGateway({
    upstreamRetry: { ...quickRetries, retries: 0 },
    upstreamBreaker: { failures: FAILURES, errorRate: 1, minCalls: 1_000, windowMs: 10_000, openMs },
  });
}
afterEach(() => gw.close());

const { readAda, adaReads } = adaReader(() => gw);
/** `/readyz`: the gateway's own readiness (200 while it can serve) and each backend's state. */
const readiness = async () => {
  const response = await fetch(`${gw.url}/readyz`);
  return {
    httpStatus: response.status,
    ...((await response.json()) as { backends: Record<string, string> }),
  };
};

async function openPlumeBreaker() {
  gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, status: 500 });
  for (let i = 0; i < FAILURES; i += 1) {
    expect((await readAda()).errors).toMatchObject([
      { message: MASKED, extensions: { code: 'UPSTREAM_ERROR' } },
    ]);
  }
  expect(gw.app.dependencies.plume.breakerState()).toBe('open');
}

describe('circuit breaker', () => {
  it(`opens after ${FAILURES} consecutive failures and then fails fast, without calling the backend`, async () => {
    await start(30_000);
    await openPlumeBreaker();
    expect(adaReads()).toBe(FAILURES);

    const query = await readAda();
    expect(query.data).toEqual({ customer: null });
    expect(query.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^The WiFi cloud is unavailable after repeated failures; try again in (30|29) s\.$/,
        ),
        path: ['customer'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: expect.any(Number) },
      }),
    ]);

    const mutation = await gw.execute(UnclaimNode, unclaimInput);
    expect(mutation.data?.unclaimNode).toEqual({
      __typename: 'UpstreamUnavailableError',
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('WiFi cloud is unavailable'),
      backend: 'WIFI_CLOUD',
      retryAfterSeconds: expect.any(Number),
    });

    expect(adaReads()).toBe(FAILURES);
    expect(gw.sandbox.plume.control.count(unclaimPath, 'DELETE')).toBe(0);
    // Only the failing backend's breaker opened.
    expect(gw.app.dependencies.services.breakerState()).toBe('closed');
    // The gateway still serves the other backend: ready, with the WiFi cloud shown down.
    expect(await readiness()).toMatchObject({
      httpStatus: 200,
      backends: { wifiCloud: 'down', services: 'up' },
    });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('upstream_circuit_state{upstream="plume"} 2');
    expect(metrics).toContain('upstream_circuit_state{upstream="services"} 0');
  });

  it('lets one probe through once open long enough, and closes when the backend recovered', async () => {
    await start(400);
    await openPlumeBreaker();
    gw.sandbox.plume.control.clearFaults();
    await expect.poll(() => gw.app.dependencies.plume.breakerState(), { timeout: 5_000 }).toBe('half-open');
    expect(await readiness()).toMatchObject({ httpStatus: 200, backends: { wifiCloud: 'degraded' } });

    const response = await readAda();

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ customer: { customerId: expect.any(String), name: 'Ada Lovelace' } });
    expect(adaReads()).toBe(FAILURES + 1);
    expect(gw.app.dependencies.plume.breakerState()).toBe('closed');
    expect((await gw.execute(UnclaimNode, unclaimInput)).data?.unclaimNode.__typename).toBe(
      'UnclaimNodeSuccess',
    );
  });

  it('opens again when the probe fails', async () => {
    // Long enough that the breaker is still open for the last query, even on a loaded machine.
    await start(1_500);
    await openPlumeBreaker();
    await expect.poll(() => gw.app.dependencies.plume.breakerState(), { timeout: 5_000 }).toBe('half-open');

    expect((await readAda()).errors).toMatchObject([{ extensions: { code: 'UPSTREAM_ERROR' } }]);
    expect(adaReads()).toBe(FAILURES + 1);
    expect(gw.app.dependencies.plume.breakerState()).toBe('open');
    expect((await readAda()).errors).toMatchObject([{ extensions: { code: 'UPSTREAM_UNAVAILABLE' } }]);
    expect(adaReads()).toBe(FAILURES + 1);
  });

  it('counts an unreachable backend as failing', async () => {
    await start(30_000);
    await gw.sandbox.plume.close();
    for (let i = 0; i < FAILURES; i += 1) await readAda();
    expect(gw.app.dependencies.plume.breakerState()).toBe('open');
    expect((await readAda()).errors).toMatchObject([{ extensions: { code: 'UPSTREAM_UNAVAILABLE' } }]);
  });

  it('stays closed on answers that prove the backend up: 4xx outcomes', async () => {
    await start(30_000);
    gw.sandbox.plume.control.inject({ method: 'GET', path: adaPath, status: 404 });
    for (let i = 0; i < FAILURES + 2; i += 1) {
      expect((await readAda()).errors).toMatchObject([{ extensions: { code: 'NOT_FOUND' } }]);
    }
    expect(gw.app.dependencies.plume.breakerState()).toBe('closed');
    expect(adaReads()).toBe(FAILURES + 2);
  });
});
