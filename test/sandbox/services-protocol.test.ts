import { describe, expect, it } from 'vitest';
import { SERVICES_ACCOUNT_ID, SERVICES_API_KEY, SERVICES_API_VERSION } from '../../src/sandbox/seed.js';
import { startServicesSimulator } from '../../src/sandbox/services/index.js';
import { clearFaults, injectFault } from '../helpers/sandbox-controls.js';
import {
  callSandbox,
  callServices,
  cancelAllSubAccountServices,
  cancelLocationServices,
  countSubAccountServices,
  decreaseSubAccountServices,
  errorReply,
  listLocationServices,
  listSubAccountServices,
  post,
  useServicesSimulator,
  UUID_V4,
} from './services-client.js';

/** Envelope, auth, version and account checks, simulator controls and isolation, over real HTTP. */

const servicesPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}/services`;
const postEndpoints = ['cancelservices', 'cancelsubaccountservices', 'cancelallsubaccountservices'];

describe('services simulator: envelope', () => {
  const simulator = useServicesSimulator();

  it('wraps a success in meta with a fresh uuid v4 and no errors', async () => {
    const first = await listLocationServices(simulator(), { limit: 1 });
    const second = await listLocationServices(simulator(), { limit: 1 });

    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      meta: { uuid: expect.stringMatching(UUID_V4), errors: [] },
      response: {
        count: 144,
        services: [
          {
            id: 8000,
            sku: 'SKU-00000167',
            serviceDescription: 'Location Cloud Starter (Partner)',
            agreementId: 1588,
            locationId: '660000000000000000000101',
            status: 'ACTIVE',
            started: '2023-01-15',
          },
        ],
      },
    });
    expect(second.body.meta.uuid).not.toBe(first.body.meta.uuid);
  });

  it('renders an error as one FATAL_ERROR with an empty response', async () => {
    const reply = await callServices(simulator(), 'services', { version: null });

    expect(reply.status).toBe(400);
    expect(reply.body.meta.uuid).toMatch(UUID_V4);
    expect(reply.body).toMatchInlineSnapshot(
      { meta: { uuid: expect.any(String) } },
      `
      {
        "meta": {
          "errors": [
            {
              "code": 2000,
              "message": "Query parameter v must be a date as YYYYMMDD",
              "type": "FATAL_ERROR",
            },
          ],
          "uuid": Any<String>,
        },
        "response": {},
      }
    `,
    );
  });

  it('lists every problem of an invalid request, each with its code', async () => {
    const reply = await decreaseSubAccountServices(simulator(), { skuRemovals: [{ sku: 195, quantity: 0 }] });

    expect(reply.status).toBe(400);
    expect(reply.body.meta.errors).toMatchInlineSnapshot(`
      [
        {
          "code": 2001,
          "message": "subAccountId: Required",
          "type": "FATAL_ERROR",
        },
        {
          "code": 2002,
          "message": "skuRemovals[0].sku: Invalid input: expected string, received number",
          "type": "FATAL_ERROR",
        },
        {
          "code": 2002,
          "message": "skuRemovals[0].quantity: Too small: expected number to be >=1",
          "type": "FATAL_ERROR",
        },
      ]
    `);
  });

  it('answers an unknown route with 404 in the envelope', async () => {
    expect(await callServices(simulator(), 'nothing-here')).toEqual(errorReply(404, 404));
    expect(await callServices(simulator(), 'services', { method: 'DELETE' })).toEqual(errorReply(404, 404));
  });
});

describe('services simulator: version, key and account', () => {
  const simulator = useServicesSimulator();

  it.each([null, '', '2026-11-01', '20261350', '20260230', '2026110', 'latest'])(
    'rejects v=%j with 400 code 2000',
    async (version) => {
      expect(await callServices(simulator(), 'services', { version })).toEqual(errorReply(400, 2000));
    },
  );

  it('accepts any real calendar day as v, leap days included', async () => {
    expect((await callServices(simulator(), 'services', { version: '20240229' })).status).toBe(200);
    expect((await callServices(simulator(), 'subaccountservices', { version: '20170101' })).status).toBe(200);
  });

  it.each(postEndpoints)('checks v on %s before the body', async (endpoint) => {
    const reply = await callServices(simulator(), endpoint, { method: 'POST', version: '20261350' });
    expect(reply).toEqual(errorReply(400, 2000));
  });

  it('rejects a missing or wrong API key with 401, before the version and account checks', async () => {
    expect(await callServices(simulator(), 'services', { apiKey: null })).toEqual(errorReply(401, 401));
    const wrongKey = await callServices(simulator(), 'services', { apiKey: 'not-the-key' });
    expect(wrongKey).toEqual(errorReply(401, 401));
    const everythingWrong = await callServices(simulator(), 'cancelservices', {
      method: 'POST',
      apiKey: 'not-the-key',
      version: 'latest',
      account: 'SOMEONE-ELSE',
    });
    expect(everythingWrong).toEqual(errorReply(401, 401));
  });

  it('never echoes the API key in an error', async () => {
    const reply = await callServices(simulator(), 'services', { apiKey: `${SERVICES_API_KEY}-typo` });
    expect(JSON.stringify(reply.body)).not.toContain(SERVICES_API_KEY);
  });

  it('accepts the key as the api_key query parameter', async () => {
    const reply = await callServices(simulator(), 'services', {
      apiKey: null,
      query: { api_key: SERVICES_API_KEY, limit: 1 },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.response).toMatchObject({ count: 144, services: [{ id: 8000 }] });

    const wrong = await callServices(simulator(), 'services', { apiKey: null, query: { api_key: 'nope' } });
    expect(wrong).toEqual(errorReply(401, 401));
  });

  it('rejects another account with 403, after the version check, and changes nothing', async () => {
    const other = await callServices(simulator(), 'services', { account: 'ISP-OTHER' });
    expect(other).toEqual(errorReply(403, 403));
    const badVersionToo = await callServices(simulator(), 'services', { account: 'ISP-OTHER', version: '' });
    expect(badVersionToo).toEqual(errorReply(400, 2000));

    const cancel = await callServices(simulator(), 'cancelallsubaccountservices', {
      method: 'POST',
      account: 'ACC-1001',
      body: { subAccountId: 'ACC-1001' },
    });
    expect(cancel).toEqual(errorReply(403, 403));
    expect(await countSubAccountServices(simulator(), { subAccountId: 'ACC-1001' })).toBe(3);
  });

  it('treats me as the key’s own account', async () => {
    const query = { status: 'ALL' };
    const byId = await callServices(simulator(), 'subaccountservices', { query });
    const byAlias = await callServices(simulator(), 'subaccountservices', { account: 'me', query });

    expect(byAlias.status).toBe(200);
    expect(byAlias.body.response).toEqual(byId.body.response);
    const cancelled = await callServices(simulator(), 'cancelservices', {
      method: 'POST',
      account: 'me',
      body: { locationId: '660000000000000000000302' },
    });
    expect(cancelled.body.response).toMatchObject([{ id: 8161, status: 'STOPPED' }]);
  });

  it.each(postEndpoints)('answers a body that is not a JSON object on %s with 2001', async (endpoint) => {
    const truncated = await callServices(simulator(), endpoint, { method: 'POST', rawBody: '{"id":' });
    expect(truncated).toEqual(errorReply(400, 2001));
    const empty = await callServices(simulator(), endpoint, { method: 'POST', rawBody: '' });
    expect(empty).toEqual(errorReply(400, 2001));
    expect(await post(simulator(), endpoint, ['ACC-1001'])).toEqual(errorReply(400, 2001));
  });
});

describe('services simulator: controls', () => {
  const simulator = useServicesSimulator();

  it('injects a 500 in the envelope, as many times as asked', async () => {
    expect(await injectFault(simulator().url, { path: servicesPath, status: 500, times: 1 })).toBe(204);

    expect(await listLocationServices(simulator())).toEqual(errorReply(500, 5000));
    expect((await listLocationServices(simulator())).status).toBe(200);
  });

  it.each([
    [503, 5000],
    [400, 2002],
    [401, 401],
    [429, 429],
  ])('renders an injected %i with code %i', async (status, code) => {
    await injectFault(simulator().url, { path: '/v2/accounts/*', status });
    expect(await listSubAccountServices(simulator())).toEqual(errorReply(status, code));
  });

  it('matches faults by method and path prefix, and clears them', async () => {
    await injectFault(simulator().url, { method: 'post', path: '/v2/accounts/*', status: 502 });

    expect((await listLocationServices(simulator())).status).toBe(200);
    const ada = { subAccountId: 'ACC-1001' };
    expect(await cancelAllSubAccountServices(simulator(), ada)).toEqual(errorReply(502, 5000));
    expect(await clearFaults(simulator().url)).toBe(204);
    expect((await cancelAllSubAccountServices(simulator(), ada)).body.response).toHaveLength(3);
  });

  it('delays a request before the real handler answers', async () => {
    await injectFault(simulator().url, { path: servicesPath, delayMs: 300, times: 1 });

    const started = performance.now();
    const reply = await listLocationServices(simulator(), { limit: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(reply.status).toBe(200);
    expect(reply.body.response.services[0]?.id).toBe(8000);
  });

  it('answers with a malformed body when asked', async () => {
    await injectFault(simulator().url, { path: servicesPath, status: 200, body: '{"meta":' });

    const response = await fetch(`${simulator().url}${servicesPath}?v=${SERVICES_API_VERSION}`, {
      headers: { 'api-key': SERVICES_API_KEY },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"meta":');
  });

  it('rejects an invalid fault with 400', async () => {
    expect(await injectFault(simulator().url, { status: 500 })).toBe(400);
  });

  it('logs the API requests it served, not the control calls, and clears the log', async () => {
    await listLocationServices(simulator(), { locationId: '660000000000000000000102' });
    await listLocationServices(simulator(), { limit: 5 });
    await cancelLocationServices(simulator(), { locationId: '660000000000000000000301' });

    const v = SERVICES_API_VERSION;
    expect(await (await callSandbox(simulator(), 'GET', 'requests')).json()).toEqual([
      { method: 'GET', path: servicesPath, query: { v, locationId: '660000000000000000000102' } },
      { method: 'GET', path: servicesPath, query: { v, limit: '5' } },
      { method: 'POST', path: `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelservices`, query: { v } },
    ]);
    expect(simulator().control.count(servicesPath, 'GET')).toBe(2);

    expect((await callSandbox(simulator(), 'DELETE', 'requests')).status).toBe(204);
    expect(await (await callSandbox(simulator(), 'GET', 'requests')).json()).toEqual([]);
  });

  it('keeps the API key out of the request log', async () => {
    await callServices(simulator(), 'services', { apiKey: null, query: { api_key: SERVICES_API_KEY } });

    const logText = await (await callSandbox(simulator(), 'GET', 'requests')).text();
    expect(logText).not.toContain(SERVICES_API_KEY);
    const [logged] = simulator().control.requests;
    expect(logged?.query).toEqual({ v: SERVICES_API_VERSION, api_key: '[redacted]' });
  });
});

describe('services simulator: instances', () => {
  it('keep their own state on their own ports', async () => {
    const first = await startServicesSimulator();
    const second = await startServicesSimulator();
    try {
      const linus = { subAccountId: 'ACC-1003' };
      expect(first.url).not.toBe(second.url);
      expect((await cancelAllSubAccountServices(first, linus)).status).toBe(200);

      expect(await countSubAccountServices(first, linus)).toBe(0);
      expect(await countSubAccountServices(second, linus)).toBe(2);
      expect(first.control.count()).toBe(2);
      expect(second.control.count()).toBe(1);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('stop listening on close', async () => {
    const simulator = await startServicesSimulator();
    await simulator.close();
    await expect(fetch(`${simulator.url}${servicesPath}`)).rejects.toThrow();
  });
});
