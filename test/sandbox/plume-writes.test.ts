import { describe, expect, it } from 'vitest';
import { call, expectError, paths, tokens, useFreshSimulator } from './plume-harness.js';
import { customerIds, locationIds, SANDBOX_PASSWORD } from '../../src/sandbox/seed.js';

const simulator = useFreshSimulator();
const api = (method: string, path: string, token: string = tokens.admin, json?: unknown) =>
  call(simulator().url, method, path, { token, json });
const claimedSerials = async (customerId: string, locationId: string) => {
  const { body } = await api('GET', paths.nodes(customerId, locationId));
  return (body as { nodes: { serialNumber: string }[] }).nodes.map((node) => node.serialNumber);
};

describe('unclaim a node (RMA)', () => {
  const { ada, linus } = customerIds;

  it('unclaims a claimed node, which leaves the node list', async () => {
    const response = await api('DELETE', paths.node(ada, locationIds.adaHome, 'AA11000001'), tokens.ada);
    expect(response).toEqual({ status: 204, contentType: null, body: undefined });
    expect(await claimedSerials(ada, locationIds.adaHome)).toEqual(['AA11000002']);
  });

  it('answers 400 NODE_ALREADY_UNCLAIMED for a node unclaimed already', async () => {
    const attic = paths.node(ada, locationIds.adaHome, 'AA11000003');
    expectError(await api('DELETE', attic), 400, 'NODE_ALREADY_UNCLAIMED');
    const office = paths.node(ada, locationIds.adaHome, 'AA11000002');
    await api('DELETE', office);
    expectError(await api('DELETE', office), 400, 'NODE_ALREADY_UNCLAIMED');
  });

  it('answers 404 NO_CLAIMED_NODES on a location with zero claimed nodes', async () => {
    const garageNode = paths.node(linus, locationIds.linusGarage, 'CC33000002');
    expectError(await api('DELETE', garageNode), 404, 'NO_CLAIMED_NODES');
  });

  it('answers 404 NODE_NOT_FOUND for a serial not at the location, or none at all', async () => {
    const cottageNodeAtHome = paths.node(ada, locationIds.adaHome, 'AA11000004');
    expectError(await api('DELETE', cottageNodeAtHome), 404, 'NODE_NOT_FOUND');
    expectError(await api('DELETE', paths.node(ada, locationIds.adaHome, 'ZZ99')), 404, 'NODE_NOT_FOUND');
    expectError(await api('DELETE', `${paths.nodes(ada, locationIds.adaHome)}/`), 404, 'NODE_NOT_FOUND');
    expectError(await api('DELETE', paths.nodes(ada, locationIds.adaHome)), 404, 'NODE_NOT_FOUND');
    expect(await claimedSerials(ada, locationIds.adaHome)).toEqual(['AA11000001', 'AA11000002']);
  });

  it('checks the location and the token scope first', async () => {
    const unknownLocation = paths.node(ada, '660000000000000000000999', 'AA11000001');
    expectError(await api('DELETE', unknownLocation), 404, 'LOCATION_NOT_FOUND');
    const livingRoom = paths.node(ada, locationIds.adaHome, 'AA11000001');
    expectError(await api('DELETE', livingRoom, tokens.grace), 401, 'AUTHORIZATION_REQUIRED');
    expectError(await api('DELETE', livingRoom, tokens.partner), 401, 'AUTHORIZATION_REQUIRED');
    expect(await claimedSerials(ada, locationIds.adaHome)).toEqual(['AA11000001', 'AA11000002']);
  });
});

