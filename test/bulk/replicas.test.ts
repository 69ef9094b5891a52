import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BULL_PREFIX, QUEUE_NAME } from '../../src/bulk/queue.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { scaleCustomerId } from '../../src/sandbox/scale-seed.js';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { type Replica, startReplicas } from '../seams/helpers.js';
import { BulkJobItems, CancelBulkJob, StartBulkJob } from './documents.js';
import { gql, newKey, replicaEnv, scaleLocationId, scaleLocations, sleep, waitForJob } from './helpers.js';

/**
 * Two gateway processes (as `npm start` runs them) over one pair of simulators and one persistent
 * redis-server, sharing one bulk job: both take items; a replica killed with SIGKILL mid-job has its items
 * taken over by the other (BullMQ's stalled-job recovery), and each item's workflow resumes from its stored
 * plan, so every location's level is written once; only an item in flight at the kill may write twice. An
 * item whose runs keep killing their replica is FAILED (ITEM_STALLED) and the job still ends.
 */

const COUNT = 60;
const CONCURRENCY = 2;

describe.runIf(redisAvailable)('a bulk job across two replicas', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  let running: ChildProcess[] = [];
  let a: Replica;
  let b: Replica;
  const items = scaleLocations(COUNT);
  const levelWrites = () => {
    const counts = new Map(items.map((gid) => [scaleLocationId(gid), 0]));
    for (const r of sandbox.plume.control.requests) {
      const id = /\/locations\/(\w+)\/serviceLevel$/.exec(r.path)?.[1];
      if (r.method === 'PATCH' && id && counts.has(id)) counts.set(id, counts.get(id)! + 1);
    }
    return [...counts.values()];
  };
  const levelOf = (gid: string) =>
    sandbox.plume.state.getServiceLevel(DEMO_ADMIN_TOKEN, scaleCustomerId, scaleLocationId(gid)).status;
  /** Items this replica finished, from its own /metrics. */
  const succeededOn = async (replica: Replica) => {
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    const line = /^bulk_items_total\{action="SUSPEND_LOCATION",outcome="SUCCEEDED"\} (\d+)/m.exec(text);
    return Number(line?.[1] ?? 0);
  };
  const startSuspension = async (url: string) => {
    const answer = await gql(url, StartBulkJob, {
      input: {
        action: 'SUSPEND_LOCATION',
        items,
        level: 'NO_SERVICE',
        reason: 'non-payment',
        idempotencyKey: newKey(),
      },
    });
    expect(answer.data?.startBulkJob.__typename).toBe('StartBulkJobSuccess');
    return answer.data.startBulkJob.job.id as string;
  };

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
  });
  beforeEach(async () => {
    sandbox = await startSandbox({ scale: COUNT });
    // Each level write takes a while, so the job is still running when a test acts on it.
    sandbox.plume.control.inject({
      method: 'PATCH',
      path: `/api/Customers/${scaleCustomerId}/*`,
      delayMs: 150,
    });
    const env = replicaEnv(sandbox, redis.url, {
      BULK_CONCURRENCY: String(CONCURRENCY),
      BULK_RATE_PLUME: '1000',
    });
    [a, b] = (await startReplicas(env, 2, running)) as [Replica, Replica];
  });
  afterEach(async () => {
    for (const child of running) child.kill('SIGKILL');
    running = [];
    await sandbox.close();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('kill -9 one replica mid-job: the other finishes it, and every item is written once but those in flight', async () => {
    const id = await startSuspension(a.url);
    await waitForJob(b.url, id, (job) => job.succeeded >= 10);
    // Both replicas take a share of the one job.
    expect(await succeededOn(a)).toBeGreaterThan(0);
    a.child.kill('SIGKILL');
    const done = await waitForJob(b.url, id, undefined, { limitMs: 60_000 });
    expect(done).toMatchObject({ status: 'COMPLETED', succeeded: COUNT, failed: 0, skipped: 0 });
    const writes = levelWrites();
    // Every location written, none more than twice, and only those the dead replica had in flight twice.
    expect(writes.every((n) => n === 1 || n === 2)).toBe(true);
    expect(writes.filter((n) => n === 2).length).toBeLessThanOrEqual(CONCURRENCY);
    expect(items.every((gid) => levelOf(gid) === 'noService')).toBe(true);
    expect(await succeededOn(b)).toBeGreaterThan(0);
  }, 90_000);

  it('cancel mid-job: items in flight finish, the rest are NOT_STARTED, and no level is written after', async () => {
    const id = await startSuspension(a.url);
    await waitForJob(a.url, id, (job) => job.succeeded >= 5);
    const cancel = await gql(b.url, CancelBulkJob, { id });
    expect(cancel.data?.cancelBulkJob).toMatchObject({
      __typename: 'CancelBulkJobSuccess',
      job: { status: 'CANCELING' },
    });
    const done = await waitForJob(b.url, id);
    expect(done.status).toBe('CANCELED');
    expect(done.succeeded + done.skipped).toBe(COUNT);
    expect(done.skipped).toBeGreaterThan(0);
    const notStarted = await gql(a.url, BulkJobItems, { id, outcome: ['NOT_STARTED'], first: 1 });
    expect(notStarted.data?.node.items.totalCount).toBe(done.skipped);
    const writes = levelWrites();
    expect(writes.filter((n) => n > 0).length).toBe(done.succeeded);
    await sleep(500);
    expect(levelWrites()).toEqual(writes);
  }, 60_000);

  it('an item whose runs stopped their replica more than 5 times is FAILED (ITEM_STALLED), and the job ends', async () => {
    // Level writes hang, so the items in flight are still in flight when the replica dies.
    sandbox.plume.control.clearFaults();
    sandbox.plume.control.inject({
      method: 'PATCH',
      path: `/api/Customers/${scaleCustomerId}/*`,
      delayMs: 5_000,
    });
    const id = await startSuspension(a.url);
    const client = new Redis(redis.url);
    try {
      const active = `${BULL_PREFIX}:${QUEUE_NAME}:active`;
      const deadline = Date.now() + 10_000;
      while ((await client.llen(active)) < 2 * CONCURRENCY && Date.now() < deadline) await sleep(50);
      // As if each item in flight had already stopped its replica 5 times (BullMQ counts them in `stc`).
      const inFlight = await client.lrange(active, 0, -1);
      expect(inFlight).toHaveLength(2 * CONCURRENCY);
      for (const bullId of inFlight) await client.hset(`${BULL_PREFIX}:${QUEUE_NAME}:${bullId}`, 'stc', 5);
      a.child.kill('SIGKILL');
    } finally {
      client.disconnect();
    }
    sandbox.plume.control.clearFaults();
    const done = await waitForJob(b.url, id, undefined, { limitMs: 60_000 });
    // The dead replica's items in flight stalled a 6th time: failed, not run again; B's own finished.
    expect(done).toMatchObject({ status: 'COMPLETED', failed: CONCURRENCY, succeeded: COUNT - CONCURRENCY });
    const failed = await gql(b.url, BulkJobItems, { id, outcome: ['FAILED'], first: 10 });
    const errors = failed.data?.node.items.edges.map((e: any) => e.node.error.code);
    expect(errors).toEqual(Array(CONCURRENCY).fill('ITEM_STALLED'));
  }, 90_000);
});
