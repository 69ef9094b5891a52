import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIds, DEMO_ADMIN_TOKEN, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { customers, expectTypename, locations, tokens } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { BulkJobItems, BulkJobNode, BulkJobs, CancelBulkJob, StartBulkJob } from './documents.js';
import { bulkConfig, newKey, waitForJob } from './helpers.js';

/**
 * Bulk jobs over the graph, on one in-process gateway (its worker included) with a real redis-server and
 * the simulators over HTTP: a job runs to the end with each item once; bad lines become INVALID or
 * DUPLICATE items with their line numbers; a dry run writes nothing and totals the previews; keys answer
 * the same job; bad input is refused before anything is queued; another caller sees nothing.
 */

const CancelLocationPreview = graphql(`
  mutation BulkOraclePreview($input: CancelLocationServiceInput!) {
    cancelLocationService(input: $input) {
      __typename
      ... on WorkflowReport {
        preview {
          nodesToUnclaim
          servicesToStop {
            serviceId
          }
          locationsToArchive
          newEmptyLocation
        }
      }
    }
  }
`);

const Customer = graphql(`
  query BulkStillServes($id: ID!) {
    customer(id: $id) {
      name
    }
  }
`);

describe.runIf(redisAvailable)('bulk jobs over the graph', () => {
  let redis: TestRedis;
  let gw: TestGateway;
  const start = async (input: Record<string, unknown>, token = DEMO_ADMIN_TOKEN) =>
    (await gw.execute(StartBulkJob, { input: { idempotencyKey: newKey(), ...input } as never }, { token }))
      .data?.startBulkJob;
  const started = async (input: Record<string, unknown>, token = DEMO_ADMIN_TOKEN) =>
    expectTypename(await start(input, token), 'StartBulkJobSuccess').job;
  const writesTo = (path: string) =>
    gw.sandbox.plume.control.requests.filter((r) => r.method !== 'GET' && r.path.startsWith(path)).length;
  const level = (customerId: string, locationId: string) =>
    gw.sandbox.plume.state.getServiceLevel(DEMO_ADMIN_TOKEN, customerId, locationId).status;

  beforeAll(async () => {
    redis = await startRedis();
    gw = await startTestGateway(bulkConfig(redis.url));
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.stop();
  });

  it('runs an inline suspension to the end: each item once, bad lines INVALID or DUPLICATE with their line numbers', async () => {
    gw.resetCounts();
    const job = await started({
      action: 'SUSPEND_LOCATION',
      items: [locations.adaHome, locations.adaCottage, 'not-a-global-id', locations.adaHome, customers.ada],
      level: 'NO_SERVICE',
      reason: 'non-payment',
    });
    expect(job).toMatchObject({ action: 'SUSPEND_LOCATION', dryRun: false, objectCount: 5 });
    const done = await waitForJob(gw.url, job.id);
    expect(done).toMatchObject({ status: 'COMPLETED', succeeded: 2, failed: 2, skipped: 1, errorCode: null });
    // One level write per location, whatever the duplicate line.
    expect(writesTo(`/api/Customers/${customerIds.ada}/locations/${locationIds.adaHome}/serviceLevel`)).toBe(
      1,
    );
    expect(
      writesTo(`/api/Customers/${customerIds.ada}/locations/${locationIds.adaCottage}/serviceLevel`),
    ).toBe(1);
    expect(level(customerIds.ada, locationIds.adaHome)).toBe('noService');
    // Both items act on Ada: the job proves once that its credential reaches her, not once an item.
    const adaReads = gw.sandbox.plume.control.requests.filter(
      (r) => r.method === 'GET' && r.path === `/api/Customers/${customerIds.ada}`,
    );
    expect(adaReads).toHaveLength(1);

    const bad = await gw.execute(BulkJobItems, { id: job.id, outcome: ['INVALID', 'DUPLICATE'] });
    const items = bad.data?.node?.__typename === 'BulkJob' ? bad.data.node.items : undefined;
    expect(items?.totalCount).toBe(3);
    expect(
      items?.edges.map(({ node }) => [node.line, node.outcome, node.error?.code, node.error?.message]),
    ).toEqual([
      [3, 'INVALID', 'INVALID_ITEM', 'id must be a Location or Customer global ID'],
      [4, 'DUPLICATE', 'DUPLICATE_ITEM', 'The same item as line 1: it runs once, there.'],
      [5, 'INVALID', 'INVALID_ITEM', expect.stringContaining('SUSPEND_LOCATION acts on locations')],
    ]);
    expect(items?.edges[2]?.node.itemId).toBe(customers.ada);

    // Paging in line order: two, then the rest after the cursor.
    const first = await gw.execute(BulkJobItems, { id: job.id, first: 2 });
    const page = first.data?.node?.__typename === 'BulkJob' ? first.data.node.items : undefined;
    expect(page?.edges.map((e) => e.node.line)).toEqual([1, 2]);
    expect(page?.edges[0]?.node).toMatchObject({
      outcome: 'SUCCEEDED',
      itemId: locations.adaHome,
      report: { workflow: 'suspendLocation', completed: true },
    });
    expect(page?.pageInfo.hasNextPage).toBe(true);
    const rest = await gw.execute(BulkJobItems, { id: job.id, first: 10, after: page?.pageInfo.endCursor });
    const next = rest.data?.node?.__typename === 'BulkJob' ? rest.data.node.items : undefined;
    expect(next?.edges.map((e) => e.node.line)).toEqual([3, 4, 5]);
    expect(next?.pageInfo.hasNextPage).toBe(false);
  });

  it('a dry run plans every item from live reads, writes nothing and totals the previews', async () => {
    const targets = [locations.linusHome, locations.linusGarage, locations.margaretOffice];
    const oracle = await Promise.all(
      targets.map(async (locationId) => {
        const answer = await gw.execute(CancelLocationPreview, {
          input: { locationId, dryRun: true, idempotencyKey: newKey() },
        });
        return expectTypename(answer.data?.cancelLocationService, 'WorkflowReport').preview;
      }),
    );
    gw.resetCounts();
    const job = await started({ action: 'CANCEL_LOCATION_SERVICE', items: targets, dryRun: true });
    expect(await waitForJob(gw.url, job.id)).toMatchObject({
      status: 'COMPLETED',
      succeeded: 3,
      dryRun: true,
    });
    expect(gw.upstreamWrites()).toBe(0);
    const node = (await gw.execute(BulkJobNode, { id: job.id })).data?.node;
    const preview = node?.__typename === 'BulkJob' ? node.preview : undefined;
    const sum = (pick: (p: (typeof oracle)[number]) => number) => oracle.reduce((n, p) => n + pick(p), 0);
    expect(preview).toEqual({
      nodesToUnclaim: sum((p) => p.nodesToUnclaim.length),
      servicesToStop: sum((p) => p.servicesToStop.length),
      locationsToArchive: sum((p) => p.locationsToArchive.length),
      gdprDeletes: 0,
      newEmptyLocations: sum((p) => (p.newEmptyLocation ? 1 : 0)),
      serviceLevelChanges: 0,
      licenseEffect: expect.stringContaining(
        'Reduces the number of Plume licenses consumed by the ISP: 3 locations',
      ),
    });
    expect(preview?.servicesToStop).toBeGreaterThan(0);
  });

  it('the same key and input answer the same job; another input under the key is IdempotencyKeyReusedError', async () => {
    const input = { action: 'RESTORE_LOCATION', items: [locations.graceApartment], idempotencyKey: newKey() };
    const first = await started(input);
    const again = await started(input);
    expect(again.id).toBe(first.id);
    const other = await start({ ...input, items: [locations.linusGarage] });
    expect(other).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
    // Nothing to restore: SKIPPED, with why.
    expect(await waitForJob(gw.url, first.id)).toMatchObject({ status: 'COMPLETED', skipped: 1 });
  });

  it('refuses bad input before anything is queued', async () => {
    const before = (await gw.execute(BulkJobs, {})).data?.bulkJobs.totalCount;
    const tooMany = await start({ action: 'RESTORE_LOCATION', items: Array(1001).fill(locations.adaHome) });
    expect(tooMany).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'items'], message: expect.stringContaining('POST /bulk/uploads') }],
    });
    const noLevel = await start({ action: 'SUSPEND_LOCATION', items: [locations.adaHome], reason: 'x' });
    expect(noLevel).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'level'], message: 'required for a suspension' }],
    });
    const both = await start({ action: 'RESTORE_LOCATION', items: [locations.adaHome], uploadId: 'x' });
    expect(both?.__typename).toBe('InputValidationError');
    const unknownUpload = await start({
      action: 'RESTORE_LOCATION',
      uploadId: '3f0f1b1e-0000-4000-8000-000000000000',
    });
    expect(unknownUpload).toMatchObject({ __typename: 'UploadNotFoundError', code: 'NOT_FOUND' });
    expect((await gw.execute(BulkJobs, {})).data?.bulkJobs.totalCount).toBe(before);
  });

  it("runs each item with the caller's authority: one outside its scope is FAILED NotAuthorizedError, with no write", async () => {
    gw.resetCounts();
    const job = await started(
      {
        action: 'SUSPEND_LOCATION',
        items: [locations.linusGarage, locations.graceApartment],
        level: 'BASIC_SERVICE',
        reason: 'tiered service',
      },
      tokens.partner,
    );
    const done = await waitForJob(gw.url, job.id, undefined, { token: tokens.partner });
    expect(done).toMatchObject({ status: 'COMPLETED', succeeded: 1, failed: 1 });
    const items = await gw.execute(
      BulkJobItems,
      { id: job.id, outcome: ['FAILED'] },
      { token: tokens.partner },
    );
    const failed = items.data?.node?.__typename === 'BulkJob' ? items.data.node.items.edges : [];
    expect(failed.map((e) => [e.node.line, e.node.error?.code])).toEqual([[2, 'NOT_AUTHORIZED']]);
    expect(writesTo(`/api/Customers/${customerIds.grace}/`)).toBe(0);
    expect(level(customerIds.linus, locationIds.linusGarage)).toBe('basicService');
  });

  it('another caller cannot see, list or cancel a job: it answers exactly as one that does not exist', async () => {
    const job = await started({ action: 'RESTORE_LOCATION', items: [locations.adaOldFlat] });
    const unknown = Buffer.from('BulkJob:00000000-0000-4000-8000-000000000000').toString('base64');
    expect((await gw.execute(BulkJobNode, { id: job.id }, { token: tokens.ada })).data?.node).toBeNull();
    const theirs = (await gw.execute(CancelBulkJob, { id: job.id }, { token: tokens.ada })).data
      ?.cancelBulkJob;
    const none = (await gw.execute(CancelBulkJob, { id: unknown }, { token: tokens.ada })).data
      ?.cancelBulkJob;
    expect(theirs).toMatchObject({ __typename: 'BulkJobNotFoundError', code: 'NOT_FOUND' });
    expect({ ...theirs, message: undefined }).toEqual({ ...none, message: undefined });
    const listed = (await gw.execute(BulkJobs, {}, { token: tokens.ada })).data?.bulkJobs.edges ?? [];
    expect(listed.map((e) => e.node.id)).not.toContain(job.id);
    // The same job, for its owner under another spelling of the token.
    expect(
      (await gw.execute(BulkJobNode, { id: job.id }, { token: `Bearer ${DEMO_ADMIN_TOKEN}` })).data?.node,
    ).toMatchObject({ id: job.id });
  });

  it("cancelling a job that ended is BulkJobFinishedError; bulkJobs lists the caller's jobs newest first, by status", async () => {
    const job = await started({ action: 'RESTORE_LOCATION', items: [locations.linusHome] });
    await waitForJob(gw.url, job.id);
    const cancel = (await gw.execute(CancelBulkJob, { id: job.id })).data?.cancelBulkJob;
    expect(cancel).toMatchObject({ __typename: 'BulkJobFinishedError', code: 'BULK_JOB_FINISHED' });
    const newest = (await gw.execute(BulkJobs, { first: 1 })).data?.bulkJobs;
    expect(newest?.edges.map((e) => e.node.id)).toEqual([job.id]);
    expect(newest?.pageInfo.hasNextPage).toBe(true);
    const next = (await gw.execute(BulkJobs, { first: 100, after: newest?.pageInfo.endCursor })).data
      ?.bulkJobs;
    expect(next?.edges.map((e) => e.node.id)).not.toContain(job.id);
    const completed = (await gw.execute(BulkJobs, { status: ['COMPLETED'], first: 100 })).data?.bulkJobs;
    expect(completed?.edges.every((e) => e.node.status === 'COMPLETED')).toBe(true);
    expect(completed?.edges.map((e) => e.node.id)).toContain(job.id);
  });
});

describe('without Redis', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.close());

  it('bulk operations answer BulkJobsUnavailableError naming REDIS_URL; nothing else of the graph changes', async () => {
    const answer = await gw.execute(StartBulkJob, {
      input: { action: 'RESTORE_LOCATION', items: [locations.adaHome], idempotencyKey: newKey() },
    });
    expect(answer.data?.startBulkJob).toMatchObject({
      __typename: 'BulkJobsUnavailableError',
      code: 'BULK_JOBS_UNAVAILABLE',
      message: expect.stringContaining('REDIS_URL'),
    });
    const list = await gw.execute(BulkJobs, {});
    expect(list.errors?.map((e) => e.extensions?.code)).toEqual(['BULK_JOBS_UNAVAILABLE']);
    expect((await gw.execute(Customer, { id: customerIds.ada })).data?.customer?.name).toBe('Ada Lovelace');
  });
});
