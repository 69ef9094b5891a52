import { describe, expect, it } from 'vitest';
import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { startTestGateway, useFreshGateway, type TestGateway } from '../helpers/gateway.js';
import { locations } from '../helpers/fixtures.js';
import { newKey, reportOf, simulatorState, statuses, writes } from './helpers.js';

/** cancelLocationService over HTTP against both simulators: preview, run, replay, resume, duplicates. */

const CancelLocationService = graphql(`
  mutation WfCancelLocationService($input: CancelLocationServiceInput!) {
    cancelLocationService(input: $input) {
      __typename
      ...ReportFields
      ...WorkflowErrorOutcome
    }
  }
`);

const BillingLeftBehind = graphql(`
  query WfBillingLeftBehind($customer: ID!, $location: ID!) {
    customer(id: $customer) {
      servicesAtArchivedLocations {
        serviceId
        sku
      }
    }
    node(id: $location) {
      ... on Location {
        archived
        activeServicesAfterArchive {
          serviceId
        }
      }
    }
  }
`);

const ArchiveOnly = graphql(`
  mutation WfArchiveOnly($locationId: ID!) {
    archiveLocation(input: { locationId: $locationId }) {
      __typename
    }
  }
`);

const margaret = { customerId: customerIds.margaret, subAccountId: 'ACC-1004' };
const run = (gw: TestGateway, locationId: string, key: string, dryRun = false) =>
  gw.execute(CancelLocationService, { input: { locationId, idempotencyKey: key, dryRun } });

