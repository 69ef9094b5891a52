import { offsetToCursor } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import type { ConnectionsLocationServicesQueryVariables, ServiceStatusFilter } from '../gql/graphql.js';
import { useSharedGateway } from '../helpers/gateway.js';
import { listSubAccountServices } from '../sandbox/services-client.js';
import { expectTypename, locations, present } from '../helpers/fixtures.js';

const LocationServices = graphql(`
  query ConnectionsLocationServices(
    $id: ID!
    $first: Int
    $after: String
    $last: Int
    $before: String
    $status: ServiceStatusFilter
    $sku: String
    $agreementId: Int
  ) {
    node(id: $id) {
      __typename
      ... on Location {
        services(
          first: $first
          after: $after
          last: $last
          before: $before
          status: $status
          sku: $sku
          agreementId: $agreementId
        ) {
          totalCount
          pageInfo {
            hasNextPage
            hasPreviousPage
            startCursor
            endCursor
          }
          edges {
            cursor
            node {
              ...ServiceFields
            }
          }
        }
      }
    }
  }
`);

const CustomerServices = graphql(`
  query ConnectionsCustomerServices(
    $id: ID!
    $first: Int
    $after: String
    $status: ServiceStatusFilter
    $sku: String
    $agreementId: Int
  ) {
    customer(id: $id) {
      subAccountId
      services(first: $first, after: $after, status: $status, sku: $sku, agreementId: $agreementId) {
        totalCount
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
        edges {
          cursor
          node {
            ...ServiceFields
          }
        }
      }
    }
  }
`);

type LocationArgs = Omit<ConnectionsLocationServicesQueryVariables, 'id'>;

const HOME = locationIds.adaHome;

