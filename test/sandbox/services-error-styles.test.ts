import { afterEach, describe, expect, it } from 'vitest';
import { SERVICES_ACCOUNT_ID, SERVICES_API_KEY, SERVICES_API_VERSION } from '../../src/sandbox/seed.js';
import {
  type ErrorStyle,
  startServicesSimulator,
  type ServicesSimulator,
} from '../../src/sandbox/services/index.js';
import { errorStyleFromEnv } from '../../src/sandbox/services/error-style.js';
import { UUID_V4 } from './services-client.js';

/** SANDBOX_ERROR_STYLE: the same error replies with codes, without codes, and with no body at all. */

const base = `/v2/accounts/${SERVICES_ACCOUNT_ID}`;
let simulator: ServicesSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function start(errorStyle?: ErrorStyle) {
  simulator = await startServicesSimulator(errorStyle ? { errorStyle } : {});
  return simulator;
}

/** Raw status, content type and text of one request, the body sent as JSON. */
async function raw(
  sim: ServicesSimulator,
  method: string,
  path: string,
  body?: unknown,
  version = SERVICES_API_VERSION,
) {
  const response = await fetch(`${sim.url}${base}${path}?v=${version}`, {
    method,
    headers: { 'api-key': SERVICES_API_KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

const noActiveMatch = (sim: ServicesSimulator) =>
  raw(sim, 'POST', '/cancelservices', { locationId: 'no-such-location' });

describe('services simulator: error styles', () => {
  it('coded (the default): the envelope with a code per error', async () => {
    const reply = await noActiveMatch(await start());

    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({
      meta: {
        uuid: expect.stringMatching(UUID_V4),
        errors: [{ code: 2003, type: 'FATAL_ERROR', message: expect.any(String) }],
      },
      response: {},
    });
  });

  it('plain: the same status, envelope and uuid, with no code in any error', async () => {
    const sim = await start('plain');

    for (const reply of [
      await noActiveMatch(sim),
      await raw(sim, 'GET', '/services', undefined, 'latest'),
      await raw(sim, 'POST', '/cancelsubaccountservices', { skuRemovals: [{ sku: 195 }] }),
    ]) {
      expect(reply.status).toBe(400);
      const body = JSON.parse(reply.text);
      expect(body.meta.uuid).toMatch(UUID_V4);
      expect(body.meta.errors.length).toBeGreaterThan(0);
      for (const error of body.meta.errors)
        expect(error).toEqual({ type: 'FATAL_ERROR', message: expect.any(String) });
      expect(body.response).toEqual({});
    }
    expect((await raw(sim, 'GET', '/nothing-here')).status).toBe(404);
  });

  it('empty: the same status with an empty body', async () => {
    const sim = await start('empty');

    expect(await noActiveMatch(sim)).toEqual({ status: 400, type: null, text: '' });
    expect(await raw(sim, 'GET', '/nothing-here')).toEqual({ status: 404, type: null, text: '' });
  });

  it('applies to injected faults, a coded raw body included, and leaves any other raw body alone', async () => {
    const sim = await start('empty');
    sim.control.inject({ path: `${base}/services`, status: 503, times: 1 });
    const coded = JSON.stringify({
      meta: { uuid: 'u-1', errors: [{ code: 4711, type: 'FATAL_ERROR', message: 'minimum commitment' }] },
      response: {},
    });
    sim.control.inject({ path: `${base}/services`, status: 422, body: coded, times: 1 });
    sim.control.inject({ path: `${base}/services`, status: 400, body: 'Bad Request', times: 1 });

    expect(await raw(sim, 'GET', '/services')).toEqual({ status: 503, type: null, text: '' });
    expect(await raw(sim, 'GET', '/services')).toEqual({ status: 422, type: null, text: '' });
    expect(await raw(sim, 'GET', '/services')).toMatchObject({ status: 400, text: 'Bad Request' });

    sim.setErrorStyle('plain');
    sim.control.inject({ path: `${base}/services`, status: 422, body: coded, times: 1 });
    const plain = await raw(sim, 'GET', '/services');
    expect(JSON.parse(plain.text)).toEqual({
      meta: { uuid: 'u-1', errors: [{ type: 'FATAL_ERROR', message: 'minimum commitment' }] },
      response: {},
    });
  });

  it('never touches a success', async () => {
    const sim = await start('empty');
    const reply = await raw(sim, 'GET', '/services');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).response.count).toBe(144);
  });

  it('is read from SANDBOX_ERROR_STYLE, and an unknown value is refused with a message', () => {
    expect(errorStyleFromEnv({})).toBe('coded');
    expect(errorStyleFromEnv({ SANDBOX_ERROR_STYLE: 'plain' })).toBe('plain');
    expect(errorStyleFromEnv({ SANDBOX_ERROR_STYLE: 'empty' })).toBe('empty');
    expect(() => errorStyleFromEnv({ SANDBOX_ERROR_STYLE: 'loud' })).toThrow(
      'SANDBOX_ERROR_STYLE must be one of coded, plain, empty',
    );
  });
});
