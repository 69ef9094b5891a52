import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import type { ServiceLevel } from '../gql/graphql.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  customerGid,
  customers,
  expectTypename,
  locationGid,
  locations,
  secrets,
  tokens,
} from '../helpers/fixtures.js';

/** A NotFoundError as a mutation answers it for `id`, with the message's detail after the colon when there is one. */
const notFound = (resource: 'Location' | 'Node' | 'Customer', id: string, detail?: string) => ({
  __typename: 'NotFoundError',
  code: 'NOT_FOUND',
  message: `${resource} ${id} was not found${detail ? `: ${detail}` : ''}.`,
  resource: resource.toUpperCase(),
  id,
});

/** The four WiFi cloud contract operations through the graph, over HTTP, against the WiFi cloud simulator. */

const UnclaimNode = graphql(`
  mutation WmUnclaimNode($input: UnclaimNodeInput!) {
    unclaimNode(input: $input) {
      __typename
      ... on UnclaimNodeSuccess {
        serialNumber
        location {
          locationId
          nodes {
            serialNumber
          }
        }
      }
      ...ErrorOutcome
    }
  }
`);

const ArchiveLocation = graphql(`
  mutation WmArchiveLocation($input: ArchiveLocationInput!) {
    archiveLocation(input: $input) {
      __typename
      ... on ArchiveLocationSuccess {
        location {
          locationId
          archived
          archivedAt
          nodes {
            serialNumber
          }
          serviceLevel {
            level
          }
        }
        customer {
          customerId
          autoProvisioned
          locations {
            locationId
            name
            archived
          }
          allLocations: locations(includeArchived: true) {
            locationId
            archived
          }
        }
      }
      ...ErrorOutcome
    }
  }
`);

const DeleteCustomer = graphql(`
  mutation WmDeleteCustomer($input: DeleteCustomerInput!) {
    deleteCustomer(input: $input) {
      __typename
      ... on DeleteCustomerSuccess {
        count
        customerId
        deletedCustomerId
      }
      ...ErrorOutcome
    }
  }
`);

const ReadCustomer = graphql(`
  query WmCustomer($id: ID!) {
    customer(id: $id) {
      customerId
      name
    }
  }
`);

const SetServiceLevel = graphql(`
  mutation WmSetServiceLevel($input: SetServiceLevelInput!) {
    setServiceLevel(input: $input) {
      __typename
      ... on SetServiceLevelSuccess {
        serviceLevel {
          level
          updatedAt
        }
        location {
          locationId
          serviceLevel {
            level
            createdAt
            updatedAt
          }
        }
      }
      ...ErrorOutcome
    }
  }
`);

const { ada, grace, linus } = customerIds;
const NO_CALLS = { plume: 0, services: 0 };

let gw: TestGateway;
beforeEach(async () => {
  gw = await startTestGateway();
});
afterEach(async () => {
  vi.useRealTimers();
  const logs = gw.logs.join('\n');
  await gw.close();
  for (const secret of secrets) expect(logs).not.toContain(secret);
});

const claimedSerials = (customerId: string) =>
  gw.sandbox.plume.state.inspectCustomer(customerId)?.claimedSerials;
const simulatedLocation = (customerId: string, locationId: string) =>
  gw.sandbox.plume.state.inspectCustomer(customerId)?.locations.find((l) => l.id === locationId);

