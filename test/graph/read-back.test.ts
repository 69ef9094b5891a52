import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { customers, locations, tokens } from '../helpers/fixtures.js';

/**
 * Read-back after ambiguity (src/upstream/http/ambiguity.ts), for all seven destructive mutations. The simulator
 * holds the destructive call past the gateway's deadline and then runs the real handler, so the change
 * really happens after the gateway gave up. The gateway must not resend it (exactly one destructive call in
 * the simulator's log) and must answer either the success confirmed by READ_BACK or OutcomeUnknownError.
 *
 * Ordering, not timing, decides each case: with the deadline at DEADLINE, the write held for WRITE_DELAY
 * (> DEADLINE) and the read-back held for READ_DELAY (< DEADLINE, DEADLINE + READ_DELAY > WRITE_DELAY), the
 * read-back can only be answered after the write was applied; without the hold it is answered before.
 */
const DEADLINE = 800;
const WRITE_DELAY = 1_000;
const READ_DELAY = 500;

const UnclaimNode = graphql(`
  mutation RbUnclaimNode($input: UnclaimNodeInput!) {
    unclaimNode(input: $input) {
      __typename
      ... on UnclaimNodeSuccess {
        confirmedBy
        serialNumber
      }
      ...ErrorOutcome
    }
  }
`);

const ArchiveLocation = graphql(`
  mutation RbArchiveLocation($input: ArchiveLocationInput!) {
    archiveLocation(input: $input) {
      __typename
      ... on ArchiveLocationSuccess {
        confirmedBy
        location {
          archived
        }
      }
      ...ErrorOutcome
    }
  }
`);

const DeleteCustomer = graphql(`
  mutation RbDeleteCustomer($input: DeleteCustomerInput!) {
    deleteCustomer(input: $input) {
      __typename
      ... on DeleteCustomerSuccess {
        confirmedBy
        customerId
        count
      }
      ...ErrorOutcome
    }
  }
`);

const SetServiceLevel = graphql(`
  mutation RbSetServiceLevel($input: SetServiceLevelInput!) {
    setServiceLevel(input: $input) {
      __typename
      ... on SetServiceLevelSuccess {
        confirmedBy
        serviceLevel {
          level
        }
      }
      ...ErrorOutcome
    }
  }
`);

const CancelServices = graphql(`
  mutation RbCancelServices($input: CancelServicesInput!) {
    cancelServices(input: $input) {
      __typename
      ... on CancelServicesSuccess {
        confirmedBy
        stoppedServices {
          serviceId
          status
        }
      }
      ...ErrorOutcome
    }
  }
`);

const ReduceSubAccountServices = graphql(`
  mutation RbReduceSubAccountServices($input: ReduceSubAccountServicesInput!) {
    reduceSubAccountServices(input: $input) {
      __typename
      ... on ReduceSubAccountServicesSuccess {
        confirmedBy
      }
      ...ErrorOutcome
    }
  }
`);

const CancelAllSubAccountServices = graphql(`
  mutation RbCancelAllSubAccountServices($input: CancelAllSubAccountServicesInput!) {
    cancelAllSubAccountServices(input: $input) {
      __typename
      ... on CancelAllSubAccountServicesSuccess {
        confirmedBy
        services {
          serviceId
          status
        }
      }
      ...ErrorOutcome
    }
  }
`);

const { ada, linus } = customerIds;
const adaHome = `/api/Customers/${ada}/locations/${locationIds.adaHome}`;
const adaCottage = `/api/Customers/${ada}/locations/${locationIds.adaCottage}`;

type Outcome = { __typename: string; confirmedBy?: string; operation?: string; safeToRetry?: boolean };

interface Case {
  operation: string;
  upstream: 'plume' | 'services';
  /** The destructive call: its method, and its path (a `*` prefix matches the services paths, whatever they are). */
  write: { method: string; path: string };
  /** The GET the read-back makes; absent when no read can tell (a decrease). */
  readBack?: { method: 'GET'; path: string };
  run: (gw: TestGateway) => Promise<Outcome | undefined>;
  /** Whether the simulator shows the change. */
  applied: (gw: TestGateway) => boolean;
  safeToRetry: boolean;
}

const activeAt = (gw: TestGateway, locationId: string) =>
  gw.sandbox.services.state.listLocationServices({ locationId }).count;
const activeOn = (gw: TestGateway, subAccountId: string) =>
  gw.sandbox.services.state.listSubAccountServices({ subAccountId }).count;
const quantityOf = (gw: TestGateway, id: number) =>
  gw.sandbox.services.state
    .listSubAccountServices({ subAccountId: 'ACC-1003', status: 'ALL' })
    .services.find((s) => s.id === id)?.serviceQuantity;