describe('Location.services on a location with more than 100 services', () => {
  const gateway = useSharedGateway();

  /** One page of Ada's Home services, failing the test on any error. */
  async function homeServices(args: LocationArgs = {}) {
    const response = await gateway().execute(LocationServices, { id: locations.adaHome, ...args });
    expect(response.errors).toBeUndefined();
    return present(expectTypename(response.data?.node, 'Location').services);
  }

  /** The simulator's own answer for the same filter: every match, ordered by id. */
  function simulatorIds(filter: { status?: ServiceStatusFilter; sku?: string; agreementId?: number } = {}) {
    const page = gateway().sandbox.services.state.listLocationServices({
      locationId: HOME,
      ...filter,
      limit: 1000,
    });
    return { count: page.count, ids: page.services.map((s) => s.id) };
  }

  /** The query of each list call the services backend served, without the constant `v`. */
  const listQueries = () =>
    gateway().sandbox.services.control.requests.map(({ query: { v: _, ...query } }) => query);

  const idsOf = (connection: { edges: Array<{ node: { serviceId: number } }> }) =>
    connection.edges.map((e) => e.node.serviceId);

  it('answers a default page of 100 active services with the total count', async () => {
    const services = await homeServices();
    const expected = simulatorIds();
    expect(expected.count).toBe(135);
    expect(services.totalCount).toBe(135);
    expect(idsOf(services)).toEqual(expected.ids.slice(0, 100));
    expect(services.edges.every((e) => e.node.status === 'ACTIVE' && e.node.locationId === HOME)).toBe(true);
    expect(services.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: services.edges[0]?.cursor,
      endCursor: services.edges[99]?.cursor,
    });
    expect(listQueries()).toEqual([{ locationId: HOME, status: 'ACTIVE', limit: '100', offset: '0' }]);
  });

  it('continues after the last cursor of the default page to the end', async () => {
    const first = await homeServices();
    const rest = await homeServices({ first: 50, after: first.pageInfo.endCursor });
    expect(idsOf(rest)).toEqual(simulatorIds().ids.slice(100));
    expect(rest.totalCount).toBe(135);
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(listQueries().map((q) => [q.limit, q.offset])).toEqual([
      ['100', '0'],
      ['50', '100'],
    ]);
  });

  it('walks every active service in pages of 40 without gaps or duplicates', async () => {
    const pages: Awaited<ReturnType<typeof homeServices>>[] = [];
    let after: string | null | undefined;
    do {
      const page = await homeServices({ first: 40, after });
      pages.push(page);
      after = page.pageInfo.endCursor;
    } while (pages.at(-1)!.pageInfo.hasNextPage && pages.length < 10);

    expect(pages.map((p) => p.edges.length)).toEqual([40, 40, 40, 15]);
    expect(pages.map((p) => [p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage])).toEqual([
      [false, true],
      [true, true],
      [true, true],
      [true, false],
    ]);
    const walked = pages.flatMap(idsOf);
    expect(new Set(walked).size).toBe(walked.length);
    const cursors = pages.flatMap((p) => p.edges.map((e) => e.cursor));
    expect(new Set(cursors).size).toBe(cursors.length);

    const whole = await homeServices({ first: 1000 });
    expect(whole.edges).toHaveLength(135);
    expect(whole.pageInfo.hasNextPage).toBe(false);
    expect(walked).toEqual(idsOf(whole));
    expect(walked).toEqual(simulatorIds().ids);

    expect(listQueries().map((q) => [q.limit, q.offset])).toEqual([
      ['40', '0'],
      ['40', '40'],
      ['40', '80'],
      ['40', '120'],
      ['1000', '0'],
    ]);
  });

  it.each<{ name: string; args: LocationArgs; count: number }>([
    { name: 'status ALL', args: { status: 'ALL' }, count: 150 },
    { name: 'status STOPPED', args: { status: 'STOPPED' }, count: 15 },
    { name: 'a SKU', args: { sku: 'SKU-00000168' }, count: 45 },
    { name: 'an agreement', args: { agreementId: 1601 }, count: 45 },
    {
      name: 'all three together',
      args: { status: 'ALL', sku: 'SKU-00000171', agreementId: 1601 },
      count: 17,
    },
  ])('filters by $name as the services backend does', async ({ args, count }) => {
    const services = await homeServices({ first: 1000, ...args });
    const expected = simulatorIds({
      sku: args.sku ?? undefined,
      agreementId: args.agreementId ?? undefined,
      status: args.status ?? undefined,
    });
    expect(expected.count).toBe(count);
    expect(services.totalCount).toBe(count);
    expect(idsOf(services)).toEqual(expected.ids);
    for (const { node } of services.edges) {
      if (args.sku) expect(node.sku).toBe(args.sku);
      if (args.agreementId) expect(node.agreementId).toBe(args.agreementId);
      if (args.status === 'STOPPED') expect(node.stoppedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(listQueries()).toEqual([
      {
        locationId: HOME,
        status: args.status ?? 'ACTIVE',
        ...(args.sku ? { sku: args.sku } : {}),
        ...(args.agreementId ? { agreementId: String(args.agreementId) } : {}),
        limit: '1000',
        offset: '0',
      },
    ]);
  });

  it('answers first: 0 with the total count and no edges', async () => {
    const services = await homeServices({ first: 0 });
    expect(services).toEqual({
      totalCount: 135,
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('answers an empty last page after the final cursor', async () => {
    const services = await homeServices({ first: 10, after: offsetToCursor(134) });
    expect(services.edges).toEqual([]);
    expect(services.totalCount).toBe(135);
    expect(services.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it.each<{ name: string; args: LocationArgs }>([
    { name: 'first: 1001', args: { first: 1001 } },
    { name: 'first: -1', args: { first: -1 } },
    { name: 'a garbage after', args: { after: 'garbage' } },
    { name: 'an after that is not an offset', args: { after: offsetToCursor(-5) } },
    { name: 'last', args: { last: 5 } },
    { name: 'before', args: { before: offsetToCursor(10) } },
  ])('rejects $name as BAD_USER_INPUT without calling the services backend', async ({ args }) => {
    const response = await gateway().execute(LocationServices, { id: locations.adaHome, ...args });
    // Only the connection is null: the location itself still reads.
    expect(response.data).toEqual({ node: { __typename: 'Location', services: null } });
    expect(response.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual([
      { path: ['node', 'services'], code: 'BAD_USER_INPUT' },
    ]);
    expect(gateway().upstreamCalls().services).toBe(0);
  });
});

describe('Customer.services', () => {
  const gateway = useSharedGateway();

  /** Ada's sub-account services, failing the test on any error. */
  async function adaServices(args: Omit<LocationArgs, 'last' | 'before'> = {}) {
    const response = await gateway().execute(CustomerServices, { id: customerIds.ada, ...args });
    expect(response.errors).toBeUndefined();
    const customer = present(response.data?.customer);
    expect(customer.subAccountId).toBe('ACC-1001');
    return present(customer.services);
  }

  it("lists the customer's active sub-account services by default", async () => {
    const services = await adaServices();
    expect(services.totalCount).toBe(3);
    expect(services.edges.map((e) => e.node)).toEqual([
      {
        serviceId: 9000,
        sku: 'SKU-00000195',
        agreementId: 1588,
        subAccountId: 'ACC-1001',
        quantity: 3,
        status: 'ACTIVE',
        stoppedOn: null,
      },
      {
        serviceId: 9001,
        sku: 'SKU-00000196',
        agreementId: 1588,
        subAccountId: 'ACC-1001',
        quantity: 1,
        status: 'ACTIVE',
        stoppedOn: null,
      },
      {
        serviceId: 9002,
        sku: 'SKU-00000197',
        agreementId: 1601,
        subAccountId: 'ACC-1001',
        quantity: 2,
        status: 'ACTIVE',
        stoppedOn: null,
      },
    ]);
    expect(services.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it.each<{
    name: string;
    args: { status?: ServiceStatusFilter; sku?: string; agreementId?: number };
    ids: number[];
  }>([
    { name: 'status ALL', args: { status: 'ALL' }, ids: [9000, 9001, 9002, 9003] },
    { name: 'status STOPPED', args: { status: 'STOPPED' }, ids: [9003] },
    { name: 'a SKU', args: { sku: 'SKU-00000196' }, ids: [9001] },
    { name: 'an agreement', args: { agreementId: 1601 }, ids: [9002] },
  ])('filters by $name as the services backend does', async ({ args, ids }) => {
    const direct = await listSubAccountServices(gateway().sandbox.services, {
      subAccountId: 'ACC-1001',
      ...args,
    });
    expect(direct.body.response.services.map((s) => s.id)).toEqual(ids);

    const services = await adaServices(args);
    expect(services.totalCount).toBe(direct.body.response.count);
    expect(services.edges.map((e) => e.node.serviceId)).toEqual(ids);
  });

  it('pages forward with first/after and sends the matching limit/offset', async () => {
    gateway().resetCounts();
    const first = await adaServices({ first: 2 });
    expect(first.edges.map((e) => e.node.serviceId)).toEqual([9000, 9001]);
    expect(first.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      endCursor: first.edges[1]?.cursor,
    });

    const second = await adaServices({ first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.serviceId)).toEqual([9002]);
    expect(second.totalCount).toBe(3);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    expect(gateway().sandbox.services.control.requests.map((r) => r.query)).toEqual([
      expect.objectContaining({ subAccountId: 'ACC-1001', status: 'ACTIVE', limit: '2', offset: '0' }),
      expect.objectContaining({ subAccountId: 'ACC-1001', status: 'ACTIVE', limit: '2', offset: '2' }),
    ]);
  });
});