describe('unclaimNode (contract: single extender RMA)', () => {
  const unclaim = (locationId: string, serialNumber: string, token: string | null = tokens.admin) =>
    gw.execute(UnclaimNode, { input: { locationId, serialNumber } }, { token });

  it('unclaims a claimed node: it leaves location.nodes and the cloud shows it unclaimed', async () => {
    const { data, errors } = await unclaim(locations.adaHome, 'AA11000001', tokens.ada);

    expect(errors).toBeUndefined();
    const result = expectTypename(data?.unclaimNode, 'UnclaimNodeSuccess');
    expect(result).toEqual({
      __typename: 'UnclaimNodeSuccess',
      serialNumber: 'AA11000001',
      location: { locationId: locationIds.adaHome, nodes: [{ serialNumber: 'AA11000002' }] },
    });
    expect(claimedSerials(ada)).toEqual(['AA11000002', 'AA11000004']);
  });

  it('still answers UnclaimNodeSuccess when re-reading the location fails after the unclaim', async () => {
    gw.sandbox.plume.control.inject({
      method: 'GET',
      path: `/api/Customers/${ada}/locations/${locationIds.adaHome}`,
      status: 500,
    });
    const { data, errors } = await unclaim(locations.adaHome, 'AA11000001');

    expect(data?.unclaimNode).toEqual({
      __typename: 'UnclaimNodeSuccess',
      serialNumber: 'AA11000001',
      location: null,
    });
    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['unclaimNode', 'location'], 'UPSTREAM_ERROR'],
    ]);
    expect(claimedSerials(ada)).toEqual(['AA11000002', 'AA11000004']);
  });

  it('returns NodeAlreadyUnclaimedError for a node unclaimed already (contract 400)', async () => {
    const { data } = await unclaim(locations.adaHome, 'AA11000003');

    expect(data?.unclaimNode).toEqual({
      __typename: 'NodeAlreadyUnclaimedError',
      code: 'NODE_ALREADY_UNCLAIMED',
      message: 'Node AA11000003 is already unclaimed.',
      serialNumber: 'AA11000003',
    });
    expect(claimedSerials(ada)).toEqual(['AA11000001', 'AA11000002', 'AA11000004']);
  });

  it('returns NodeAlreadyUnclaimedError when the same node is unclaimed twice', async () => {
    expectTypename((await unclaim(locations.adaHome, 'AA11000002')).data?.unclaimNode, 'UnclaimNodeSuccess');
    const { data } = await unclaim(locations.adaHome, 'AA11000002');

    expectTypename(data?.unclaimNode, 'NodeAlreadyUnclaimedError');
  });

  it('returns NoClaimedNodesError on a location with zero claimed nodes (contract 404)', async () => {
    const { data } = await unclaim(locations.linusGarage, 'CC33000002');

    expect(data?.unclaimNode).toEqual({
      __typename: 'NoClaimedNodesError',
      code: 'NO_CLAIMED_NODES',
      message: `Location ${locationIds.linusGarage} has no claimed nodes.`,
      locationId: locationIds.linusGarage,
    });
  });

  it('returns NotFoundError naming the LOCATION for an unknown location', async () => {
    const unknown = '660000000000000000000999';
    const { data } = await unclaim(locationGid(ada, unknown), 'AA11000001');

    expect(data?.unclaimNode).toEqual(notFound('Location', unknown));
  });

  it("returns NotFoundError naming the LOCATION for another customer's location under this customer", async () => {
    const { data } = await unclaim(locationGid(ada, locationIds.graceApartment), 'BB22000001');

    const result = expectTypename(data?.unclaimNode, 'NotFoundError');
    expect(result).toMatchObject({ resource: 'LOCATION', id: locationIds.graceApartment });
    expect(claimedSerials(grace)).toEqual(['BB22000001', 'BB22000002']);
  });

  it('returns NotFoundError naming the NODE for an unknown serial', async () => {
    const { data } = await unclaim(locations.adaHome, 'ZZ99000001');

    expect(data?.unclaimNode).toEqual(notFound('Node', 'ZZ99000001'));
  });

  it('returns NotFoundError naming the NODE for a node of another location of the customer', async () => {
    const { data } = await unclaim(locations.adaHome, 'AA11000004');

    expect(expectTypename(data?.unclaimNode, 'NotFoundError')).toMatchObject({
      resource: 'NODE',
      id: 'AA11000004',
    });
    expect(claimedSerials(ada)).toContain('AA11000004');
  });

  it('returns NotFoundError naming the CUSTOMER once the customer is deleted', async () => {
    gw.sandbox.plume.state.deleteCustomer(tokens.admin, linus);

    const { data } = await unclaim(locations.linusHome, 'CC33000001');

    expect(data?.unclaimNode).toEqual(notFound('Customer', linus));
  });

  it('returns NotAuthorizedError without any upstream call when no token is sent', async () => {
    const { data } = await unclaim(locations.adaHome, 'AA11000001', null);

    expect(data?.unclaimNode).toEqual({
      __typename: 'NotAuthorizedError',
      code: 'NOT_AUTHORIZED',
      message:
        'Not authorized: the Authorization token is missing, expired, or does not cover this customer.',
      reason: 'TOKEN',
    });
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });

  it("returns NotAuthorizedError for a user token on another customer's location", async () => {
    const { data } = await unclaim(locations.graceApartment, 'BB22000001', tokens.ada);

    expectTypename(data?.unclaimNode, 'NotAuthorizedError');
    expect(claimedSerials(grace)).toEqual(['BB22000001', 'BB22000002']);
  });

  it('returns NotAuthorizedError for an expired token', async () => {
    const { data } = await unclaim(locations.adaHome, 'AA11000001', tokens.expired);

    expectTypename(data?.unclaimNode, 'NotAuthorizedError');
    expect(claimedSerials(ada)).toContain('AA11000001');
  });

  it.each([
    ['a path separator', 'a/b'],
    ['a parent segment', '..'],
    ['an encoded slash', '%2F'],
    ['an empty serial', ''],
    ['only spaces', '   '],
    ['a query string', 'AA11000001?x=1'],
  ])(
    'returns InputValidationError without any upstream call for a serial with %s',
    async (_, serialNumber) => {
      const { data } = await unclaim(locations.adaHome, serialNumber);

      const result = expectTypename(data?.unclaimNode, 'InputValidationError');
      expect(result.code).toBe('INPUT_VALIDATION');
      expect(result.issues.length).toBeGreaterThan(0);
      for (const issue of result.issues) expect(issue.path).toEqual(['input', 'serialNumber']);
      expect(gw.upstreamCalls()).toEqual(NO_CALLS);
    },
  );

  it.each([
    ['a Customer global ID', customers.ada],
    ['a WifiNode global ID', encodeGlobalID('WifiNode', `${ada}:${locationIds.adaHome}:AA11000001`)],
    ['a bare location id', locationIds.adaHome],
    ['a Location global ID without its customer', encodeGlobalID('Location', locationIds.adaHome)],
    [
      'a Location global ID with a path in it',
      encodeGlobalID('Location', `${ada}:../${locationIds.adaHome}`),
    ],
    ['an empty string', ''],
    ['not base64', '%%%'],
  ])('returns InputValidationError without any upstream call for %s as locationId', async (_, locationId) => {
    const { data } = await unclaim(locationId, 'AA11000001');

    const result = expectTypename(data?.unclaimNode, 'InputValidationError');
    expect(result.issues).toEqual([
      { path: ['input', 'locationId'], message: 'must be a Location global ID' },
    ]);
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
    expect(claimedSerials(ada)).toContain('AA11000001');
  });
});

