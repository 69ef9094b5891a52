import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useFreshGateway, useSharedGateway } from '../helpers/gateway.js';
import {
  customers,
  errorsOf,
  expectTypename,
  locations,
  present,
  tokens,
  wifiNodeGid,
} from '../helpers/fixtures.js';

const ReadCustomer = graphql(`
  query ReadsCustomer($id: ID!) {
    customer(id: $id) {
      id
      customerId
      name
      email
      accountId
      subAccountId
      autoProvisioned
      createdAt
    }
  }
`);

const ReadCustomers = graphql(`
  query ReadsCustomers($ids: [ID!]!) {
    customers(ids: $ids) {
      id
      customerId
      name
    }
  }
`);

const ReadLocations = graphql(`
  query ReadsLocations($id: ID!, $includeArchived: Boolean! = false) {
    customer(id: $id) {
      locations(includeArchived: $includeArchived) {
        id
        locationId
        name
        createdAt
        archived
        archivedAt
        serviceLevel {
          level
          createdAt
          updatedAt
        }
        nodes {
          id
          serialNumber
          model
          nickname
          firmwareVersion
          connectionState
          claimedAt
        }
      }
    }
  }
`);

const ReadLocationOwner = graphql(`
  query ReadsLocationOwner($id: ID!) {
    node(id: $id) {
      __typename
      ...LocationOwner
    }
  }
`);

const ReadNodeLocation = graphql(`
  query ReadsWifiNodeLocation($id: ID!) {
    node(id: $id) {
      __typename
      ... on WifiNode {
        serialNumber
        location {
          id
          locationId
          name
        }
      }
    }
  }
`);

graphql(`
  fragment ReadsNodeFields on Node {
    __typename
    id
    ... on Customer {
      name
      email
    }
    ... on Location {
      name
      archived
    }
    ... on WifiNode {
      serialNumber
      model
    }
  }
`);

const ReadRefetchSource = graphql(`
  query ReadsRefetchSource($id: ID!) {
    customer(id: $id) {
      ...ReadsNodeFields
      locations(includeArchived: true) {
        ...ReadsNodeFields
        nodes {
          ...ReadsNodeFields
        }
      }
    }
  }
`);

const ReadNode = graphql(`
  query ReadsNode($id: ID!) {
    node(id: $id) {
      ...ReadsNodeFields
    }
  }
`);

const ReadNodes = graphql(`
  query ReadsNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      ...ReadsNodeFields
    }
  }
`);

const DeleteCustomer = graphql(`
  mutation ReadsDeleteCustomer($customerId: ID!) {
    deleteCustomer(input: { customerId: $customerId }) {
      __typename
      ... on DeleteCustomerSuccess {
        count
      }
    }
  }
`);

const ada = {
  id: customers.ada,
  customerId: customerIds.ada,
  name: 'Ada Lovelace',
  email: 'ada@example.net',
  accountId: 'ACC-1001',
  subAccountId: 'ACC-1001',
  autoProvisioned: false,
  createdAt: '2023-01-15T09:30:00.000Z',
};

const claimedAt = '2023-01-15T09:40:00.000Z';

const adaHome = {
  id: locations.adaHome,
  locationId: locationIds.adaHome,
  name: 'Home',
  createdAt: '2023-01-15T09:31:00.000Z',
  archived: false,
  archivedAt: null,
  serviceLevel: {
    level: 'FULL_SERVICE',
    createdAt: '2023-01-15T09:31:00.000Z',
    updatedAt: '2023-01-15T09:31:00.000Z',
  },
  nodes: [
    {
      id: wifiNodeGid(customerIds.ada, locationIds.adaHome, 'AA11000001'),
      serialNumber: 'AA11000001',
      model: 'SuperPod',
      nickname: 'Living room',
      firmwareVersion: '4.8.1',
      connectionState: 'CONNECTED',
      claimedAt,
    },
    {
      id: wifiNodeGid(customerIds.ada, locationIds.adaHome, 'AA11000002'),
      serialNumber: 'AA11000002',
      model: 'SuperPod',
      nickname: 'Office',
      firmwareVersion: '4.8.1',
      connectionState: 'CONNECTED',
      claimedAt,
    },
  ],
};

const adaCottage = {
  id: locations.adaCottage,
  locationId: locationIds.adaCottage,
  name: 'Holiday cottage',
  createdAt: '2023-05-01T10:00:00.000Z',
  archived: false,
  archivedAt: null,
  serviceLevel: {
    level: 'BASIC_SERVICE',
    createdAt: '2023-05-01T10:00:00.000Z',
    updatedAt: '2023-05-01T10:00:00.000Z',
  },
  nodes: [
    {
      id: wifiNodeGid(customerIds.ada, locationIds.adaCottage, 'AA11000004'),
      serialNumber: 'AA11000004',
      model: 'PowerPod',
      nickname: 'Kitchen',
      firmwareVersion: '4.8.1',
      connectionState: 'CONNECTED',
      claimedAt,
    },
  ],
};

