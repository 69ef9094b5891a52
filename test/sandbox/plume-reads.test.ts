import { describe, expect, it } from 'vitest';
import { call, expectError, paths, tokens, useFreshSimulator } from './plume-harness.js';
import { createPlumeApp, PlumeState } from '../../src/sandbox/plume/index.js';
import { SandboxControl } from '../../src/sandbox/control.js';
import { injectedErrorBody } from '../../src/sandbox/plume/errors.js';
import { listen } from '../../src/sandbox/listen.js';
import { customerIds, locationIds, SANDBOX_PASSWORD } from '../../src/sandbox/seed.js';

const simulator = useFreshSimulator();
const get = (path: string, token?: string) => call(simulator().url, 'GET', path, { token });

describe('auth', () => {
  it('answers 401 AUTHORIZATION_REQUIRED for a missing, unknown or expired token', async () => {
    const adaPath = paths.customer(customerIds.ada);
    expectError(await get(adaPath), 401, 'AUTHORIZATION_REQUIRED');
    expectError(await get(adaPath, 'no-such-token'), 401, 'AUTHORIZATION_REQUIRED');
    expectError(await get(adaPath, tokens.expired), 401, 'AUTHORIZATION_REQUIRED');
  });

  it('renders errors as LoopBack error bodies', async () => {
    const response = await get(paths.customer(customerIds.ada));
    expect(response.contentType).toMatch(/^application\/json/);
    expect(response.body).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "AUTHORIZATION_REQUIRED",
          "message": "Authorization Required",
          "name": "UnauthorizedError",
          "statusCode": 401,
        },
      }
    `);
  });

  it('accepts the token bare or as a Bearer token', async () => {
    const bare = await get(paths.customer(customerIds.ada), tokens.admin);
    const bearer = await get(paths.customer(customerIds.ada), `Bearer ${tokens.admin}`);
    expect(bare.status).toBe(200);
    expect(bearer.body).toEqual(bare.body);
  });

  it('answers 401 for a customer outside a user token scope', async () => {
    expectError(await get(paths.customer(customerIds.grace), tokens.ada), 401, 'AUTHORIZATION_REQUIRED');
    expectError(await get(paths.locations(customerIds.ada), tokens.grace), 401, 'AUTHORIZATION_REQUIRED');
  });

  it('answers 401 for a customer outside the partner admin scope, 200 inside it', async () => {
    const partner = tokens.partner;
    expectError(await get(paths.customer(customerIds.ada), partner), 401, 'AUTHORIZATION_REQUIRED');
    const adaHome = paths.location(customerIds.ada, locationIds.adaHome);
    expectError(await get(adaHome, partner), 401, 'AUTHORIZATION_REQUIRED');
    expect(await get(paths.customer(customerIds.linus), partner)).toMatchObject({
      status: 200,
      body: { id: customerIds.linus, name: 'Linus Torvalds' },
    });
  });

  it('answers 401 for a customer id unknown to the cloud, however it is spelled', async () => {
    for (const customerId of ['650000000000000000000099', '..%2F..%2Fetc', '%20']) {
      expectError(await get(paths.customer(customerId), tokens.admin), 401, 'AUTHORIZATION_REQUIRED');
    }
  });
});

describe('reads', () => {
  it('returns a customer', async () => {
    expect(await get(paths.customer(customerIds.ada), tokens.ada)).toEqual({
      status: 200,
      contentType: expect.stringMatching(/^application\/json/),
      body: {
        id: customerIds.ada,
        accountId: 'ACC-1001',
        name: 'Ada Lovelace',
        email: 'ada@example.net',
        autoProvisioned: false,
        createdAt: '2023-01-15T09:30:00.000Z',
      },
    });
  });

  it('lists every location of a customer, archived ones included', async () => {
    const response = await get(paths.locations(customerIds.ada), tokens.admin);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      {
        id: locationIds.adaHome,
        customerId: customerIds.ada,
        name: 'Home',
        createdAt: '2023-01-15T09:31:00.000Z',
        archived: false,
        archivedAt: null,
      },
      expect.objectContaining({ id: locationIds.adaCottage, name: 'Holiday cottage', archived: false }),
      expect.objectContaining({
        id: locationIds.adaOldFlat,
        name: 'Old flat',
        archived: true,
        archivedAt: '2023-02-01T12:00:00.000Z',
      }),
    ]);
  });

  it('returns a location, 404 LOCATION_NOT_FOUND for one unknown or of another customer', async () => {
    const apartment = paths.location(customerIds.grace, locationIds.graceApartment);
    expect(await get(apartment, tokens.grace)).toMatchObject({
      status: 200,
      body: {
        id: locationIds.graceApartment,
        customerId: customerIds.grace,
        name: 'Apartment',
        archived: false,
        archivedAt: null,
      },
    });
    const unknown = paths.location(customerIds.ada, '660000000000000000000999');
    expectError(await get(unknown, tokens.admin), 404, 'LOCATION_NOT_FOUND');
    const graceLocationUnderAda = paths.location(customerIds.ada, locationIds.graceApartment);
    expectError(await get(graceLocationUnderAda, tokens.admin), 404, 'LOCATION_NOT_FOUND');
  });

  it('lists the claimed nodes of a location only', async () => {
    const response = await get(paths.nodes(customerIds.ada, locationIds.adaHome), tokens.ada);
    expect(response).toMatchObject({ status: 200 });
    expect(response.body).toEqual({
      nodes: [
        {
          id: 'AA11000001',
          serialNumber: 'AA11000001',
          locationId: locationIds.adaHome,
          model: 'SuperPod',
          nickname: 'Living room',
          firmwareVersion: '4.8.1',
          connectionState: 'connected',
          claimedAt: '2023-01-15T09:40:00.000Z',
        },
        expect.objectContaining({ id: 'AA11000002', nickname: 'Office' }),
      ],
    });
    const garage = await get(paths.nodes(customerIds.linus, locationIds.linusGarage), tokens.admin);
    expect(garage).toMatchObject({ status: 200, body: { nodes: [] } });
  });

  it('returns the service level of a location, 404 LOCATION_ARCHIVED for an archived one', async () => {
    expect(await get(paths.serviceLevel(customerIds.ada, locationIds.adaCottage), tokens.ada)).toEqual({
      status: 200,
      contentType: expect.any(String),
      body: {
        status: 'basicService',
        createdAt: '2023-05-01T10:00:00.000Z',
        updatedAt: '2023-05-01T10:00:00.000Z',
      },
    });
    const oldFlat = paths.serviceLevel(customerIds.ada, locationIds.adaOldFlat);
    expectError(await get(oldFlat, tokens.ada), 404, 'LOCATION_ARCHIVED');
  });

  it('answers 404 ROUTE_NOT_FOUND for a route the API does not have', async () => {
    expectError(await get('/api/Routers', tokens.admin), 404, 'ROUTE_NOT_FOUND');
    const adaPath = paths.customer(customerIds.ada);
    const putCustomer = await call(simulator().url, 'PUT', adaPath, { token: tokens.admin });
    expectError(putCustomer, 404, 'ROUTE_NOT_FOUND');
  });
});

describe('batch read', () => {
  it('returns the customers asked for in id order, leaving out ids out of scope or unknown', async () => {
    const ids = [customerIds.margaret, customerIds.ada, customerIds.linus, '650000000000000000000099'];
    const response = await get(paths.batch(ids), tokens.partner);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      expect.objectContaining({ id: customerIds.linus, accountId: 'ACC-1003', name: 'Linus Torvalds' }),
      expect.objectContaining({ id: customerIds.margaret, accountId: 'ACC-1004', name: 'Margaret Hamilton' }),
    ]);
  });

  it('returns every customer in scope without a filter', async () => {
    const response = await get('/api/Customers', tokens.admin);
    expect((response.body as { id: string }[]).map((c) => c.id)).toEqual(Object.values(customerIds));
  });

  it('needs a token and a filter of the simulated shape', async () => {
    expectError(await get(paths.batch([customerIds.ada])), 401, 'AUTHORIZATION_REQUIRED');
    for (const filter of ['{not-json', '{"where":{}}', '{"where":{"id":{"inq":"6500"}}}']) {
      const response = await get(`/api/Customers?filter=${encodeURIComponent(filter)}`, tokens.admin);
      expectError(response, 400, 'INVALID_FILTER');
    }
  });
});

describe('login', () => {
  const post = (path: string, json: unknown) => call(simulator().url, 'POST', path, { json });

  it('logs an admin in with a token of the admin scope', async () => {
    const credentials = { email: 'partner@sandbox.test', password: SANDBOX_PASSWORD };
    const login = await post('/api/admins/login', credentials);
    expect(login).toMatchObject({
      status: 200,
      body: {
        id: expect.stringMatching(/^[0-9a-f]{64}$/),
        ttl: 1_209_600,
        userId: '640000000000000000000002',
      },
    });
    const { id: token, created } = login.body as { id: string; created: string };
    expect(Date.parse(created)).toBeGreaterThan(Date.now() - 60_000);
    expect(await get(paths.customer(customerIds.margaret), token)).toMatchObject({ status: 200 });
    expectError(await get(paths.customer(customerIds.ada), token), 401, 'AUTHORIZATION_REQUIRED');
  });

  it('logs a customer in with a user token for that customer only', async () => {
    const credentials = { email: 'linus@example.net', password: SANDBOX_PASSWORD };
    const login = await post('/api/Customers/login', credentials);
    expect(login).toMatchObject({ status: 200, body: { ttl: 1_209_600, userId: customerIds.linus } });
    const token = (login.body as { id: string }).id;
    expect(await get(paths.locations(customerIds.linus), token)).toMatchObject({
      status: 200,
      body: [{ id: locationIds.linusHome }, { id: locationIds.linusGarage }],
    });
    expectError(await get(paths.customer(customerIds.margaret), token), 401, 'AUTHORIZATION_REQUIRED');
  });

  it('answers 401 INVALID_CREDENTIALS for a wrong password, a wrong email or missing fields', async () => {
    const failedLogins: [path: string, body: unknown][] = [
      ['/api/admins/login', { email: 'admin@sandbox.test', password: 'guess' }],
      ['/api/admins/login', { email: 'ada@example.net', password: SANDBOX_PASSWORD }],
      ['/api/Customers/login', { email: 'ada@example.net', password: 'guess' }],
      ['/api/Customers/login', { email: 'nobody@example.net', password: SANDBOX_PASSWORD }],
      ['/api/Customers/login', { email: 'ada@example.net' }],
    ];
    for (const [path, body] of failedLogins) {
      expectError(await post(path, body), 401, 'INVALID_CREDENTIALS');
    }
  });

  it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
    const response = await call(simulator().url, 'POST', '/api/admins/login', { rawBody: '{"email":' });
    expectError(response, 400, 'INVALID_JSON');
  });

  it('issues tokens that expire after their ttl', async () => {
    let now = new Date('2026-01-01T00:00:00.000Z');
    const state = new PlumeState({ now: () => now });
    const server = await listen(createPlumeApp(state, new SandboxControl(injectedErrorBody())));
    try {
      const credentials = { email: 'admin@sandbox.test', password: SANDBOX_PASSWORD };
      const login = await call(server.url, 'POST', '/api/admins/login', { json: credentials });
      expect(login.body).toMatchObject({
        created: '2026-01-01T00:00:00.000Z',
        userId: '640000000000000000000001',
      });
      const token = (login.body as { id: string }).id;
      const adaPath = paths.customer(customerIds.ada);
      now = new Date('2026-01-14T23:59:59.000Z');
      expect(await call(server.url, 'GET', adaPath, { token })).toMatchObject({ status: 200 });
      now = new Date('2026-01-15T00:00:00.000Z');
      expectError(await call(server.url, 'GET', adaPath, { token }), 401, 'AUTHORIZATION_REQUIRED');
    } finally {
      await server.close();
    }
  });
});
