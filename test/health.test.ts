import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadinessReport } from '../src/readiness.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';

/**
 * Liveness and readiness over HTTP, on a gateway whose background check runs every 100 ms. Readiness is
 * the gateway's own: 200 whatever the backends do, with each backend's state in the body.
 */

const INTERVAL_MS = 100;
let gw: TestGateway;
afterEach(() => gw.close());

async function start(overrides: Parameters<typeof startTestGateway>[0] = {}) {
  gw = await startTestGateway({ readinessCheckIntervalMs: INTERVAL_MS, ...overrides });
}

async function readyz(): Promise<{ status: number; body: ReadinessReport }> {
  const response = await fetch(`${gw.url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadinessReport };
}

/** Waits for the background check to report `backends`; every answer on the way is 200. */
async function expectBackends(backends: ReadinessReport['backends']) {
  await expect
    .poll(
      async () => {
        const { status, body } = await readyz();
        expect(status).toBe(200);
        return body.backends;
      },
      { timeout: 10_000, interval: 50 },
    )
    .toEqual(backends);
}

const pings = () => gw.sandbox.plume.control.requests.filter((r) => r.path === '/').length;

describe('health and readiness', () => {
  it('is alive and ready, both backends up, while both answer', async () => {
    await start();
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const response = await fetch(`${gw.url}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ status: 'ready', backends: { wifiCloud: 'up', services: 'up' } });
  });

  it.each([
    ['plume', { wifiCloud: 'down', services: 'up' }],
    ['services', { wifiCloud: 'up', services: 'down' }],
  ] as const)('stays alive and ready when the %s backend is gone, naming it down', async (name, backends) => {
    await start();
    await gw.sandbox[name].close();
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    await expectBackends(backends);
  });

  it('counts a backend that answers its ping with a 4xx as up', async () => {
    await start();
    gw.sandbox.plume.control.inject({ path: '/*', status: 404 });
    await readyz();
    await expect.poll(pings, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect((await readyz()).body.backends).toEqual({ wifiCloud: 'up', services: 'up' });
  });

  it.each([
    ['plume', 'answers only 5xx', { status: 503 }, { wifiCloud: 'degraded', services: 'up' }],
    ['services', 'answers only 5xx', { status: 503 }, { wifiCloud: 'up', services: 'degraded' }],
    [
      'plume',
      'answers its ping slowly',
      { path: '/', delayMs: 1_200 },
      { wifiCloud: 'degraded', services: 'up' },
    ],
    ['plume', 'resets every connection', { reset: true }, { wifiCloud: 'down', services: 'up' }],
  ] as const)('stays ready while the %s backend %s, and says so', async (name, _, fault, backends) => {
    await start();
    gw.sandbox[name].control.inject({ path: '/*', ...fault });
    await expectBackends(backends);
    gw.sandbox[name].control.clearFaults();
    await expectBackends({ wifiCloud: 'up', services: 'up' });
  });

  it('names a backend down while its breaker is open, though its ping answers', async () => {
    await start({
      upstreamRetry: { retries: 0, baseDelayMs: 10, maxDelayMs: 50 },
      upstreamBreaker: { failures: 1, errorRate: 1, minCalls: 1_000, windowMs: 10_000, openMs: 30_000 },
    });
    gw.sandbox.plume.control.inject({ method: 'GET', path: '/api/Customers/*', status: 500 });
    await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'sandbox-admin-token' },
      body: JSON.stringify({ query: '{ customer(id: "650000000000000000000001") { name } }' }),
    });
    expect(gw.app.dependencies.plume.breakerState()).toBe('open');
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', backends: { wifiCloud: 'down', services: 'up' } },
    });
  });

  it('pings only while someone asks, and stops when the gateway closes', async () => {
    await start();
    await sleep(INTERVAL_MS * 3);
    expect(pings()).toBe(0);
    await readyz();
    await expect.poll(pings, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    gw.app.readiness.close();
    await sleep(INTERVAL_MS * 2);
    const stopped = pings();
    await sleep(INTERVAL_MS * 5);
    expect(pings()).toBe(stopped);
  });
});