const adaOldFlat = {
  id: locations.adaOldFlat,
  locationId: locationIds.adaOldFlat,
  name: 'Old flat',
  createdAt: '2022-11-01T10:00:00.000Z',
  archived: true,
  archivedAt: '2023-02-01T12:00:00.000Z',
  serviceLevel: null,
  nodes: [],
};

describe('reads of the graph', () => {
  const gateway = useSharedGateway();

  describe('customer(id)', () => {
    it('reads a customer by its WiFi cloud id', async () => {
      const response = await gateway().execute(ReadCustomer, { id: customerIds.ada });
      expect(response.errors).toBeUndefined();
      expect(response.data?.customer).toEqual(ada);
    });

    it('reads the same customer by its global ID', async () => {
      const response = await gateway().execute(ReadCustomer, { id: customers.ada });
      expect(response.errors).toBeUndefined();
      expect(response.data?.customer).toEqual(ada);
    });

    it('reads an auto-provisioned customer as such', async () => {
      const response = await gateway().execute(ReadCustomer, { id: customerIds.grace });
      expect(response.data?.customer).toMatchObject({
        name: 'Grace Hopper',
        accountId: 'ACC-1002',
        subAccountId: 'ACC-1002',
        autoProvisioned: true,
        createdAt: '2023-03-02T14:05:00.000Z',
      });
    });
  });

  describe('customers(ids)', () => {
    it('reads several customers in the order asked, by raw or global id', async () => {
      const ids = [customerIds.linus, customers.ada, customerIds.margaret];
      const response = await gateway().execute(ReadCustomers, { ids });
      expect(response.errors).toBeUndefined();
      expect(response.data?.customers).toEqual([
        { id: customers.linus, customerId: customerIds.linus, name: 'Linus Torvalds' },
        { id: customers.ada, customerId: customerIds.ada, name: 'Ada Lovelace' },
        { id: customers.margaret, customerId: customerIds.margaret, name: 'Margaret Hamilton' },
      ]);
    });
  });

  describe('Customer.locations', () => {
    it('lists only live locations by default, each with its claimed nodes and service level', async () => {
      const response = await gateway().execute(ReadLocations, { id: customerIds.ada });
      expect(response.errors).toBeUndefined();
      expect(response.data?.customer?.locations).toEqual([adaHome, adaCottage]);
    });

    it('includes archived locations when asked, with when they were archived', async () => {
      const response = await gateway().execute(ReadLocations, { id: customerIds.ada, includeArchived: true });
      expect(response.errors).toBeUndefined();
      expect(response.data?.customer?.locations).toHaveLength(3);
      expect(response.data?.customer?.locations).toEqual(
        expect.arrayContaining([adaHome, adaCottage, adaOldFlat]),
      );
    });

    // schema.graphql documents Customer.locations as "oldest first"; the Old flat (2022) is listed last.
    it('lists locations oldest first, as the schema documents', async () => {
      const response = await gateway().execute(ReadLocations, { id: customerIds.ada, includeArchived: true });
      expect(response.data?.customer?.locations?.map((l) => l.name)).toEqual([
        'Old flat',
        'Home',
        'Holiday cottage',
      ]);
    });

    it('has no service level for an archived location without asking for one, and asks for its nodes', async () => {
      gateway().resetCounts();
      const response = await gateway().execute(ReadLocations, { id: customerIds.ada, includeArchived: true });
      const oldFlat = response.data?.customer?.locations?.find((l) => l.name === 'Old flat');
      expect(oldFlat?.serviceLevel).toBeNull();
      expect(oldFlat?.nodes).toEqual([]);
      const paths = gateway().sandbox.plume.control.requests.map((r) => r.path);
      expect(paths.filter((p) => p.includes(locationIds.adaOldFlat))).toEqual([
        `/api/Customers/${customerIds.ada}/locations/${locationIds.adaOldFlat}/nodes`,
      ]);
    });

    it('shows a node the WiFi cloud still reports claimed at an archived location', async () => {
      const node = {
        id: 'AA11000005',
        serialNumber: 'AA11000005',
        locationId: locationIds.adaOldFlat,
        model: 'SuperPod',
        connectionState: 'disconnected',
      };
      gateway().sandbox.plume.control.inject({
        method: 'GET',
        path: `/api/Customers/${customerIds.ada}/locations/${locationIds.adaOldFlat}/nodes`,
        status: 200,
        body: JSON.stringify({ nodes: [node] }),
        times: 1,
      });
      const response = await gateway().execute(ReadLocations, { id: customerIds.ada, includeArchived: true });
      const oldFlat = present(present(response.data?.customer).locations).find((l) => l.name === 'Old flat');
      expect(oldFlat?.archived).toBe(true);
      expect(present(oldFlat?.nodes).map((n) => n.serialNumber)).toEqual(['AA11000005']);
    });

    it('lists no nodes for a live location with none claimed', async () => {
      const response = await gateway().execute(ReadLocations, { id: customerIds.linus });
      expect(
        response.data?.customer?.locations?.map((l) => [l.name, l.nodes?.map((n) => n.serialNumber)]),
      ).toEqual([
        ['Home', ['CC33000001']],
        ['Garage', []],
      ]);
    });
  });

  describe('links between objects', () => {
    it('leads from a location to its customer', async () => {
      const response = await gateway().execute(ReadLocationOwner, { id: locations.linusGarage });
      expect(response.errors).toBeUndefined();
      expect(expectTypename(response.data?.node, 'Location')).toEqual({
        __typename: 'Location',
        name: 'Garage',
        customer: { id: customers.linus, name: 'Linus Torvalds' },
      });
    });

    it('leads from a WiFi node to its location', async () => {
      const response = await gateway().execute(ReadNodeLocation, {
        id: wifiNodeGid(customerIds.ada, locationIds.adaCottage, 'AA11000004'),
      });
      expect(response.errors).toBeUndefined();
      expect(expectTypename(response.data?.node, 'WifiNode')).toEqual({
        __typename: 'WifiNode',
        serialNumber: 'AA11000004',
        location: {
          id: locations.adaCottage,
          locationId: locationIds.adaCottage,
          name: 'Holiday cottage',
        },
      });
    });
  });

  describe('node(id) and nodes(ids)', () => {
    /** Every customer, location and node of Ada as the graph lists them, flattened. */
    async function adaObjects() {
      const response = await gateway().execute(ReadRefetchSource, { id: customerIds.ada });
      expect(response.errors).toBeUndefined();
      const { locations, ...customer } = present(response.data?.customer);
      const places = present(locations).map(({ nodes: _, ...location }) => location);
      const nodes = present(locations).flatMap((location) => present(location.nodes));
      return [customer, ...places, ...nodes];
    }

    it('refetches each customer, location and WiFi node by its id, with the same data', async () => {
      const objects = await adaObjects();
      expect(objects.map((o) => o.__typename)).toEqual([
        'Customer',
        'Location',
        'Location',
        'Location',
        'WifiNode',
        'WifiNode',
        'WifiNode',
      ]);
      for (const object of objects) {
        const response = await gateway().execute(ReadNode, { id: object.id });
        expect(response.errors).toBeUndefined();
        expect(response.data?.node).toEqual(object);
      }
    });

    it('refetches them all at once with nodes(ids), in the order asked', async () => {
      const objects = (await adaObjects()).reverse();
      const response = await gateway().execute(ReadNodes, { ids: objects.map((o) => o.id) });
      expect(response.errors).toBeUndefined();
      expect(response.data?.nodes).toEqual(objects);
    });

    it('answers null in place of a WiFi node that is not claimed at that location', async () => {
      const ids = [
        locations.adaHome,
        wifiNodeGid(customerIds.ada, locationIds.adaHome, 'AA11000003'),
        customers.ada,
      ];
      const response = await gateway().execute(ReadNodes, { ids });
      expect(response.data?.nodes.map((n) => n && [n.__typename, n.id])).toEqual([
        ['Location', ids[0]],
        null,
        ['Customer', ids[2]],
      ]);
    });

    // src/schema/location.ts loadOne rejects with NotFoundError; Pothos resolves nodes(ids) with one
    // Promise.all, so the whole non-null list fails and `data` is null.
    it('answers null in place of a location that does not exist, keeping the others', async () => {
      const missing = encodeGlobalID('Location', `${customerIds.ada}:660000000000000000000999`);
      const response = await gateway().execute(ReadNodes, { ids: [missing, customers.ada] });
      expect(response.data?.nodes.map((n) => n && n.id)).toEqual([null, customers.ada]);
    });
  });
});

