import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../src/bulk/job-store.js';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { locations } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { BulkJobs, StartBulkJob, LIVE_LOCATIONS as LIVE } from './documents.js';
import { bulkConfig, newKey, sleep, waitForJob } from './helpers.js';

/**
 * Redis away: a start answers StoreUnavailableError and leaves no job behind, not even one a hung Redis
 * would make once it wakes; a running job waits through an outage and goes on after it, with no item done
 * twice.
 */

describe.runIf(redisAvailable)('bulk jobs when Redis is away', () => {
  let redis: TestRedis;
  let gw: TestGateway;
  const start = async (input: Record<string, unknown>) =>
    (await gw.execute(StartBulkJob, { input: { idempotencyKey: newKey(), ...input } as never })).data
      ?.startBulkJob;
  const jobCount = async () => (await gw.execute(BulkJobs, { first: 100 })).data?.bulkJobs.totalCount;

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
    gw = await startTestGateway({
      ...bulkConfig(redis.url, { concurrency: 1 }),
      storeTimeoutMs: 300,
      requestTimeoutMs: 6_000,
    });
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.stop();
  });

  it('a start while Redis hangs is StoreUnavailableError, and no job appears once Redis answers again', async () => {
    const before = await jobCount();
    redis.pause();
    try {
      const started = Date.now();
      const answer = await start({ action: 'RESTORE_LOCATION', items: [locations.adaHome] });
      expect(answer).toMatchObject({ __typename: 'StoreUnavailableError', code: 'STORE_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      redis.resume();
    }
    await sleep(1_000);
    expect(await jobCount()).toBe(before);
  });

  it('a create that Redis would run after its deadline (a hung Redis waking up) makes nothing', async () => {
    const client = new Redis(redis.url);
    try {
      const store = new JobStore(client);
      const id = '00000000-0000-4000-8000-00000000beef';
      const job = {
        id,
        owner: 'token:test',
        action: 'RESTORE_LOCATION' as const,
        dryRun: false,
        idempotencyKey: newKey(),
        fingerprint: 'fp',
        lines: [{ line: 1, id: locations.adaHome }],
        sealedCredential: 'sealed',
      };
      expect(await store.create(job, new Date(), -1_000)).toEqual({ kind: 'late' });
      expect(await client.keys(`*${id}*`)).toEqual([]);
      expect(await store.create(job, new Date(), 1_000)).toEqual({ kind: 'created' });
      expect((await client.keys(`*${id}*`)).length).toBeGreaterThan(0);
      await client.del(...(await client.keys(`*${id}*`)));
      await client.hdel('subscriber-graph:bulk:fanouts', id);
    } finally {
      client.disconnect();
    }
  });

  it('a running job waits through a Redis outage and goes on after it, with no item done twice', async () => {
    gw.sandbox.plume.control.inject({ method: 'PATCH', path: '/api/Customers/*', delayMs: 300 });
    try {
      const answer = await start({
        action: 'SUSPEND_LOCATION',
        items: LIVE.map(([customerId, locationId]) =>
          Buffer.from(`Location:${customerId}:${locationId}`).toString('base64'),
        ),
        level: 'BASIC_SERVICE',
        reason: 'tiered service',
      });
      const id = answer?.__typename === 'StartBulkJobSuccess' ? answer.job.id : '';
      await waitForJob(gw.url, id, (job) => job.succeeded >= 2);
      await redis.kill();
      await sleep(2_000);
      await redis.restart();
      const done = await waitForJob(gw.url, id, undefined, { limitMs: 60_000 });
      expect(done).toMatchObject({ status: 'COMPLETED', succeeded: LIVE.length, failed: 0 });
      for (const [customerId, locationId] of LIVE) {
        const writes = gw.sandbox.plume.control.requests.filter(
          (r) => r.method === 'PATCH' && r.path.includes(`/locations/${locationId}/`),
        );
        expect(writes.length).toBe(1);
        expect(gw.sandbox.plume.state.getServiceLevel(DEMO_ADMIN_TOKEN, customerId, locationId).status).toBe(
          'basicService',
        );
      }
    } finally {
      gw.sandbox.plume.control.clearFaults();
    }
  }, 90_000);
});