describe('archiveLocation (contract: service cancellation)', () => {
  const archive = (locationId: string, token: string | null = tokens.admin) =>
    gw.execute(ArchiveLocation, { input: { locationId } }, { token });

  it('archives the location and unclaims its nodes', async () => {
    const { data, errors } = await archive(locations.adaHome, tokens.ada);

    expect(errors).toBeUndefined();
    const result = expectTypename(data?.archiveLocation, 'ArchiveLocationSuccess');
    const simulated = simulatedLocation(ada, locationIds.adaHome);
    expect(simulated?.archived).toBe(true);
    expect(result.location).toEqual({
      locationId: locationIds.adaHome,
      archived: true,
      archivedAt: simulated?.archivedAt,
      nodes: [],
      serviceLevel: null,
    });
    expect(Date.parse(result.location?.archivedAt ?? '')).not.toBeNaN();
    expect(result.customer?.locations).toEqual([
      { locationId: locationIds.adaCottage, name: 'Holiday cottage', archived: false },
    ]);
    expect(claimedSerials(ada)).toEqual(['AA11000004']);
  });

  it('leaves an auto-provisioned customer with zero locations after its last one', async () => {
    const { data } = await archive(locations.graceApartment, tokens.grace);

    const result = expectTypename(data?.archiveLocation, 'ArchiveLocationSuccess');
    expect(result.customer).toEqual({
      customerId: grace,
      autoProvisioned: true,
      locations: [],
      allLocations: [{ locationId: locationIds.graceApartment, archived: true }],
    });
    expect(claimedSerials(grace)).toEqual([]);
  });

  it('gives any other customer a new empty Home after its last non-archived location', async () => {
    const first = await archive(locations.linusGarage);
    expect(expectTypename(first.data?.archiveLocation, 'ArchiveLocationSuccess').customer?.locations).toEqual(
      [{ locationId: locationIds.linusHome, name: 'Home', archived: false }],
    );

    const { data } = await archive(locations.linusHome);

    const result = expectTypename(data?.archiveLocation, 'ArchiveLocationSuccess');
    const newHome = '670000000000000000000001';
    expect(result.customer).toEqual({
      customerId: linus,
      autoProvisioned: false,
      locations: [{ locationId: newHome, name: 'Home', archived: false }],
      allLocations: [
        { locationId: locationIds.linusHome, archived: true },
        { locationId: locationIds.linusGarage, archived: true },
        { locationId: newHome, archived: false },
      ],
    });
    expect(claimedSerials(linus)).toEqual([]);
  });

  it('returns LocationAlreadyArchivedError for an archived location (contract 409)', async () => {
    const { data } = await archive(locations.adaOldFlat);

    expect(data?.archiveLocation).toEqual({
      __typename: 'LocationAlreadyArchivedError',
      code: 'LOCATION_ALREADY_ARCHIVED',
      message: `Location ${locationIds.adaOldFlat} is already archived.`,
      locationId: locationIds.adaOldFlat,
    });
  });

  it('returns LocationAlreadyArchivedError when the same location is archived twice', async () => {
    expectTypename((await archive(locations.adaCottage)).data?.archiveLocation, 'ArchiveLocationSuccess');
    const { data } = await archive(locations.adaCottage);

    expectTypename(data?.archiveLocation, 'LocationAlreadyArchivedError');
  });

  it('returns NotFoundError naming the LOCATION for an unknown location (contract 404)', async () => {
    const unknown = '660000000000000000000999';
    const { data } = await archive(locationGid(ada, unknown));

    expect(data?.archiveLocation).toEqual(notFound('Location', unknown));
  });

  it('returns NotFoundError naming the CUSTOMER once the customer is deleted', async () => {
    gw.sandbox.plume.state.deleteCustomer(tokens.admin, linus);

    const { data } = await archive(locations.linusHome);

    expect(expectTypename(data?.archiveLocation, 'NotFoundError')).toMatchObject({
      resource: 'CUSTOMER',
      id: linus,
    });
  });

  it("returns NotAuthorizedError for a user token on another customer's location (contract 401)", async () => {
    const { data } = await archive(locations.graceApartment, tokens.ada);

    expectTypename(data?.archiveLocation, 'NotAuthorizedError');
    expect(simulatedLocation(grace, locationIds.graceApartment)?.archived).toBe(false);
  });

  it('returns NotAuthorizedError for an admin token whose scope leaves the customer out', async () => {
    const { data } = await archive(locations.adaHome, tokens.partner);

    expectTypename(data?.archiveLocation, 'NotAuthorizedError');
    expect(simulatedLocation(ada, locationIds.adaHome)?.archived).toBe(false);
  });

  it('returns NotAuthorizedError without any upstream call when no token is sent', async () => {
    const { data } = await archive(locations.adaHome, null);

    expectTypename(data?.archiveLocation, 'NotAuthorizedError');
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });

  it('returns InputValidationError without any upstream call for a Customer global ID', async () => {
    const { data } = await archive(customers.ada);

    expectTypename(data?.archiveLocation, 'InputValidationError');
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });
});

