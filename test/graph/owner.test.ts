import { afterEach, describe, expect, it } from 'vitest';
import { customerIds, locationIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { type GraphQLResponse, useSharedGateway } from '../helpers/gateway.js';
import { customers, errorsOf, expectTypename, locations, secrets, tokens } from '../helpers/fixtures.js';

/**
 * The services backend trusts the gateway, so the gateway checks that every customer and location the
 * WiFi cloud answers belongs to the customer it asked for. Here the WiFi cloud answers with another
 * customer's data (a fault replacing its answer): the read is refused as NotAuthorizedError, a warning
 * is logged, and the services backend is never asked about the other customer's location or sub-account.
 */

const CustomerWalk = graphql(`
  query OwnerCustomerWalk($id: ID!) {
    customer(id: $id) {
      customerId
      name
      locations {
        locationId
        services {
          totalCount
        }
      }
      services {
        totalCount
      }
    }
  }
`);

const LocationServices = graphql(`
  query OwnerLocationServices($id: ID!) {
    node(id: $id) {
      ... on Location {
        locationId
        services {
          totalCount
        }
      }
    }
  }
`);

const CancelServices = graphql(`
  mutation OwnerCancelServices($locationId: ID!) {
    cancelServices(input: { locationId: $locationId }) {
      __typename
      ... on Error {
        code
      }
    }
  }
`);

const CancelAll = graphql(`
  mutation OwnerCancelAll($customerId: ID!) {
    cancelAllSubAccountServices(input: { customerId: $customerId }) {
      __typename
      ... on Error {
        code
      }
    }
  }
`);

const { ada, grace } = customerIds;
const { adaHome, graceApartment } = locationIds;
const locationServicesPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}/services`;
const subAccountServicesPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}/subaccountservices`;

describe("the WiFi cloud answering another customer's data", () => {
  const gateway = useSharedGateway();
  afterEach(() => gateway().sandbox.plume.control.clearFaults());

  /** A customer's record as the WiFi cloud serves it (Grace's, to hand out under Ada's path). */
  async function served(path: string, customerId: string = grace): Promise<string> {
    const response = await fetch(`${gateway().sandbox.plume.url}/api/Customers/${customerId}${path}`, {
      headers: { authorization: tokens.admin },
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  function answer(path: string, body: string) {
    gateway().sandbox.plume.control.inject({
      method: 'GET',
      path: `/api/Customers/${ada}${path}`,
      status: 200,
      body,
    });
    gateway().resetCounts();
  }

  /** The warning logged for the refused answer, found by the response's request id. */
  function expectRefusalLogged(response: GraphQLResponse<unknown>, answeredId: string) {
    const requestId = response.headers.get('x-request-id')!;
    const warnings = gateway()
      .logs.filter((line) => line.includes(requestId))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({ customerId: ada, answeredId, answeredCustomerId: grace }),
    ]);
    expect(String(warnings[0]?.msg)).toMatch(/another customer/);
    const logs = gateway().logs.join('\n');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  }

  const locationServiceCalls = () => gateway().sandbox.services.control.count(locationServicesPath);

  it("reads Ada's own locations and their services when the answers are hers", async () => {
    const response = await gateway().execute(CustomerWalk, { id: ada }, { token: tokens.ada });
    expect(response.errors).toBeUndefined();
    expect(response.data?.customer?.locations?.map((l) => l.locationId)).toEqual([
      adaHome,
      locationIds.adaCottage,
    ]);
    expect(locationServiceCalls()).toBe(2);
  });

  it('refuses a location list holding a location of another customer: Customer.locations is NOT_AUTHORIZED', async () => {
    answer('/locations', `[${await served(`/locations/${graceApartment}`)}]`);

    const response = await gateway().execute(CustomerWalk, { id: ada }, { token: tokens.ada });

    expect(response.data).toEqual({
      customer: { customerId: ada, name: 'Ada Lovelace', locations: null, services: { totalCount: 3 } },
    });
    expect(errorsOf(response)).toEqual([{ path: ['customer', 'locations'], code: 'NOT_AUTHORIZED' }]);
    expect(locationServiceCalls()).toBe(0);
    expectRefusalLogged(response, graceApartment);
  });

  it('refuses the whole list when only one of its locations is of another customer', async () => {
    const own = JSON.parse(await served('/locations', ada)) as unknown[];
    const other: unknown = JSON.parse(await served(`/locations/${graceApartment}`));
    expect(own).toHaveLength(3);
    answer('/locations', JSON.stringify([...own, other]));

    const response = await gateway().execute(CustomerWalk, { id: ada }, { token: tokens.ada });

    expect(response.data?.customer?.locations).toBeNull();
    expect(errorsOf(response)).toEqual([{ path: ['customer', 'locations'], code: 'NOT_AUTHORIZED' }]);
    expect(locationServiceCalls()).toBe(0);
    expectRefusalLogged(response, graceApartment);
  });

  it('refuses a single location of another customer: node(id:) is NOT_AUTHORIZED', async () => {
    answer(`/locations/${adaHome}`, await served(`/locations/${graceApartment}`));

    const response = await gateway().execute(
      LocationServices,
      { id: locations.adaHome },
      { token: tokens.ada },
    );

    expect(response.data).toEqual({ node: null });
    expect(errorsOf(response)).toEqual([{ path: ['node'], code: 'NOT_AUTHORIZED' }]);
    expect(locationServiceCalls()).toBe(0);
    expectRefusalLogged(response, graceApartment);
  });

  it('refuses to cancel services on a location of another customer: NotAuthorizedError as data', async () => {
    const before = gateway().sandbox.services.state.listLocationServices({ locationId: graceApartment });
    answer(`/locations/${adaHome}`, await served(`/locations/${graceApartment}`));

    const response = await gateway().execute(CancelServices, { locationId: locations.adaHome });

    expect(expectTypename(response.data?.cancelServices, 'NotAuthorizedError')).toEqual({
      __typename: 'NotAuthorizedError',
      code: 'NOT_AUTHORIZED',
    });
    expect(gateway().upstreamCalls().services).toBe(0);
    expect(gateway().sandbox.services.state.listLocationServices({ locationId: graceApartment })).toEqual(
      before,
    );
    expectRefusalLogged(response, graceApartment);
  });

  it('refuses a customer answered for another id: no services of its sub-account are read', async () => {
    answer('', await served(''));

    const response = await gateway().execute(CustomerWalk, { id: customers.ada }, { token: tokens.ada });

    expect(response.data).toEqual({ customer: null });
    expect(errorsOf(response)).toEqual([{ path: ['customer'], code: 'NOT_AUTHORIZED' }]);
    expect(gateway().upstreamCalls().services).toBe(0);
    expectRefusalLogged(response, grace);
  });

  it("refuses to cancel a sub-account's services for a customer answered for another id", async () => {
    answer('', await served(''));

    const response = await gateway().execute(CancelAll, { customerId: ada });

    expect(expectTypename(response.data?.cancelAllSubAccountServices, 'NotAuthorizedError').code).toBe(
      'NOT_AUTHORIZED',
    );
    expect(gateway().sandbox.services.control.count(subAccountServicesPath)).toBe(0);
    expect(gateway().upstreamCalls().services).toBe(0);
    expectRefusalLogged(response, grace);
  });
});
