import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { startTestGateway, useFreshGateway, type TestGateway } from '../helpers/gateway.js';
import { newKey, reportOf, simulatorState, statuses, writes, type Write } from './helpers.js';

/** cancelCustomerAccount over HTTP against both simulators, on Grace (one location, one sub-account). */

const CancelCustomerAccount = graphql(`
  mutation WfCancelCustomerAccount($input: CancelCustomerAccountInput!) {
    cancelCustomerAccount(input: $input) {
      __typename
      ...ReportFields
      ...WorkflowErrorOutcome
    }
  }
`);

const DeleteOnly = graphql(`
  mutation WfDeleteOnly($customerId: ID!) {
    deleteCustomer(input: { customerId: $customerId }) {
      __typename
    }
  }
`);

const grace = { customerId: customerIds.grace, subAccountId: 'ACC-1002' };
const ALL_DONE = ['stopLocationServices:DONE', 'stopSubAccountServices:DONE', 'deleteCustomer:DONE'];
const run = (gw: TestGateway, key: string, dryRun = false) =>
  gw.execute(CancelCustomerAccount, { input: { customerId: grace.customerId, idempotencyKey: key, dryRun } });
const active = (gw: TestGateway) => {
  const state = simulatorState(gw, grace.customerId, grace.subAccountId);
  return [...state.locationServices.flat(), ...state.subAccountServices].filter((s) => s.status === 'ACTIVE');
};

/** The writes of a clean run, in step order, learnt on other simulators (paths are the adapters' business). */
async function stepWrites(): Promise<Array<{ backend: 'plume' | 'services'; write: Write }>> {
  const probe = await startTestGateway();
  probe.resetCounts();
  await run(probe, newKey());
  const { plume, services } = writes(probe);
  await probe.close();
  return [
    ...services.map((write) => ({ backend: 'services' as const, write })),
    ...plume.map((write) => ({ backend: 'plume' as const, write })),
  ];
}

describe('cancelCustomerAccount', () => {
  const gateway = useFreshGateway();

  it('previews every service, node and location, and the GDPR delete, changing nothing', async () => {
    const gw = gateway();
    const before = simulatorState(gw, grace.customerId, grace.subAccountId);
    gw.resetCounts();
    const report = reportOf((await run(gw, newKey(), true)).data?.cancelCustomerAccount);
    expect(report.preview).toMatchObject({
      nodesToUnclaim: ['BB22000001', 'BB22000002'],
      locationsToArchive: [locationIds.graceApartment],
      newEmptyLocation: false,
      gdprDeleteStarts: true,
    });
    expect(report.preview.servicesToStop.map((s) => [s.serviceId, s.sku, s.quantity])).toEqual([
      [8155, 'SKU-00000167', 1],
      [8156, 'SKU-00000170', 1],
      [9004, 'SKU-00000195', 1],
    ]);
    expect(statuses(report)).toEqual(ALL_DONE.map((s) => s.replace('DONE', 'PLANNED')));
    expect(writes(gw)).toEqual({ plume: [], services: [] });
    expect(simulatorState(gw, grace.customerId, grace.subAccountId)).toEqual(before);
  });

  it('stops every service, then deletes the customer; a replay writes nothing', async () => {
    const gw = gateway();
    const key = newKey();
    const report = reportOf((await run(gw, key)).data?.cancelCustomerAccount);
    expect(statuses(report)).toEqual(ALL_DONE);
    expect(report.completed).toBe(true);
    expect(active(gw)).toEqual([]);
    expect(gw.sandbox.plume.state.gdprDeletes.map((d) => d.customerId)).toEqual([grace.customerId]);
    gw.resetCounts();
    expect(reportOf((await run(gw, key)).data?.cancelCustomerAccount).replayed).toBe(true);
    // A replay proves the caller's authority over the customer (one read), and writes nothing.
    expect(gw.upstreamCalls()).toEqual({ plume: 1, services: 0 });
    expect(gw.upstreamWrites()).toBe(0);
  });

  it('resumes after a failure injected at each step, and converges', async () => {
    const steps = await stepWrites();
    expect(steps).toHaveLength(3);
    for (const [index, { backend, write }] of steps.entries()) {
      const gw = await startTestGateway();
      try {
        gw.sandbox[backend].control.inject({ ...write, status: 503, times: 1 });
        const key = newKey();
        const failed = reportOf((await run(gw, key)).data?.cancelCustomerAccount);
        expect(failed.completed).toBe(false);
        expect(failed.steps.map((s) => s.status)).toEqual(
          ['DONE', 'DONE', 'DONE'].map((s, i) => (i < index ? s : i === index ? 'FAILED' : 'NOT_STARTED')),
        );
        const resumed = reportOf((await run(gw, key)).data?.cancelCustomerAccount);
        expect(statuses(resumed)).toEqual(ALL_DONE);
        expect(active(gw)).toEqual([]);
        expect(gw.sandbox.plume.state.gdprDeletes).toHaveLength(1);
      } finally {
        await gw.close();
      }
    }
  });

  it('after the customer was deleted elsewhere, a resume still stops the remaining services', async () => {
    const gw = gateway();
    const [, subAccountStep] = await stepWrites();
    gw.sandbox.services.control.inject({ ...subAccountStep!.write, status: 500, times: 1 });
    const key = newKey();
    const failed = reportOf((await run(gw, key)).data?.cancelCustomerAccount);
    expect(statuses(failed)[1]).toBe('stopSubAccountServices:FAILED');
    // Someone deletes the customer directly: the graph can no longer read it...
    expect(
      (await gw.execute(DeleteOnly, { customerId: grace.customerId })).data?.deleteCustomer.__typename,
    ).toBe('DeleteCustomerSuccess');
    expect(active(gw).map((s) => s.id)).toEqual([9004]);
    // ...but the plan stored with the key, made while the token was proven in scope, is the proof.
    const resumed = reportOf((await run(gw, key)).data?.cancelCustomerAccount);
    expect(statuses(resumed)).toEqual([
      'stopLocationServices:DONE',
      'stopSubAccountServices:DONE',
      'deleteCustomer:ALREADY_DONE',
    ]);
    expect(active(gw)).toEqual([]);
  });
});