describe('deleteCustomer (contract: full account service cancellation)', () => {
  const deleteCustomer = (customerId: string, token: string | null = tokens.admin) =>
    gw.execute(DeleteCustomer, { input: { customerId } }, { token });

  it('deletes the customer, archives every location and records a GDPR delete', async () => {
    const { data, errors } = await deleteCustomer(customers.ada);

    expect(errors).toBeUndefined();
    expect(data?.deleteCustomer).toEqual({
      __typename: 'DeleteCustomerSuccess',
      count: 1,
      customerId: ada,
      deletedCustomerId: customers.ada,
    });
    expect(gw.sandbox.plume.state.gdprDeletes).toEqual([
      { customerId: ada, accountId: 'ACC-1001', requestedAt: expect.any(String) },
    ]);
    const inspection = gw.sandbox.plume.state.inspectCustomer(ada);
    expect(inspection?.deletedAt).toEqual(expect.any(String));
    expect(inspection?.locations.map((l) => [l.id, l.archived])).toEqual([
      [locationIds.adaHome, true],
      [locationIds.adaCottage, true],
      [locationIds.adaOldFlat, true],
    ]);
    expect(inspection?.claimedSerials).toEqual([]);
  });

  it('accepts the WiFi cloud customer id as well as the global ID', async () => {
    const { data } = await deleteCustomer(grace, tokens.grace);

    expect(expectTypename(data?.deleteCustomer, 'DeleteCustomerSuccess')).toMatchObject({
      customerId: grace,
      deletedCustomerId: customers.grace,
    });
  });

  it('makes the customer unreadable afterwards: NOT_FOUND', async () => {
    await deleteCustomer(customers.ada);

    const { data, errors } = await gw.execute(ReadCustomer, { id: customers.ada });

    expect(data).toEqual({ customer: null });
    expect(errors).toEqual([
      {
        message: `Customer ${ada} was not found.`,
        path: ['customer'],
        locations: expect.any(Array),
        extensions: { code: 'NOT_FOUND' },
      },
    ]);
  });

  it('returns NotFoundError naming the CUSTOMER when the customer is deleted again (contract 404)', async () => {
    await deleteCustomer(customers.ada);

    const { data } = await deleteCustomer(customers.ada);

    expect(data?.deleteCustomer).toEqual(notFound('Customer', ada));
    expect(gw.sandbox.plume.state.gdprDeletes).toHaveLength(1);
  });

  it('returns NotAuthorizedError for a user token on another customer (contract 401)', async () => {
    const { data } = await deleteCustomer(customers.grace, tokens.ada);

    expectTypename(data?.deleteCustomer, 'NotAuthorizedError');
    expect(gw.sandbox.plume.state.gdprDeletes).toEqual([]);
    expect(gw.sandbox.plume.state.inspectCustomer(grace)?.deletedAt).toBeNull();
  });

  it('returns NotAuthorizedError for an admin token whose scope leaves the customer out', async () => {
    const { data } = await deleteCustomer(customers.ada, tokens.partner);

    expectTypename(data?.deleteCustomer, 'NotAuthorizedError');
    expect(gw.sandbox.plume.state.gdprDeletes).toEqual([]);
  });

  it('returns NotAuthorizedError for a customer unknown to the cloud (contract: "may not exist")', async () => {
    const { data } = await deleteCustomer(customerGid('650000000000000000000999'));

    expectTypename(data?.deleteCustomer, 'NotAuthorizedError');
  });

  it('returns InputValidationError without any upstream call for a Location global ID', async () => {
    const { data } = await deleteCustomer(locations.adaHome);

    expectTypename(data?.deleteCustomer, 'InputValidationError');
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });
});