describe('archive a location (service cancellation)', () => {
  it('archives the location and unclaims all its nodes', async () => {
    const { ada } = customerIds;
    expect(await api('DELETE', paths.location(ada, locationIds.adaHome))).toMatchObject({ status: 204 });
    const { body } = await api('GET', paths.location(ada, locationIds.adaHome));
    expect(body).toMatchObject({ id: locationIds.adaHome, archived: true, archivedAt: expect.any(String) });
    expect(Date.parse((body as { archivedAt: string }).archivedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await claimedSerials(ada, locationIds.adaHome)).toEqual([]);
    // Ada still has her cottage, so no new location appears.
    const locations = await api('GET', paths.locations(ada));
    expect((locations.body as { id: string }[]).map((l) => l.id)).toEqual([
      locationIds.adaHome,
      locationIds.adaCottage,
      locationIds.adaOldFlat,
    ]);
  });

  it('answers 409 LOCATION_ALREADY_ARCHIVED for an archived location', async () => {
    const oldFlat = paths.location(customerIds.ada, locationIds.adaOldFlat);
    expectError(await api('DELETE', oldFlat), 409, 'LOCATION_ALREADY_ARCHIVED');
    const cottage = paths.location(customerIds.ada, locationIds.adaCottage);
    await api('DELETE', cottage);
    expectError(await api('DELETE', cottage), 409, 'LOCATION_ALREADY_ARCHIVED');
  });

  it('leaves an auto-provisioned customer with zero live locations after the last one', async () => {
    const { grace } = customerIds;
    const apartment = paths.location(grace, locationIds.graceApartment);
    expect(await api('DELETE', apartment, tokens.grace)).toMatchObject({ status: 204 });
    const { body } = await api('GET', paths.locations(grace), tokens.grace);
    expect(body).toEqual([expect.objectContaining({ id: locationIds.graceApartment, archived: true })]);
    expect(await claimedSerials(grace, locationIds.graceApartment)).toEqual([]);
  });

  it('gives any other customer a new empty Home location after the last one', async () => {
    const { linus } = customerIds;
    await api('DELETE', paths.location(linus, locationIds.linusGarage), tokens.partner);
    expect((await api('GET', paths.locations(linus))).body).toHaveLength(2);
    await api('DELETE', paths.location(linus, locationIds.linusHome), tokens.partner);

    const { body } = await api('GET', paths.locations(linus), tokens.partner);
    const locations = body as { id: string; name: string; archived: boolean; createdAt: string }[];
    expect(locations.map(({ id, name, archived }) => ({ id, name, archived }))).toEqual([
      { id: locationIds.linusHome, name: 'Home', archived: true },
      { id: locationIds.linusGarage, name: 'Garage', archived: true },
      { id: '670000000000000000000001', name: 'Home', archived: false },
    ]);
    const home = paths.location(linus, '670000000000000000000001');
    expect(await api('GET', `${home}/nodes`)).toMatchObject({ status: 200, body: { nodes: [] } });
    const createdAt = locations[2]?.createdAt;
    expect(await api('GET', `${home}/serviceLevel`)).toMatchObject({
      status: 200,
      body: { status: 'fullService', createdAt, updatedAt: createdAt },
    });
  });
});

describe('delete a customer (full account cancellation)', () => {
  const { ada } = customerIds;

  it('archives every location, unclaims every node and records a GDPR delete', async () => {
    const { state } = simulator();
    expect(state.inspectCustomer(ada)?.claimedSerials).toEqual(['AA11000001', 'AA11000002', 'AA11000004']);
    expect(await api('DELETE', paths.customer(ada))).toMatchObject({ status: 200, body: { count: 1 } });

    expectError(await api('GET', paths.customer(ada)), 404, 'CUSTOMER_NOT_FOUND');
    expectError(await api('GET', paths.locations(ada), tokens.ada), 404, 'CUSTOMER_NOT_FOUND');
    expectError(await api('GET', paths.nodes(ada, locationIds.adaHome)), 404, 'CUSTOMER_NOT_FOUND');
    expectError(await api('DELETE', paths.customer(ada)), 404, 'CUSTOMER_NOT_FOUND');

    const deletes = await api('GET', '/__sandbox/gdpr-deletes');
    expect(deletes.body).toEqual([
      { customerId: ada, accountId: 'ACC-1001', requestedAt: expect.any(String) },
    ]);
    expect(state.gdprDeletes).toEqual(deletes.body);
    // Seen through the state, since the cloud no longer serves a deleted customer's locations.
    const requestedAt = state.gdprDeletes[0]?.requestedAt;
    expect(state.inspectCustomer(ada)).toEqual({
      deletedAt: requestedAt,
      locations: [
        expect.objectContaining({ id: locationIds.adaHome, archived: true, archivedAt: requestedAt }),
        expect.objectContaining({ id: locationIds.adaCottage, archived: true, archivedAt: requestedAt }),
        // Archived before, so it keeps its own archivedAt.
        expect.objectContaining({ id: locationIds.adaOldFlat, archivedAt: '2023-02-01T12:00:00.000Z' }),
      ],
      claimedSerials: [],
    });
  });

  it('leaves the deleted customer out of batch reads and refuses its login', async () => {
    await api('DELETE', paths.customer(ada), tokens.ada);
    const batch = await api('GET', paths.batch([ada, customerIds.grace]));
    expect((batch.body as { id: string }[]).map((c) => c.id)).toEqual([customerIds.grace]);
    const login = await call(simulator().url, 'POST', '/api/Customers/login', {
      json: { email: 'ada@example.net', password: SANDBOX_PASSWORD },
    });
    expectError(login, 401, 'INVALID_CREDENTIALS');
  });

  it('answers 401 for a customer out of scope and does not delete it', async () => {
    expectError(await api('DELETE', paths.customer(ada), tokens.partner), 401, 'AUTHORIZATION_REQUIRED');
    expect(await api('GET', paths.customer(ada))).toMatchObject({ status: 200, body: { id: ada } });
    expect((await api('GET', '/__sandbox/gdpr-deletes')).body).toEqual([]);
  });
});

describe('service level (account suspension)', () => {
  const { ada } = customerIds;
  const home = paths.serviceLevel(ada, locationIds.adaHome);

  it('changes the status and updatedAt but keeps createdAt', async () => {
    const response = await api('PATCH', home, tokens.ada, { status: 'noService' });
    expect(response).toMatchObject({
      status: 200,
      body: { status: 'noService', createdAt: '2023-01-15T09:31:00.000Z', updatedAt: expect.any(String) },
    });
    const { updatedAt } = response.body as { updatedAt: string };
    expect(updatedAt).not.toBe('2023-01-15T09:31:00.000Z');
    expect(Date.parse(updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await api('GET', home)).body).toEqual(response.body);
  });

  it('shows the nodes of a location without service as disconnected', async () => {
    await api('PATCH', home, tokens.admin, { status: 'noService' });
    const { body } = await api('GET', paths.nodes(ada, locationIds.adaHome));
    const states = (body as { nodes: { connectionState: string }[] }).nodes.map((n) => n.connectionState);
    expect(states).toEqual(['disconnected', 'disconnected']);
  });

  it('answers 422 INVALID_SERVICE_LEVEL for an unknown or missing status', async () => {
    for (const body of [{ status: 'premiumService' }, { status: 'NOSERVICE' }, {}, []]) {
      expectError(await api('PATCH', home, tokens.admin, body), 422, 'INVALID_SERVICE_LEVEL');
    }
    expect((await api('GET', home)).body).toMatchObject({ status: 'fullService' });
  });

  it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
    const rawBody = 'status=noService';
    const response = await call(simulator().url, 'PATCH', home, { token: tokens.admin, rawBody });
    expectError(response, 400, 'INVALID_JSON');
  });

  it('answers 404 for an archived or unknown location, 401 out of scope', async () => {
    const oldFlat = paths.serviceLevel(ada, locationIds.adaOldFlat);
    const fullService = { status: 'fullService' };
    expectError(await api('PATCH', oldFlat, tokens.admin, fullService), 404, 'LOCATION_ARCHIVED');
    const unknown = paths.serviceLevel(ada, '660000000000000000000999');
    expectError(await api('PATCH', unknown, tokens.admin, fullService), 404, 'LOCATION_NOT_FOUND');
    expectError(await api('PATCH', home, tokens.grace, fullService), 401, 'AUTHORIZATION_REQUIRED');
  });
});
