import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { customerIds, locationIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import type { CancelServicesInput, ReduceSubAccountServicesInput } from '../gql/graphql.js';
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

/**
 * The three services contract operations through the graph, over HTTP, against both simulators. Refusals,
 * in every error style of the simulator: services-error-styles.test.ts.
 */

const CancelServices = graphql(`
  mutation SmCancelServices($input: CancelServicesInput!) {
    cancelServices(input: $input) {
      __typename
      ... on CancelServicesSuccess {
        stoppedServices {
          ...ServiceFields
        }
        location {
          locationId
          activeServices: services {
            totalCount
            edges {
              node {
                serviceId
                status
              }
            }
          }
        }
      }
      ...ErrorOutcome
    }
  }
`);

const ReduceSubAccountServices = graphql(`
  mutation SmReduceSubAccountServices($input: ReduceSubAccountServicesInput!) {
    reduceSubAccountServices(input: $input) {
      __typename
      ... on ReduceSubAccountServicesSuccess {
        customer {
          customerId
          subAccountId
        }
        services {
          ...ServiceFields
        }
      }
      ...ErrorOutcome
    }
  }
`);

const CancelAllSubAccountServices = graphql(`
  mutation SmCancelAllSubAccountServices($input: CancelAllSubAccountServicesInput!) {
    cancelAllSubAccountServices(input: $input) {
      __typename
      ... on CancelAllSubAccountServicesSuccess {
        customer {
          customerId
          activeServices: services {
            totalCount
          }
        }
        services {
          ...ServiceFields
        }
      }
      ...ErrorOutcome
    }
  }
`);

const CancelAllStopOn = graphql(`
  mutation SmCancelAllStopOn($input: CancelAllSubAccountServicesInput!) {
    cancelAllSubAccountServices(input: $input) {
      ... on CancelAllSubAccountServicesSuccess {
        services {
          serviceId
          stopOnDate
        }
      }
    }
  }
`);

const LocationServices = graphql(`
  query SmLocationServices($id: ID!) {
    node(id: $id) {
      ... on Location {
        services(status: ALL, first: 10) {
          edges {
            node {
              serviceId
              status
              stoppedOn
            }
          }
        }
      }
    }
  }
`);

/** The simulator's clock is fixed per test, so `stopped` (its current UTC date) is known. */
const NOW = '2026-03-14T23:30:00.000Z';
const TODAY = '2026-03-14';
const NO_CALLS = { plume: 0, services: 0 };

let gw: TestGateway;
beforeEach(async () => {
  vi.setSystemTime(new Date(NOW));
  gw = await startTestGateway();
});
afterEach(async () => {
  const logs = gw.logs.join('\n');
  await gw.close();
  vi.useRealTimers();
  for (const secret of secrets) expect(logs).not.toContain(secret);
});

const services = () => gw.sandbox.services.state;
const locationStatuses = (locationId: string) =>
  services()
    .listLocationServices({ locationId, status: 'ALL' })
    .services.map((s) => [s.id, s.status]);
const subAccountServices = (subAccountId: string) =>
  services()
    .listSubAccountServices({ subAccountId, status: 'ALL' })
    .services.map((s) => [s.id, s.status, s.serviceQuantity]);

describe('cancelServices (contract: Services: Cancel (Location))', () => {
  const cancel = (input: CancelServicesInput, token: string | null = tokens.admin) =>
    gw.execute(CancelServices, { input }, { token });

  it('stops every active service of the location when no skus are given', async () => {
    const { data, errors } = await cancel({ locationId: locations.adaCottage }, tokens.ada);

    expect(errors).toBeUndefined();
    expect(data?.cancelServices).toEqual({
      __typename: 'CancelServicesSuccess',
      stoppedServices: [
        {
          serviceId: 8150,
          sku: 'SKU-00000167',
          agreementId: 1588,
          locationId: locationIds.adaCottage,
          status: 'STOPPED',
          stoppedOn: TODAY,
        },
        {
          serviceId: 8151,
          sku: 'SKU-00000171',
          agreementId: 1588,
          locationId: locationIds.adaCottage,
          status: 'STOPPED',
          stoppedOn: TODAY,
        },
      ],
      location: { locationId: locationIds.adaCottage, activeServices: { totalCount: 0, edges: [] } },
    });
    expect(locationStatuses(locationIds.adaCottage)).toEqual([
      [8150, 'STOPPED'],
      [8151, 'STOPPED'],
      [8152, 'STOPPED'],
    ]);
  });

  it('stops only the given skus, and a later read lists the rest as ACTIVE', async () => {
    const { data } = await cancel({ locationId: locations.linusHome, skus: ['SKU-00000171'] });

    const result = expectTypename(data?.cancelServices, 'CancelServicesSuccess');
    expect(result.stoppedServices).toEqual([
      {
        serviceId: 8158,
        sku: 'SKU-00000171',
        agreementId: 1588,
        locationId: locationIds.linusHome,
        status: 'STOPPED',
        stoppedOn: TODAY,
      },
    ]);
    expect(result.location.activeServices?.edges.map((e) => e.node)).toEqual([
      { serviceId: 8157, status: 'ACTIVE' },
      { serviceId: 8159, status: 'ACTIVE' },
    ]);

    const after = await gw.execute(LocationServices, { id: locations.linusHome });
    expect(after.data?.node).toEqual({
      services: {
        edges: [
          { node: { serviceId: 8157, status: 'ACTIVE', stoppedOn: null } },
          { node: { serviceId: 8158, status: 'STOPPED', stoppedOn: TODAY } },
          { node: { serviceId: 8159, status: 'ACTIVE', stoppedOn: null } },
          { node: { serviceId: 8160, status: 'STOPPED', stoppedOn: '2023-08-01' } },
        ],
      },
    });
  });

  it('stops only the services under the given agreementId', async () => {
    const { data } = await cancel({ locationId: locations.linusHome, agreementId: 1601 });

    const result = expectTypename(data?.cancelServices, 'CancelServicesSuccess');
    expect(result.stoppedServices).toEqual([
      {
        serviceId: 8159,
        sku: 'SKU-00000170',
        agreementId: 1601,
        locationId: locationIds.linusHome,
        status: 'STOPPED',
        stoppedOn: TODAY,
      },
    ]);
    expect(result.location.activeServices).toEqual({
      totalCount: 2,
      edges: [
        { node: { serviceId: 8157, status: 'ACTIVE' } },
        { node: { serviceId: 8158, status: 'ACTIVE' } },
      ],
    });
  });

  it('returns NoActiveServicesError when the location has nothing active left', async () => {
    expectTypename(
      (await cancel({ locationId: locations.graceApartment })).data?.cancelServices,
      'CancelServicesSuccess',
    );

    const { data } = await cancel({ locationId: locations.graceApartment });

    expect(data?.cancelServices).toEqual({
      __typename: 'NoActiveServicesError',
      code: 'NO_ACTIVE_SERVICES',
      message: expect.any(String),
    });
  });

  it('returns NoActiveServicesError for a sku the location does not have, and stops nothing', async () => {
    const { data } = await cancel({ locationId: locations.graceApartment, skus: ['SKU-99999999'] });

    expectTypename(data?.cancelServices, 'NoActiveServicesError');
    expect(locationStatuses(locationIds.graceApartment)).toEqual([
      [8155, 'ACTIVE'],
      [8156, 'ACTIVE'],
    ]);
  });

  it('returns NotFoundError naming the LOCATION, without a services call, for an unknown location', async () => {
    const unknown = '660000000000000000000999';
    const { data } = await cancel({ locationId: locationGid(customerIds.ada, unknown) });

    expect(expectTypename(data?.cancelServices, 'NotFoundError')).toMatchObject({
      resource: 'LOCATION',
      id: unknown,
    });
    expect(gw.upstreamCalls().services).toBe(0);
  });

  it.each([
    ['an empty skus list', { skus: [] }, ['input', 'skus']],
    ['more than 1000 skus', { skus: Array.from({ length: 1001 }, (_, i) => `SKU-${i}`) }, ['input', 'skus']],
    ['agreementId 0', { agreementId: 0 }, ['input', 'agreementId']],
    ['a negative agreementId', { agreementId: -1588 }, ['input', 'agreementId']],
    ['an empty sku', { skus: [''] }, ['input', 'skus', '0']],
  ])('returns InputValidationError without any upstream call for %s', async (_, fields, path) => {
    const { data } = await cancel({ locationId: locations.graceApartment, ...fields });

    const result = expectTypename(data?.cancelServices, 'InputValidationError');
    expect(result.issues.map((issue) => issue.path)).toEqual([path]);
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
    expect(locationStatuses(locationIds.graceApartment)).toEqual([
      [8155, 'ACTIVE'],
      [8156, 'ACTIVE'],
    ]);
  });

  it('returns InputValidationError without any upstream call for a Customer global ID as locationId', async () => {
    const { data } = await cancel({ locationId: customers.grace });

    expectTypename(data?.cancelServices, 'InputValidationError');
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });
});

describe('reduceSubAccountServices (contract: Services: Cancel (Account))', () => {
  const reduce = (input: ReduceSubAccountServicesInput, token: string | null = tokens.admin) =>
    gw.execute(ReduceSubAccountServices, { input }, { token });

  it('decreases a quantity and keeps the service ACTIVE', async () => {
    const { data, errors } = await reduce(
      { customerId: customers.ada, skuRemovals: [{ sku: 'SKU-00000195', quantity: 2 }] },
      tokens.ada,
    );

    expect(errors).toBeUndefined();
    expect(data?.reduceSubAccountServices).toEqual({
      __typename: 'ReduceSubAccountServicesSuccess',
      customer: { customerId: customerIds.ada, subAccountId: 'ACC-1001' },
      services: [
        {
          serviceId: 9000,
          sku: 'SKU-00000195',
          agreementId: 1588,
          quantity: 1,
          status: 'ACTIVE',
          stoppedOn: null,
          subAccountId: 'ACC-1001',
        },
      ],
    });
    expect(subAccountServices('ACC-1001')).toContainEqual([9000, 'ACTIVE', 1]);
  });

  it('stops a service whose quantity reaches 0', async () => {
    const { data } = await reduce({
      customerId: customers.ada,
      skuRemovals: [{ sku: 'SKU-00000197', quantity: 2 }],
    });

    expect(
      expectTypename(data?.reduceSubAccountServices, 'ReduceSubAccountServicesSuccess').services,
    ).toEqual([
      {
        serviceId: 9002,
        sku: 'SKU-00000197',
        agreementId: 1601,
        quantity: 0,
        status: 'STOPPED',
        stoppedOn: TODAY,
        subAccountId: 'ACC-1001',
      },
    ]);
    expect(subAccountServices('ACC-1001')).toContainEqual([9002, 'STOPPED', 0]);
  });

  it('removes one unit of each sku given without a quantity', async () => {
    const { data } = await reduce({
      customerId: customerIds.ada,
      skuRemovals: [{ sku: 'SKU-00000195' }, { sku: 'SKU-00000196' }],
    });

    expect(
      expectTypename(data?.reduceSubAccountServices, 'ReduceSubAccountServicesSuccess').services,
    ).toEqual([
      {
        serviceId: 9000,
        sku: 'SKU-00000195',
        agreementId: 1588,
        quantity: 2,
        status: 'ACTIVE',
        stoppedOn: null,
        subAccountId: 'ACC-1001',
      },
      {
        serviceId: 9001,
        sku: 'SKU-00000196',
        agreementId: 1588,
        quantity: 0,
        status: 'STOPPED',
        stoppedOn: TODAY,
        subAccountId: 'ACC-1001',
      },
    ]);
    expect(subAccountServices('ACC-1001')).toEqual([
      [9000, 'ACTIVE', 2],
      [9001, 'STOPPED', 0],
      [9002, 'ACTIVE', 2],
      [9003, 'STOPPED', 1],
    ]);
  });

  it('returns NoActiveServicesError when no given sku is active on the sub-account', async () => {
    const { data } = await reduce({ customerId: customers.ada, skuRemovals: [{ sku: 'SKU-00000210' }] });

    expect(data?.reduceSubAccountServices).toEqual({
      __typename: 'NoActiveServicesError',
      code: 'NO_ACTIVE_SERVICES',
      message: expect.any(String),
    });
    expect(subAccountServices('ACC-1001')).toContainEqual([9003, 'STOPPED', 1]);
  });

  it.each([
    ['quantity 0', [{ sku: 'SKU-00000195', quantity: 0 }], ['input', 'skuRemovals', '0', 'quantity']],
    ['quantity -1', [{ sku: 'SKU-00000195', quantity: -1 }], ['input', 'skuRemovals', '0', 'quantity']],
    ['an empty skuRemovals list', [], ['input', 'skuRemovals']],
    ['an empty sku', [{ sku: '' }], ['input', 'skuRemovals', '0', 'sku']],
  ])('returns InputValidationError without any upstream call for %s', async (_, skuRemovals, path) => {
    const { data } = await reduce({ customerId: customers.ada, skuRemovals });

    const result = expectTypename(data?.reduceSubAccountServices, 'InputValidationError');
    expect(result.issues.map((issue) => issue.path)).toEqual([path]);
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
    expect(subAccountServices('ACC-1001')).toContainEqual([9000, 'ACTIVE', 3]);
  });
});

describe('cancelAllSubAccountServices (contract: Services: Cancel All (Account))', () => {
  const cancelAll = (customerId: string, token: string | null = tokens.admin) =>
    gw.execute(CancelAllSubAccountServices, { input: { customerId } }, { token });

  it('stops every active service of the sub-account, keeping their quantities', async () => {
    const { data, errors } = await cancelAll(customers.ada, tokens.ada);

    expect(errors).toBeUndefined();
    expect(data?.cancelAllSubAccountServices).toEqual({
      __typename: 'CancelAllSubAccountServicesSuccess',
      customer: { customerId: customerIds.ada, activeServices: { totalCount: 0 } },
      services: [
        {
          serviceId: 9000,
          sku: 'SKU-00000195',
          agreementId: 1588,
          quantity: 3,
          status: 'STOPPED',
          stoppedOn: TODAY,
          subAccountId: 'ACC-1001',
        },
        {
          serviceId: 9001,
          sku: 'SKU-00000196',
          agreementId: 1588,
          quantity: 1,
          status: 'STOPPED',
          stoppedOn: TODAY,
          subAccountId: 'ACC-1001',
        },
        {
          serviceId: 9002,
          sku: 'SKU-00000197',
          agreementId: 1601,
          quantity: 2,
          status: 'STOPPED',
          stoppedOn: TODAY,
          subAccountId: 'ACC-1001',
        },
      ],
    });
  });

  it("passes on each item's stopOnDate, null when the backend leaves it empty", async () => {
    const item = (id: number, stopOnDate: string) => ({
      id,
      subAccountId: 'ACC-1001',
      agreementId: 1588,
      sku: 'SKU-00000195',
      serviceDescription: 'Answers Experience',
      serviceQuantity: 1,
      status: 'ACTIVE',
      started: '2021-01-10',
      stopOnDate,
    });
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelallsubaccountservices`,
      status: 200,
      body: JSON.stringify({
        meta: { uuid: 'u', errors: [] },
        response: [item(9000, '2026-04-30'), item(9001, '')],
      }),
    });

    const { data } = await gw.execute(CancelAllStopOn, { input: { customerId: customers.ada } });

    expect(data?.cancelAllSubAccountServices).toEqual({
      services: [
        { serviceId: 9000, stopOnDate: '2026-04-30' },
        { serviceId: 9001, stopOnDate: null },
      ],
    });
  });

  it('returns NoActiveServicesError the second time', async () => {
    expectTypename(
      (await cancelAll(customers.ada)).data?.cancelAllSubAccountServices,
      'CancelAllSubAccountServicesSuccess',
    );

    const { data } = await cancelAll(customers.ada);

    expect(data?.cancelAllSubAccountServices).toEqual({
      __typename: 'NoActiveServicesError',
      code: 'NO_ACTIVE_SERVICES',
      message: expect.any(String),
    });
  });

  it('returns NotFoundError naming the CUSTOMER, without a services call, for a deleted customer', async () => {
    gw.sandbox.plume.state.deleteCustomer(tokens.admin, customerIds.linus);

    const { data } = await cancelAll(customers.linus);

    expect(expectTypename(data?.cancelAllSubAccountServices, 'NotFoundError')).toMatchObject({
      resource: 'CUSTOMER',
      id: customerIds.linus,
    });
    expect(gw.upstreamCalls().services).toBe(0);
  });
});

describe("scope: the services backend has none, so the caller's WiFi cloud token decides", () => {
  it("returns NotAuthorizedError for cancelServices on another customer's location, with zero services requests", async () => {
    const { data } = await gw.execute(
      CancelServices,
      { input: { locationId: locations.graceApartment } },
      { token: tokens.ada },
    );

    expectTypename(data?.cancelServices, 'NotAuthorizedError');
    expect(gw.sandbox.services.control.requests.length).toBe(0);
    expect(locationStatuses(locationIds.graceApartment)).toEqual([
      [8155, 'ACTIVE'],
      [8156, 'ACTIVE'],
    ]);
  });

  it('returns NotAuthorizedError for cancelAllSubAccountServices on another customer, with zero services requests', async () => {
    const { data } = await gw.execute(
      CancelAllSubAccountServices,
      { input: { customerId: customers.grace } },
      { token: tokens.ada },
    );

    expectTypename(data?.cancelAllSubAccountServices, 'NotAuthorizedError');
    expect(gw.sandbox.services.control.requests.length).toBe(0);
    expect(subAccountServices('ACC-1002')).toEqual([
      [9004, 'ACTIVE', 1],
      [9005, 'STOPPED', 2],
    ]);
  });

  it('returns NotAuthorizedError for reduceSubAccountServices on another customer, with zero services requests', async () => {
    const { data } = await gw.execute(
      ReduceSubAccountServices,
      { input: { customerId: customerIds.grace, skuRemovals: [{ sku: 'SKU-00000195' }] } },
      { token: tokens.ada },
    );

    expectTypename(data?.reduceSubAccountServices, 'NotAuthorizedError');
    expect(gw.sandbox.services.control.requests.length).toBe(0);
    expect(subAccountServices('ACC-1002')).toContainEqual([9004, 'ACTIVE', 1]);
  });

  it('returns NotAuthorizedError without any upstream call when no token is sent', async () => {
    const { data } = await gw.execute(
      CancelServices,
      { input: { locationId: locations.graceApartment } },
      { token: null },
    );

    expectTypename(data?.cancelServices, 'NotAuthorizedError');
    expect(gw.upstreamCalls()).toEqual(NO_CALLS);
  });

  it('returns NotAuthorizedError for an admin token whose scope leaves the customer out', async () => {
    const { data } = await gw.execute(
      CancelAllSubAccountServices,
      { input: { customerId: customerGid(customerIds.ada) } },
      { token: tokens.partner },
    );

    expectTypename(data?.cancelAllSubAccountServices, 'NotAuthorizedError');
    expect(gw.sandbox.services.control.requests.length).toBe(0);
  });
});