describe('setServiceLevel (contract: account suspension / reduced functionality)', () => {
  const setLevel = (locationId: string, level: ServiceLevel, token: string | null = tokens.admin) =>
    gw.execute(SetServiceLevel, { input: { locationId, level } }, { token });

  it('sets each level in turn: updatedAt advances, createdAt is kept, the same request reads the new level', async () => {
    const steps: Array<[ServiceLevel, string, string]> = [
      ['NO_SERVICE', 'noService', '2026-02-01T08:00:00.000Z'],
      ['BASIC_SERVICE', 'basicService', '2026-02-02T09:30:00.000Z'],
      ['FULL_SERVICE', 'fullService', '2026-02-03T17:45:00.000Z'],
    ];
    for (const [level, status, now] of steps) {
      // The simulator stamps updatedAt with its clock; a fixed one per step makes the value exact.
      vi.setSystemTime(new Date(now));
      const { data, errors } = await setLevel(locations.adaHome, level, tokens.ada);

      expect(errors).toBeUndefined();
      expect(data?.setServiceLevel).toEqual({
        __typename: 'SetServiceLevelSuccess',
        serviceLevel: { level, updatedAt: now },
        location: {
          locationId: locationIds.adaHome,
          serviceLevel: { level, createdAt: '2023-01-15T09:31:00.000Z', updatedAt: now },
        },
      });
      expect(gw.sandbox.plume.state.getServiceLevel(tokens.admin, ada, locationIds.adaHome)).toEqual({
        status,
        createdAt: '2023-01-15T09:31:00.000Z',
        updatedAt: now,
      });
    }
  });

  it('returns NotFoundError naming the LOCATION for an unknown location (contract 404)', async () => {
    const unknown = '660000000000000000000999';
    const { data } = await setLevel(locationGid(ada, unknown), 'NO_SERVICE');

    expect(data?.setServiceLevel).toEqual(notFound('Location', unknown));
  });

  it('returns NotFoundError naming the LOCATION for an archived location', async () => {
    const { data } = await setLevel(locations.adaOldFlat, 'FULL_SERVICE');

    expect(data?.setServiceLevel).toEqual(
      notFound('Location', locationIds.adaOldFlat, 'the location is archived'),
    );
  });

  it('rejects a level outside the enum as a GraphQL validation error, without any upstream call', async () => {
    const response = await setLevel(locations.adaHome, 'SUSPENDED' as ServiceLevel);

    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      {
        message:
          'Variable "$input" got invalid value "SUSPENDED" at "input.level"; Value "SUSPENDED" does not exist in "ServiceLevel" enum.',
        locations: expect.any(Array),
      },
    ]);
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });

  it("returns InvalidServiceLevelError when the cloud rejects the 'status' value (contract 422)", async () => {
    gw.sandbox.plume.control.inject({
      method: 'PATCH',
      path: `/api/Customers/${ada}/locations/${locationIds.adaHome}/serviceLevel`,
      status: 422,
    });

    const { data } = await setLevel(locations.adaHome, 'BASIC_SERVICE');

    expect(data?.setServiceLevel).toEqual({
      __typename: 'InvalidServiceLevelError',
      code: 'INVALID_SERVICE_LEVEL',
      message: 'Service level basicService was rejected by the WiFi cloud.',
      level: 'BASIC_SERVICE',
    });
    expect(gw.sandbox.plume.state.getServiceLevel(tokens.admin, ada, locationIds.adaHome).status).toBe(
      'fullService',
    );
  });

  it("returns NotAuthorizedError for a user token on another customer's location (contract 401)", async () => {
    const { data } = await setLevel(locations.linusHome, 'NO_SERVICE', tokens.ada);

    expectTypename(data?.setServiceLevel, 'NotAuthorizedError');
    expect(gw.sandbox.plume.state.getServiceLevel(tokens.admin, linus, locationIds.linusHome).status).toBe(
      'fullService',
    );
  });

  it('returns NotAuthorizedError for an expired token', async () => {
    const { data } = await setLevel(locations.adaHome, 'NO_SERVICE', tokens.expired);

    expectTypename(data?.setServiceLevel, 'NotAuthorizedError');
  });

  it('returns InputValidationError without any upstream call for a Customer global ID', async () => {
    const { data } = await setLevel(customers.ada, 'NO_SERVICE');

    expectTypename(data?.setServiceLevel, 'InputValidationError');
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });
});