const cases: Case[] = [
  {
    operation: 'unclaimNode',
    upstream: 'plume',
    write: { method: 'DELETE', path: `${adaHome}/nodes/AA11000001` },
    readBack: { method: 'GET', path: `${adaHome}/nodes` },
    run: async (gw) =>
      (
        await gw.execute(UnclaimNode, {
          input: { locationId: locations.adaHome, serialNumber: 'AA11000001' },
        })
      ).data?.unclaimNode,
    applied: (gw) => !gw.sandbox.plume.state.inspectCustomer(ada)?.claimedSerials.includes('AA11000001'),
    safeToRetry: true,
  },
  {
    operation: 'archiveLocation',
    upstream: 'plume',
    write: { method: 'DELETE', path: adaCottage },
    readBack: { method: 'GET', path: adaCottage },
    run: async (gw) =>
      (await gw.execute(ArchiveLocation, { input: { locationId: locations.adaCottage } })).data
        ?.archiveLocation,
    applied: (gw) =>
      gw.sandbox.plume.state.inspectCustomer(ada)?.locations.find((l) => l.id === locationIds.adaCottage)
        ?.archived === true,
    safeToRetry: true,
  },
  {
    operation: 'deleteCustomer',
    upstream: 'plume',
    write: { method: 'DELETE', path: `/api/Customers/${linus}` },
    readBack: { method: 'GET', path: `/api/Customers/${linus}` },
    run: async (gw) =>
      (await gw.execute(DeleteCustomer, { input: { customerId: customers.linus } })).data?.deleteCustomer,
    applied: (gw) => gw.sandbox.plume.state.inspectCustomer(linus)?.deletedAt !== null,
    safeToRetry: true,
  },
  {
    operation: 'setServiceLevel',
    upstream: 'plume',
    write: { method: 'PATCH', path: `${adaHome}/serviceLevel` },
    readBack: { method: 'GET', path: `${adaHome}/serviceLevel` },
    run: async (gw) =>
      (
        await gw.execute(SetServiceLevel, {
          input: { locationId: locations.adaHome, level: 'NO_SERVICE' },
        })
      ).data?.setServiceLevel,
    applied: (gw) =>
      gw.sandbox.plume.state.getServiceLevel(tokens.admin, ada, locationIds.adaHome).status === 'noService',
    safeToRetry: true,
  },
  {
    operation: 'cancelServices',
    upstream: 'services',
    write: { method: 'POST', path: '*' },
    readBack: { method: 'GET', path: '*' },
    run: async (gw) =>
      (await gw.execute(CancelServices, { input: { locationId: locations.linusHome } })).data?.cancelServices,
    applied: (gw) => activeAt(gw, locationIds.linusHome) === 0,
    safeToRetry: true,
  },
  {
    operation: 'reduceSubAccountServices',
    upstream: 'services',
    write: { method: 'POST', path: '*' },
    run: async (gw) =>
      (
        await gw.execute(ReduceSubAccountServices, {
          input: { customerId: customers.linus, skuRemovals: [{ sku: 'SKU-00000195', quantity: 1 }] },
        })
      ).data?.reduceSubAccountServices,
    applied: (gw) => quantityOf(gw, 9006) === 4,
    safeToRetry: false,
  },
  {
    operation: 'cancelAllSubAccountServices',
    upstream: 'services',
    write: { method: 'POST', path: '*' },
    readBack: { method: 'GET', path: '*' },
    run: async (gw) =>
      (await gw.execute(CancelAllSubAccountServices, { input: { customerId: customers.linus } })).data
        ?.cancelAllSubAccountServices,
    applied: (gw) => activeOn(gw, 'ACC-1003') === 0,
    safeToRetry: true,
  },
];

let gw: TestGateway;
beforeEach(async () => {
  gw = await startTestGateway({ upstreamTimeoutMs: DEADLINE });
});
afterEach(() => gw.close());

const simulator = (c: Case) => gw.sandbox[c.upstream];
const destructiveCalls = (c: Case) =>
  simulator(c).control.requests.filter((r) => r.method === c.write.method).length;
/** The simulator applies the held write after the gateway gave up; wait for it (bounded). */
const eventually = (check: () => boolean) =>
  vi.waitFor(() => expect(check()).toBe(true), { timeout: 5_000, interval: 50 });

describe.each(cases.filter((c) => c.readBack))('$operation, applied after the deadline', (c) => {
  it('answers the success confirmed by READ_BACK when the change was applied, after one destructive call', async () => {
    simulator(c).control.inject({ ...c.write, delayMs: WRITE_DELAY, times: 1 });
    simulator(c).control.inject({ ...c.readBack!, delayMs: READ_DELAY, times: 1 });

    const outcome = await c.run(gw);

    expect(outcome).toMatchObject({
      __typename: expect.stringMatching(/Success$/),
      confirmedBy: 'READ_BACK',
    });
    expect(c.applied(gw)).toBe(true);
    expect(destructiveCalls(c)).toBe(1);
  });
});

describe.each(cases)('$operation under a timeout after sending', (c) => {
  it('answers OutcomeUnknownError when the change was not yet applied, and does not resend it', async () => {
    simulator(c).control.inject({ ...c.write, delayMs: WRITE_DELAY, times: 1 });

    const outcome = await c.run(gw);

    expect(outcome).toMatchObject({
      __typename: 'OutcomeUnknownError',
      code: 'OUTCOME_UNKNOWN',
      operation: c.operation,
      safeToRetry: c.safeToRetry,
    });
    // The held call then runs: the change does happen, once, after the gateway answered.
    await eventually(() => c.applied(gw));
    expect(destructiveCalls(c)).toBe(1);
  });

  it('answers the success confirmed by RESPONSE when the backend answers in time', async () => {
    const outcome = await c.run(gw);

    expect(outcome).toMatchObject({ __typename: expect.stringMatching(/Success$/), confirmedBy: 'RESPONSE' });
    expect(c.applied(gw)).toBe(true);
    expect(destructiveCalls(c)).toBe(1);
  });
});
