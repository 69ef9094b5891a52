import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStyles } from '../../src/sandbox/error-style.js';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { customerGid, locationGid, locations, tokens } from '../helpers/fixtures.js';

/**
 * Every WiFi cloud error row of the contract, with the simulator rendering its error bodies each way
 * (SANDBOX_ERROR_STYLE): `coded` (its own codes), `plain` (LoopBack's default shape, no code) and `empty` (no
 * body). The typed outcome must be the same in all three: the gateway maps by status per operation and
 * reads the state where one status stands for several rows, never trusting a code that may not come.
 */

const UnclaimNode = graphql(`
  mutation EsUnclaimNode($input: UnclaimNodeInput!) {
    unclaimNode(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const ArchiveLocation = graphql(`
  mutation EsArchiveLocation($input: ArchiveLocationInput!) {
    archiveLocation(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const DeleteCustomer = graphql(`
  mutation EsDeleteCustomer($input: DeleteCustomerInput!) {
    deleteCustomer(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const SetServiceLevel = graphql(`
  mutation EsSetServiceLevel($input: SetServiceLevelInput!) {
    setServiceLevel(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const ReadLocation = graphql(`
  query EsLocation($id: ID!) {
    node(id: $id) {
      id
    }
  }
`);

const { ada, margaret } = customerIds;
const unknownLocation = '660000000000000000000999';
/** Deleted before the rows run, so its rows are the "customer does not exist" 404s. */
const deleted = { customer: customerGid(margaret), office: locations.margaretOffice };

type Row = [
  row: string,
  run: (gw: TestGateway) => Promise<unknown>,
  expected: Record<string, unknown>,
  fault?: { method: string; path: string; status: number; body?: string },
];

const unclaim =
  (locationId: string, serialNumber: string, token: string = tokens.admin) =>
  (gw: TestGateway) =>
    gw
      .execute(UnclaimNode, { input: { locationId, serialNumber } }, { token })
      .then((r) => r.data?.unclaimNode);
const archive =
  (locationId: string, token: string = tokens.admin) =>
  (gw: TestGateway) =>
    gw.execute(ArchiveLocation, { input: { locationId } }, { token }).then((r) => r.data?.archiveLocation);
const deleteCustomer =
  (customerId: string, token: string = tokens.admin) =>
  (gw: TestGateway) =>
    gw.execute(DeleteCustomer, { input: { customerId } }, { token }).then((r) => r.data?.deleteCustomer);
const setLevel =
  (locationId: string, token: string = tokens.admin) =>
  (gw: TestGateway) =>
    gw
      .execute(SetServiceLevel, { input: { locationId, level: 'BASIC_SERVICE' } }, { token })
      .then((r) => r.data?.setServiceLevel);

const notFound = (resource: string, id: string) => ({ __typename: 'NotFoundError', resource, id });
const notAuthorized = (reason: 'TOKEN' | 'CUSTOMER_SCOPE') => ({
  __typename: 'NotAuthorizedError',
  code: 'NOT_AUTHORIZED',
  reason,
});

const rows: Row[] = [
  [
    'RMA 400: node already unclaimed',
    unclaim(locations.adaHome, 'AA11000003'),
    { __typename: 'NodeAlreadyUnclaimedError', serialNumber: 'AA11000003' },
  ],
  [
    'RMA 404: location not found',
    unclaim(locationGid(ada, unknownLocation), 'AA11000001'),
    notFound('LOCATION', unknownLocation),
  ],
  ['RMA 404: serial unknown', unclaim(locations.adaHome, 'ZZ99000001'), notFound('NODE', 'ZZ99000001')],
  [
    'RMA 404: serial of another location',
    unclaim(locations.adaHome, 'AA11000004'),
    notFound('NODE', 'AA11000004'),
  ],
  [
    'RMA 404: location has zero claimed nodes',
    unclaim(locations.linusGarage, 'CC33000002'),
    { __typename: 'NoClaimedNodesError', locationId: locationIds.linusGarage },
  ],
  [
    'RMA 404 with an HTML body: zero claimed nodes',
    unclaim(locations.linusGarage, 'CC33000002'),
    { __typename: 'NoClaimedNodesError', locationId: locationIds.linusGarage },
    {
      method: 'DELETE',
      path: `/api/Customers/${customerIds.linus}/locations/${locationIds.linusGarage}/nodes/CC33000002`,
      status: 404,
      body: '<html><body><h1>Not Found</h1></body></html>',
    },
  ],
  ['RMA 404: customer deleted', unclaim(deleted.office, 'DD44000001'), notFound('CUSTOMER', margaret)],
  [
    'RMA 401: another customer',
    unclaim(locations.graceApartment, 'BB22000001', tokens.ada),
    notAuthorized('CUSTOMER_SCOPE'),
  ],
  [
    'Service cancellation 409: already archived',
    archive(locations.adaOldFlat),
    { __typename: 'LocationAlreadyArchivedError', locationId: locationIds.adaOldFlat },
  ],
  [
    'Service cancellation 404: location does not exist',
    archive(locationGid(ada, unknownLocation)),
    notFound('LOCATION', unknownLocation),
  ],
  ['Service cancellation 404: customer deleted', archive(deleted.office), notFound('CUSTOMER', margaret)],
  [
    'Service cancellation 401: out of scope',
    archive(locations.adaHome, tokens.partner),
    notAuthorized('CUSTOMER_SCOPE'),
  ],
  [
    'Full cancellation 404: customer deleted',
    deleteCustomer(deleted.customer),
    notFound('CUSTOMER', margaret),
  ],
  [
    'Full cancellation 401: customer unknown to the cloud',
    deleteCustomer(customerGid('650000000000000000000999')),
    notAuthorized('CUSTOMER_SCOPE'),
  ],
  [
    'Suspension 404: location unknown',
    setLevel(locationGid(ada, unknownLocation)),
    notFound('LOCATION', unknownLocation),
  ],
  [
    'Suspension 404: location archived',
    setLevel(locations.adaOldFlat),
    {
      ...notFound('LOCATION', locationIds.adaOldFlat),
      message: `Location ${locationIds.adaOldFlat} was not found: the location is archived.`,
    },
  ],
  ['Suspension 404: customer deleted', setLevel(deleted.office), notFound('CUSTOMER', margaret)],
  [
    'Suspension 422: invalid status',
    setLevel(locations.adaHome),
    { __typename: 'InvalidServiceLevelError', level: 'BASIC_SERVICE' },
    {
      method: 'PATCH',
      path: `/api/Customers/${ada}/locations/${locationIds.adaHome}/serviceLevel`,
      status: 422,
    },
  ],
  ['Suspension 401: expired token', setLevel(locations.adaHome, tokens.expired), notAuthorized('TOKEN')],
  ['RMA 401: unknown token', unclaim(locations.adaHome, 'AA11000001', 'not-a-token'), notAuthorized('TOKEN')],
  [
    'Read 404: a location of a deleted customer names the customer',
    (gw) =>
      gw
        .execute(ReadLocation, { id: deleted.office })
        .then((r) => ({ errors: r.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })) })),
    { errors: [{ message: `Customer ${margaret} was not found.`, code: 'NOT_FOUND' }] },
  ],
];

describe.each(errorStyles)('WiFi cloud error rows with %s error bodies', (errorStyle) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({}, { errorStyle });
    gw.sandbox.plume.state.deleteCustomer(tokens.admin, margaret);
  });
  afterAll(() => gw.close());

  it.each(rows)('%s', async (_, run, expected, fault) => {
    if (fault) gw.sandbox.plume.control.inject({ ...fault, times: 1 });

    expect(await run(gw)).toMatchObject(expected);
  });

  it('renders its error bodies in that style', async () => {
    const response = await fetch(
      `${gw.sandbox.plume.url}/api/Customers/${ada}/locations/${unknownLocation}`,
      {
        headers: { authorization: tokens.admin },
      },
    );
    const text = await response.text();
    expect(response.status).toBe(404);
    if (errorStyle === 'empty') expect(text).toBe('');
    else expect(JSON.parse(text).error.code).toBe(errorStyle === 'coded' ? 'LOCATION_NOT_FOUND' : undefined);
  });
});