describe('query errors', () => {
  const gateway = useSharedGateway();

  describe('malformed ids', () => {
    it.each(['a/b', '', '..', '%2F', '../650000000000000000000001'])(
      'rejects customer id %j as BAD_USER_INPUT before any upstream call',
      async (id) => {
        const response = await gateway().execute(ReadCustomer, { id });
        expect(response.data).toEqual({ customer: null });
        expect(errorsOf(response)).toEqual([{ path: ['customer'], code: 'BAD_USER_INPUT' }]);
        expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
      },
    );

    it('rejects customers(ids) when any id is malformed, before any upstream call', async () => {
      const response = await gateway().execute(ReadCustomers, { ids: [customerIds.ada, 'a/b'] });
      expect(errorsOf(response)).toEqual([{ path: ['customers'], code: 'BAD_USER_INPUT' }]);
      expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
    });

    it.each(['not-a-global-id', ''])(
      'rejects %j in node(id) as BAD_USER_INPUT before any upstream call',
      async (id) => {
        const response = await gateway().execute(ReadNode, { id });
        expect(response.data).toEqual({ node: null });
        expect(errorsOf(response)).toEqual([{ path: ['node'], code: 'BAD_USER_INPUT' }]);
        expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
      },
    );
  });

  describe('authorization', () => {
    it('refuses a request without Authorization, without calling the WiFi cloud', async () => {
      const response = await gateway().execute(ReadCustomer, { id: customerIds.ada }, { token: null });
      expect(response.data).toEqual({ customer: null });
      expect(errorsOf(response)).toEqual([{ path: ['customer'], code: 'NOT_AUTHORIZED' }]);
      expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
    });

    it("lets a customer's own token read that customer only", async () => {
      const own = await gateway().execute(ReadCustomer, { id: customerIds.ada }, { token: tokens.ada });
      expect(own.data?.customer?.name).toBe('Ada Lovelace');
      const other = await gateway().execute(ReadCustomer, { id: customerIds.grace }, { token: tokens.ada });
      expect(other.data).toEqual({ customer: null });
      expect(errorsOf(other)).toEqual([{ path: ['customer'], code: 'NOT_AUTHORIZED' }]);
    });

    it('lets a partner token read its own customers only', async () => {
      const outside = await gateway().execute(
        ReadCustomer,
        { id: customerIds.ada },
        { token: tokens.partner },
      );
      expect(errorsOf(outside)).toEqual([{ path: ['customer'], code: 'NOT_AUTHORIZED' }]);
      const inside = await gateway().execute(
        ReadCustomer,
        { id: customerIds.linus },
        { token: tokens.partner },
      );
      expect(inside.errors).toBeUndefined();
      expect(inside.data?.customer).toMatchObject({ name: 'Linus Torvalds', accountId: 'ACC-1003' });
    });

    it('answers null with an error for each customer of customers(ids) outside the token', async () => {
      const ids = [customerIds.ada, customerIds.linus, customerIds.margaret];
      const response = await gateway().execute(ReadCustomers, { ids }, { token: tokens.partner });
      expect(response.data?.customers.map((c) => c?.name ?? null)).toEqual([
        null,
        'Linus Torvalds',
        'Margaret Hamilton',
      ]);
      expect(errorsOf(response)).toEqual([{ path: ['customers', 0], code: 'NOT_AUTHORIZED' }]);
    });

    it('refuses an expired token', async () => {
      const response = await gateway().execute(
        ReadCustomer,
        { id: customerIds.ada },
        { token: tokens.expired },
      );
      expect(response.data).toEqual({ customer: null });
      expect(errorsOf(response)).toEqual([{ path: ['customer'], code: 'NOT_AUTHORIZED' }]);
    });
  });
});

