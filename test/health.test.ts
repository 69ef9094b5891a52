import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';

describe('health and readiness', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(() => gw.close());

  it('is alive and ready while both upstreams answer', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });

  it.each(['plume', 'services'] as const)(
    'stays alive but is not ready when the %s upstream is down',
    async (name) => {
      await gw.sandbox[name].close();
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
    },
  );

  it('counts an upstream that answers a 4xx as reachable', async () => {
    gw.sandbox.plume.control.inject({ path: '/*', status: 404 });
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });

  it.each([
    ['plume', 'answers only 5xx', { status: 503 }],
    ['services', 'answers only 5xx', { status: 503 }],
    ['plume', 'resets every connection', { reset: true }],
  ] as const)('is not ready while the %s upstream %s', async (name, _, fault) => {
    gw.sandbox[name].control.inject({ path: '/*', ...fault });
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
    gw.sandbox[name].control.clearFaults();
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });
});
