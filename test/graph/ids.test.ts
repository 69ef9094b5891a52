import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useSharedGateway } from '../helpers/gateway.js';
import {
  customerGid,
  customers,
  errorsOf,
  locationGid,
  locations,
  wifiNodeGid,
} from '../helpers/fixtures.js';

/**
 * Ids are checked as received, before any upstream call: whitespace anywhere in a raw id, in a global ID
 * or in the ids inside one is an input error, and so is a malformed Customer global ID (never passed on as
 * a raw id). Queries answer BAD_USER_INPUT, mutations InputValidationError.
 */

const Customer = graphql(`
  query IdsCustomer($id: ID!) {
    customer(id: $id) {
      customerId
    }
  }
`);

const Customers = graphql(`
  query IdsCustomers($ids: [ID!]!) {
    customers(ids: $ids) {
      customerId
    }
  }
`);

const Node = graphql(`
  query IdsNode($id: ID!) {
    node(id: $id) {
      id
    }
  }
`);

const Nodes = graphql(`
  query IdsNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
    }
  }
`);

graphql(`
  fragment IdsRejection on Error {
    code
    ... on InputValidationError {
      issues {
        path
      }
    }
  }
`);

/** Every mutation that takes a Location global ID, all given the same one. */
const LocationMutations = graphql(`
  mutation IdsLocationMutations($locationId: ID!) {
    unclaimNode(input: { locationId: $locationId, serialNumber: "AA11000001" }) {
      __typename
      ...IdsRejection
    }
    archiveLocation(input: { locationId: $locationId }) {
      __typename
      ...IdsRejection
    }
    setServiceLevel(input: { locationId: $locationId, level: FULL_SERVICE }) {
      __typename
      ...IdsRejection
    }
    cancelServices(input: { locationId: $locationId }) {
      __typename
      ...IdsRejection
    }
  }
`);

const UnclaimNode = graphql(`
  mutation IdsUnclaimNode($serialNumber: String!) {
    unclaimNode(
      input: {
        # Ada's Home
        locationId: "TG9jYXRpb246NjUwMDAwMDAwMDAwMDAwMDAwMDAwMDAxOjY2MDAwMDAwMDAwMDAwMDAwMDAwMDEwMQ=="
        serialNumber: $serialNumber
      }
    ) {
      __typename
      ...IdsRejection
    }
  }
`);

/** Every mutation that takes a customer id, all given the same one. */
const CustomerMutations = graphql(`
  mutation IdsCustomerMutations($customerId: ID!) {
    reduceSubAccountServices(input: { customerId: $customerId, skuRemovals: [{ sku: "SKU-00000195" }] }) {
      __typename
      ...IdsRejection
    }
    cancelAllSubAccountServices(input: { customerId: $customerId }) {
      __typename
      ...IdsRejection
    }
    deleteCustomer(input: { customerId: $customerId }) {
      __typename
      ...IdsRejection
    }
  }
`);

const { ada } = customerIds;
const home = locationIds.adaHome;
const serial = 'AA11000001';

const WHITESPACE = {
  space: ' ',
  tab: '\t',
  CR: '\r',
  LF: '\n',
  NBSP: '\u00a0',
  'U+2028': '\u2028',
  'U+3000': '\u3000',
  BOM: '\ufeff',
};

/** `value` with `ch` before it, inside it and after it. */
const around = (value: string, ch: string) => [
  ch + value,
  value.slice(0, 4) + ch + value.slice(4),
  value + ch,
];

/** Ids with `ch` in them: around and inside raw ids, global IDs, and each id inside a global ID. */
function spoiled(ch: string) {
  return {
    rawCustomer: around(ada, ch),
    customerGlobal: [...around(customers.ada, ch), ...around(ada, ch).map(customerGid)],
    locationGlobal: [
      ...around(locations.adaHome, ch),
      ...around(ada, ch).map((c) => locationGid(c, home)),
      ...around(home, ch).map((l) => locationGid(ada, l)),
    ],
    wifiNodeGlobal: [
      ...around(wifiNodeGid(ada, home, serial), ch),
      ...around(ada, ch).map((c) => wifiNodeGid(c, home, serial)),
      ...around(home, ch).map((l) => wifiNodeGid(ada, l, serial)),
      ...around(serial, ch).map((s) => wifiNodeGid(ada, home, s)),
    ],
    serial: around(serial, ch),
  };
}

/** Customer global IDs that are malformed inside, though valid base64 (`Customer:a:b` has no padding). */
const malformedCustomerGlobalIds = [
  encodeGlobalID('Customer', 'bad id'),
  encodeGlobalID('Customer', 'a:b'),
  encodeGlobalID('Customer', 'a/b'),
  encodeGlobalID('Customer', '..'),
  encodeGlobalID('Customer', `${ada}:${home}`),
];

const rejected = (field: string) => ({
  __typename: 'InputValidationError',
  code: 'INPUT_VALIDATION',
  issues: [{ path: ['input', field] }],
});