describe('a deleted customer', () => {
  const gateway = useFreshGateway();

  it('is NOT_FOUND after deleteCustomer', async () => {
    const deleted = await gateway().execute(DeleteCustomer, { customerId: customers.linus });
    expect(deleted.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', count: 1 });

    const response = await gateway().execute(ReadCustomer, { id: customerIds.linus });
    expect(response.data).toEqual({ customer: null });
    expect(errorsOf(response)).toEqual([{ path: ['customer'], code: 'NOT_FOUND' }]);
  });

  it('is NOT_FOUND after a delete straight on the WiFi cloud', async () => {
    const deleted = await fetch(`${gateway().sandbox.plume.url}/api/Customers/${customerIds.grace}`, {
      method: 'DELETE',
      headers: { authorization: tokens.admin },
    });
    expect(deleted.status).toBe(200);

    const response = await gateway().execute(ReadCustomer, { id: customers.grace });
    expect(response.data).toEqual({ customer: null });
    expect(errorsOf(response)).toEqual([{ path: ['customer'], code: 'NOT_FOUND' }]);
  });

  it('is null with NOT_FOUND among customers(ids), the others still read', async () => {
    await gateway().execute(DeleteCustomer, { customerId: customerIds.grace });
    const response = await gateway().execute(ReadCustomers, { ids: [customerIds.ada, customerIds.grace] });
    expect(response.data?.customers.map((c) => c?.name ?? null)).toEqual(['Ada Lovelace', null]);
    expect(errorsOf(response)).toEqual([{ path: ['customers', 1], code: 'NOT_FOUND' }]);
  });
});