describe('cancelLocationService', () => {
  const gateway = useFreshGateway();

  it('previews from live reads and changes nothing', async () => {
    const gw = gateway();
    const before = simulatorState(gw, margaret.customerId, margaret.subAccountId);
    gw.resetCounts();
    const report = reportOf(
      (await run(gw, locations.margaretOffice, newKey(), true)).data?.cancelLocationService,
    );
    expect(report).toMatchObject({ dryRun: true, replayed: false, completed: false });
    expect(report.preview).toEqual({
      nodesToUnclaim: ['DD44000001'],
      servicesToStop: [
        {
          serviceId: 8162,
          sku: 'SKU-00000168',
          quantity: 1,
          agreementId: 1601,
          ownerId: locationIds.margaretOffice,
        },
      ],
      locationsToArchive: [locationIds.margaretOffice],
      // Margaret is not auto-provisioned and this is her only location: the cloud gives her a new one.
      newEmptyLocation: true,
      gdprDeleteStarts: false,
      serviceLevel: null,
    });
    expect(statuses(report)).toEqual(['stopLocationServices:PLANNED', 'archiveLocation:PLANNED']);
    expect(report.steps[1]!.licenseEffect).toMatch(/^Reduces the number of Plume licenses/);
    expect(writes(gw)).toEqual({ plume: [], services: [] });
    expect(simulatorState(gw, margaret.customerId, margaret.subAccountId)).toEqual(before);
  });

  it('runs services first, then the archive; a replay answers the same and writes nothing', async () => {
    const gw = gateway();
    const key = newKey();
    gw.resetCounts();
    const report = reportOf((await run(gw, locations.margaretOffice, key)).data?.cancelLocationService);
    expect(report).toMatchObject({ dryRun: false, replayed: false, completed: true });
    expect(statuses(report)).toEqual(['stopLocationServices:DONE', 'archiveLocation:DONE']);
    expect(report.steps[0]!.upstreamRequestIds).toHaveLength(1);
    expect(writes(gw).services.map((w) => w.path)).toEqual(['/v2/accounts/ISP-MAIN/cancelservices']);
    expect(writes(gw).plume).toEqual([
      {
        method: 'DELETE',
        path: `/api/Customers/${margaret.customerId}/locations/${locationIds.margaretOffice}`,
      },
    ]);
    const state = simulatorState(gw, margaret.customerId, margaret.subAccountId);
    expect(state.wifi?.locations.find((l) => l.id === locationIds.margaretOffice)?.archived).toBe(true);
    expect(state.locationServices.flat().filter((s) => s.status === 'ACTIVE')).toEqual([]);

    gw.resetCounts();
    const replay = reportOf((await run(gw, locations.margaretOffice, key)).data?.cancelLocationService);
    expect(replay).toEqual({ ...report, replayed: true });
    // A replay proves the caller's authority over the customer (one read), and writes nothing.
    expect(gw.upstreamCalls()).toEqual({ plume: 1, services: 0 });
    expect(gw.upstreamWrites()).toBe(0);
  });

  it('rejects the same key with a different input for the customer; for another customer it is another key', async () => {
    const gw = gateway();
    const key = newKey();
    reportOf((await run(gw, locations.linusHome, key, false)).data?.cancelLocationService);
    const reused = (await run(gw, locations.linusGarage, key)).data?.cancelLocationService;
    expect(reused).toMatchObject({ __typename: 'IdempotencyKeyReusedError', idempotencyKey: key });
    // Keys belong to the customer acted on: the same key for Margaret's office is Margaret's own.
    const other = await run(gw, locations.margaretOffice, key);
    expect(reportOf(other.data?.cancelLocationService).completed).toBe(true);
  });

  it.each([
    ['stopLocationServices', 'services', 0],
    ['archiveLocation', 'plume', 1],
  ] as const)('resumes after a failure at %s and converges', async (_step, backend, index) => {
    // Learn the step's write from a clean run on other simulators, then fail exactly that write once.
    const probe = await startTestGateway();
    probe.resetCounts();
    await run(probe, locations.margaretOffice, newKey());
    const write = writes(probe)[backend][0]!;
    await probe.close();

    const gw = gateway();
    gw.sandbox[backend].control.inject({ ...write, status: 500, times: 1 });
    const key = newKey();
    const failed = reportOf((await run(gw, locations.margaretOffice, key)).data?.cancelLocationService);
    expect(failed.completed).toBe(false);
    expect(failed.steps[index]).toMatchObject({ status: 'FAILED', error: { code: 'UPSTREAM_ERROR' } });
    expect(failed.steps.slice(index + 1).every((s) => s.status === 'NOT_STARTED')).toBe(true);
    expect(failed.steps.slice(0, index).every((s) => s.status === 'DONE')).toBe(true);

    gw.resetCounts();
    const resumed = reportOf((await run(gw, locations.margaretOffice, key)).data?.cancelLocationService);
    expect(resumed).toMatchObject({ completed: true, replayed: false });
    expect(statuses(resumed)).toEqual(['stopLocationServices:DONE', 'archiveLocation:DONE']);
    // Steps done before the failure are not run again, and the stored plan needs no fresh reads.
    expect(writes(gw)[backend]).toEqual([write]);
    // Plus one read of the customer: the resuming caller's authority, proven before the stored plan is used.
    expect(gw.upstreamCalls()).toEqual(
      backend === 'plume' ? { plume: 2, services: 0 } : { plume: 2, services: 1 },
    );
  });

  it('completes an archived location whose services are still active, shown to technicians first', async () => {
    const gw = gateway();
    await gw.execute(ArchiveOnly, { locationId: locations.linusGarage });
    const vars = { customer: customerIds.linus, location: locations.linusGarage };
    const before = await gw.execute(BillingLeftBehind, vars);
    expect(before.data?.customer?.servicesAtArchivedLocations).toEqual([
      { serviceId: 8161, sku: 'SKU-00000167' },
    ]);
    expect(before.data?.node).toEqual({ archived: true, activeServicesAfterArchive: [{ serviceId: 8161 }] });

    const preview = reportOf(
      (await run(gw, locations.linusGarage, newKey(), true)).data?.cancelLocationService,
    );
    expect(statuses(preview)).toEqual(['stopLocationServices:PLANNED', 'archiveLocation:ALREADY_DONE']);
    expect(preview.preview).toMatchObject({
      locationsToArchive: [],
      nodesToUnclaim: [],
      newEmptyLocation: false,
    });

    const report = reportOf((await run(gw, locations.linusGarage, newKey())).data?.cancelLocationService);
    expect(statuses(report)).toEqual(['stopLocationServices:DONE', 'archiveLocation:ALREADY_DONE']);
    expect(report.completed).toBe(true);
    const after = await gw.execute(BillingLeftBehind, vars);
    expect(after.data?.customer?.servicesAtArchivedLocations).toEqual([]);
  });

  it('does the work once for concurrent duplicates: the other gets InProgressError', async () => {
    const gw = gateway();
    // Hold the first run inside its first write, so the duplicate surely arrives while it runs.
    gw.sandbox.services.control.inject({ method: 'POST', path: '/v2/accounts/*', delayMs: 300, times: 1 });
    const key = newKey();
    gw.resetCounts();
    const results = await Promise.all([
      run(gw, locations.margaretOffice, key),
      run(gw, locations.margaretOffice, key),
    ]);
    const typenames = results.map((r) => r.data?.cancelLocationService.__typename).sort();
    expect(typenames).toEqual(['InProgressError', 'WorkflowReport']);
    expect(writes(gw).services).toHaveLength(1);
    expect(writes(gw).plume).toHaveLength(1);
    const replay = reportOf((await run(gw, locations.margaretOffice, key)).data?.cancelLocationService);
    expect(replay).toMatchObject({ replayed: true, completed: true });
  });
});