describe('ids are checked as received', () => {
  const gateway = useSharedGateway();

  /** Runs `check` on each id, then asserts that none of them reached either backend. */
  async function noUpstreamCall(ids: string[], check: (id: string) => Promise<void>) {
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) await check(id);
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
  }

  it('reads the unspoiled ids, so the rejections below are about the whitespace', async () => {
    for (const id of [ada, customers.ada]) {
      expect((await gateway().execute(Customer, { id })).data).toEqual({ customer: { customerId: ada } });
    }
    const ids = [customers.ada, locations.adaHome, wifiNodeGid(ada, home, serial)];
    expect((await gateway().execute(Nodes, { ids })).data).toEqual({ nodes: ids.map((id) => ({ id })) });
    expect(gateway().upstreamCalls().plume).toBeGreaterThan(0);
  });

  describe.each(Object.entries(WHITESPACE))('%s', (_, ch) => {
    const ids = spoiled(ch);

    it('in customer(id:) and customers(ids:), raw or global: BAD_USER_INPUT', async () => {
      await noUpstreamCall([...ids.rawCustomer, ...ids.customerGlobal], async (id) => {
        const one = await gateway().execute(Customer, { id });
        expect(one.data, JSON.stringify(id)).toEqual({ customer: null });
        expect(errorsOf(one)).toEqual([{ path: ['customer'], code: 'BAD_USER_INPUT' }]);
        const many = await gateway().execute(Customers, { ids: [ada, id] });
        expect(errorsOf(many), JSON.stringify(id)).toEqual([{ path: ['customers'], code: 'BAD_USER_INPUT' }]);
      });
    });

    it('in node(id:) and nodes(ids:), for every node type: BAD_USER_INPUT', async () => {
      const globals = [...ids.customerGlobal, ...ids.locationGlobal, ...ids.wifiNodeGlobal];
      await noUpstreamCall(globals, async (id) => {
        const one = await gateway().execute(Node, { id });
        expect(one.data, JSON.stringify(id)).toEqual({ node: null });
        expect(errorsOf(one)).toEqual([{ path: ['node'], code: 'BAD_USER_INPUT' }]);
        const many = await gateway().execute(Nodes, { ids: [locations.adaHome, id, customers.ada] });
        expect(many.data, JSON.stringify(id)).toBeNull();
        expect(errorsOf(many)).toEqual([{ path: ['nodes'], code: 'BAD_USER_INPUT' }]);
      });
    });

    it('in the location ids and serials of mutation inputs: InputValidationError', async () => {
      await noUpstreamCall(ids.locationGlobal, async (locationId) => {
        const { data } = await gateway().execute(LocationMutations, { locationId });
        expect(data, JSON.stringify(locationId)).toEqual({
          unclaimNode: rejected('locationId'),
          archiveLocation: rejected('locationId'),
          setServiceLevel: rejected('locationId'),
          cancelServices: rejected('locationId'),
        });
      });
      await noUpstreamCall(ids.serial, async (serialNumber) => {
        const { data } = await gateway().execute(UnclaimNode, { serialNumber });
        expect(data, JSON.stringify(serialNumber)).toEqual({ unclaimNode: rejected('serialNumber') });
      });
    });

    it('in the customer ids of mutation inputs, raw or global: InputValidationError', async () => {
      await noUpstreamCall([...ids.rawCustomer, ...ids.customerGlobal], async (customerId) => {
        const { data } = await gateway().execute(CustomerMutations, { customerId });
        expect(data, JSON.stringify(customerId)).toEqual({
          reduceSubAccountServices: rejected('customerId'),
          cancelAllSubAccountServices: rejected('customerId'),
          deleteCustomer: rejected('customerId'),
        });
      });
    });
  });

  describe('a malformed Customer global ID is an input error, never a raw id', () => {
    it('in customer(id:), customers(ids:) and node(id:): BAD_USER_INPUT', async () => {
      await noUpstreamCall(malformedCustomerGlobalIds, async (id) => {
        expect(errorsOf(await gateway().execute(Customer, { id })), id).toEqual([
          { path: ['customer'], code: 'BAD_USER_INPUT' },
        ]);
        expect(errorsOf(await gateway().execute(Customers, { ids: [id] })), id).toEqual([
          { path: ['customers'], code: 'BAD_USER_INPUT' },
        ]);
        expect(errorsOf(await gateway().execute(Node, { id })), id).toEqual([
          { path: ['node'], code: 'BAD_USER_INPUT' },
        ]);
      });
    });

    it('in mutation inputs: InputValidationError', async () => {
      await noUpstreamCall(malformedCustomerGlobalIds, async (customerId) => {
        const { data } = await gateway().execute(CustomerMutations, { customerId });
        expect(data?.deleteCustomer, customerId).toEqual(rejected('customerId'));
      });
    });

    it("another type's global ID where a customer is asked for: BAD_USER_INPUT", async () => {
      await noUpstreamCall([locations.adaHome, wifiNodeGid(ada, home, serial)], async (id) => {
        expect(errorsOf(await gateway().execute(Customer, { id })), id).toEqual([
          { path: ['customer'], code: 'BAD_USER_INPUT' },
        ]);
      });
    });
  });
});
