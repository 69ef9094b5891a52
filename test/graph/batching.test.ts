import { offsetToCursor } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useSharedGateway } from '../helpers/gateway.js';
import { customers, expectTypename, locations, present } from '../helpers/fixtures.js';

const ThreeCustomers = graphql(`
  query BatchingCustomers($ids: [ID!]!) {
    customers(ids: $ids) {
      customerId
      name
    }
  }
`);

const CustomerTwice = graphql(`
  query BatchingCustomerTwice($first: ID!, $second: ID!) {
    byName: customer(id: $first) {
      name
    }
    byEmail: customer(id: $second) {
      email
    }
  }
`);

const CustomerWalk = graphql(`
  query BatchingCustomerWalk($id: ID!) {
    customer(id: $id) {
      name
      locations(includeArchived: true) {
        name
        archived
        nodes {
          serialNumber
        }
        serviceLevel {
          level
        }
      }
    }
  }
`);

const NodeLocations = graphql(`
  query BatchingNodeLocations($id: ID!) {
    customer(id: $id) {
      locations {
        name
        nodes {
          serialNumber
          location {
            name
          }
        }
      }
    }
  }
`);

const LocationThenCustomer = graphql(`
  query BatchingLocationCustomer($id: ID!) {
    node(id: $id) {
      __typename
      ...LocationOwner
    }
  }
`);

const ServicesTwice = graphql(`
  query BatchingServicesTwice($id: ID!, $secondAfter: String) {
    node(id: $id) {
      __typename
      ... on Location {
        one: services(first: 10) {
          totalCount
          edges {
            node {
              serviceId
            }
          }
        }
        two: services(first: 10, after: $secondAfter) {
          totalCount
          edges {
            node {
              serviceId
            }
          }
        }
      }
    }
  }
`);

describe('upstream calls per request', () => {
  const gateway = useSharedGateway();

  const plumePaths = () => gateway().sandbox.plume.control.requests.map((r) => r.path);

  it('reads three customers in one WiFi cloud call', async () => {
    const ids = [customerIds.grace, customers.ada, customerIds.linus];
    const response = await gateway().execute(ThreeCustomers, { ids });
    expect(response.data?.customers.map((c) => c?.name)).toEqual([
      'Grace Hopper',
      'Ada Lovelace',
      'Linus Torvalds',
    ]);
    expect(gateway().upstreamCalls()).toEqual({ plume: 1, services: 0 });
    const [call] = gateway().sandbox.plume.control.requests;
    expect(call?.path).toBe('/api/Customers');
    expect(JSON.parse(call?.query.filter ?? '{}').where.id.inq).toEqual(
      expect.arrayContaining([customerIds.grace, customerIds.ada, customerIds.linus]),
    );
  });

  it('reads a customer named twice in customers(ids) once', async () => {
    const ids = [customerIds.ada, customers.ada, customerIds.margaret];
    const response = await gateway().execute(ThreeCustomers, { ids });
    expect(response.data?.customers.map((c) => c?.name)).toEqual([
      'Ada Lovelace',
      'Ada Lovelace',
      'Margaret Hamilton',
    ]);
    expect(gateway().upstreamCalls()).toEqual({ plume: 1, services: 0 });
  });

  it.each([
    ['the same raw id', customerIds.ada],
    ['its raw id and its global ID', customers.ada],
  ])('reads a customer named under two aliases, by %s, with one call', async (_, second) => {
    const response = await gateway().execute(CustomerTwice, { first: customerIds.ada, second });
    expect(response.data).toEqual({
      byName: { name: 'Ada Lovelace' },
      byEmail: { email: 'ada@example.net' },
    });
    expect(gateway().upstreamCalls()).toEqual({ plume: 1, services: 0 });
  });

  it.each([
    { who: 'ada', live: 2, all: 3 },
    { who: 'grace', live: 1, all: 1 },
    { who: 'linus', live: 2, all: 2 },
  ] as const)(
    'walks $who, the locations, their nodes and service levels in 1 + 1 + $all + $live calls',
    async ({ who, live, all }) => {
      const response = await gateway().execute(CustomerWalk, { id: customerIds[who] });
      expect(response.errors).toBeUndefined();
      const locations = response.data?.customer?.locations ?? [];
      expect(locations).toHaveLength(all);
      expect(locations.filter((l) => !l.archived).every((l) => l.serviceLevel !== null)).toBe(true);
      // Nodes are asked of every location, archived ones too; service levels only of live ones.
      expect(gateway().upstreamCalls()).toEqual({ plume: 2 + all + live, services: 0 });
      expect(plumePaths().filter((p) => p.endsWith('/nodes'))).toHaveLength(all);
      expect(plumePaths().filter((p) => p.endsWith('/serviceLevel'))).toHaveLength(live);
    },
  );

  it("answers each node's location from the locations already listed", async () => {
    const response = await gateway().execute(NodeLocations, { id: customerIds.ada });
    expect(
      response.data?.customer?.locations?.map((l) => [
        l.name,
        l.nodes?.map((n) => `${n.serialNumber}@${n.location?.name}`),
      ]),
    ).toEqual([
      ['Home', ['AA11000001@Home', 'AA11000002@Home']],
      ['Holiday cottage', ['AA11000004@Holiday cottage']],
    ]);
    expect(gateway().upstreamCalls()).toEqual({ plume: 2 + 2, services: 0 });
    expect(plumePaths().filter((p) => p.endsWith(locationIds.adaHome))).toEqual([]);
  });

  it('reads a location by node(id) and then its customer in 2 calls', async () => {
    const response = await gateway().execute(LocationThenCustomer, { id: locations.adaCottage });
    expect(expectTypename(response.data?.node, 'Location')).toEqual({
      __typename: 'Location',
      name: 'Holiday cottage',
      customer: { id: customers.ada, name: 'Ada Lovelace' },
    });
    expect(gateway().upstreamCalls()).toEqual({ plume: 2, services: 0 });
  });

  it('asks the services backend once for the same page asked twice under aliases', async () => {
    const response = await gateway().execute(ServicesTwice, { id: locations.adaHome });
    const location = expectTypename(response.data?.node, 'Location');
    expect(present(location.one).edges).toHaveLength(10);
    expect(location.two).toEqual(location.one);
    expect(gateway().upstreamCalls()).toEqual({ plume: 1, services: 1 });
  });

  it('asks the services backend once per distinct page', async () => {
    const response = await gateway().execute(ServicesTwice, {
      id: locations.adaHome,
      secondAfter: offsetToCursor(9),
    });
    const location = expectTypename(response.data?.node, 'Location');
    const ids = [...present(location.one).edges, ...present(location.two).edges].map((e) => e.node.serviceId);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(gateway().upstreamCalls()).toEqual({ plume: 1, services: 2 });
  });
});
