import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN, SANDBOX_PASSWORD } from '../../src/sandbox/seed.js';
import { locations } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { BulkJobItems, BulkJobs, StartBulkJob, LIVE_LOCATIONS as LIVE } from './documents.js';
import { bulkConfig, newKey, waitForJob } from './helpers.js';

/**
 * A job runs with its owner's credential: when the WiFi cloud stops accepting it mid-job (expired), the job
 * stops with CREDENTIAL_EXPIRED and its items not yet run are NOT_STARTED; the same key and input under a
 * fresh token resume it (the new token owns it from then on), and the items done before are not run again.
 */

describe.runIf(redisAvailable)('a job whose credential expires', () => {
  let redis: TestRedis;
  let gw: TestGateway;

  beforeAll(async () => {
    redis = await startRedis();
    gw = await startTestGateway(bulkConfig(redis.url, { concurrency: 1 }));
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.stop();
  });

  /** The demo admin logs in again: a new token, the same scope. */
  const freshToken = async () => {
    const response = await fetch(`${gw.sandbox.upstream.plumeUrl}/api/admins/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@sandbox.test', password: SANDBOX_PASSWORD }),
    });
    return ((await response.json()) as { id: string }).id;
  };
  const levelWrites = (locationId: string) =>
    gw.sandbox.plume.control.requests.filter(
      (r) => r.method === 'PATCH' && r.path.includes(`/locations/${locationId}/`),
    ).length;

  it('stops with CREDENTIAL_EXPIRED; the same key and input under a fresh token resume it, without running done items again', async () => {
    const input = {
      action: 'SUSPEND_LOCATION' as const,
      items: Object.values(locations).filter((gid) => gid !== locations.adaOldFlat),
      level: 'NO_SERVICE' as const,
      reason: 'non-payment',
      idempotencyKey: newKey(),
    };
    gw.sandbox.plume.control.inject({ method: 'PATCH', path: '/api/Customers/*', delayMs: 200 });
    const started = (await gw.execute(StartBulkJob, { input })).data?.startBulkJob;
    const id = started?.__typename === 'StartBulkJobSuccess' ? started.job.id : '';
    await waitForJob(gw.url, id, (job) => job.succeeded >= 2);
    // From now on the WiFi cloud refuses the token: 401 on every call, the batch read included.
    gw.sandbox.plume.control.inject({ path: '/api/Customers*', status: 401 });
    const stopped = await waitForJob(gw.url, id);
    expect(stopped).toMatchObject({ status: 'FAILED', errorCode: 'CREDENTIAL_EXPIRED', failed: 0 });
    expect(stopped.succeeded).toBeLessThan(LIVE.length);
    expect(stopped.succeeded + stopped.skipped).toBe(LIVE.length);
    const notStarted = await gw.execute(BulkJobItems, { id, outcome: ['NOT_STARTED'] });
    const edges = notStarted.data?.node?.__typename === 'BulkJob' ? notStarted.data.node.items.edges : [];
    expect(edges.length).toBe(stopped.skipped);
    expect(edges.map((e) => e.node.error?.code)).toContain('CREDENTIAL_EXPIRED');
    gw.sandbox.plume.control.clearFaults();
    const writesBefore = LIVE.map(([, locationId]) => levelWrites(locationId));

    const token = await freshToken();
    const resumed = (await gw.execute(StartBulkJob, { input }, { token })).data?.startBulkJob;
    expect(resumed).toMatchObject({
      __typename: 'StartBulkJobSuccess',
      job: { id, status: 'RUNNING', errorCode: null },
    });
    const done = await waitForJob(gw.url, id, undefined, { token });
    expect(done).toMatchObject({
      status: 'COMPLETED',
      succeeded: LIVE.length,
      failed: 0,
      skipped: 0,
      errorCode: null,
    });
    // Each location ends suspended; those written before the stop were not written again.
    for (const [i, [customerId, locationId]] of LIVE.entries()) {
      expect(gw.sandbox.plume.state.getServiceLevel(DEMO_ADMIN_TOKEN, customerId, locationId).status).toBe(
        'noService',
      );
      if (writesBefore[i]! > 0 && i < stopped.succeeded)
        expect(levelWrites(locationId)).toBe(writesBefore[i]);
    }
    // The job is the new token's now.
    const mine = (await gw.execute(BulkJobs, {}, { token })).data?.bulkJobs.edges.map((e) => e.node.id);
    expect(mine).toContain(id);
    const before = (await gw.execute(BulkJobs, {})).data?.bulkJobs.edges.map((e) => e.node.id);
    expect(before).not.toContain(id);
  }, 60_000);
});
