import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { scaleCustomerId } from '../../src/sandbox/scale-seed.js';
import { customerIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { type Replica, startReplicas } from '../seams/helpers.js';
import { BulkJobItems, StartBulkJob } from './documents.js';
import {
  gql,
  mostInWindow,
  newKey,
  replicaEnv,
  scaleLocations,
  stampRequests,
  waitForJob,
} from './helpers.js';

/**
 * Backends come first: bulk work toward a backend keeps to one rate shared by every replica (measured at
 * the simulator), a 429 with Retry-After holds every replica's bulk work toward it for that long and fails
 * no item, and an interactive request does not queue behind a running job.
 */

const Overview = graphql(`
  query BulkInteractive($id: ID!) {
    customer(id: $id) {
      name
      locations {
        name
        serviceLevel {
          level
        }
      }
    }
  }
`);

describe.runIf(redisAvailable)('bulk work toward the backends', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  let running: ChildProcess[] = [];
  const start = async (replica: Replica, count: number) => {
    const answer = await gql(replica.url, StartBulkJob, {
      input: {
        action: 'SUSPEND_LOCATION',
        items: scaleLocations(count),
        level: 'NO_SERVICE',
        reason: 'non-payment',
        idempotencyKey: newKey(),
      },
    });
    expect(answer.data?.startBulkJob.__typename).toBe('StartBulkJobSuccess');
    return answer.data.startBulkJob.job.id as string;
  };
  const replicas = async (extra: Record<string, string>) => {
    sandbox = await startSandbox({ scale: 80 });
    return (await startReplicas(replicaEnv(sandbox, redis.url, extra), 2, running)) as [Replica, Replica];
  };
  const plumeApiRequests = () => sandbox.plume.control.requests;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const child of running) child.kill('SIGKILL');
    running = [];
    await sandbox?.close();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps to BULK_RATE_PLUME across both replicas, measured at the simulator', async () => {
    const rate = 20;
    const [a, b] = await replicas({ BULK_RATE_PLUME: String(rate), BULK_CONCURRENCY: '4' });
    const clock = stampRequests(plumeApiRequests());
    try {
      const id = await start(a, 30);
      expect(await waitForJob(b.url, id, undefined, { limitMs: 30_000 })).toMatchObject({
        status: 'COMPLETED',
        succeeded: 30,
      });
    } finally {
      clock.stop();
    }
    const stamps = clock.stamped().map((s) => s.at);
    // About three calls per item (the caller's authority, the level, the write), all paced.
    expect(stamps.length).toBeGreaterThanOrEqual(60);
    // Any second holds at most the rate (and a little for the sampling), never the burst 8 workers could send.
    expect(mostInWindow(stamps, 1000)).toBeLessThanOrEqual(rate + 2);
    // The whole job ran near the rate: the limiter, not the workers, set the pace.
    const seconds = (stamps.at(-1)! - stamps[0]!) / 1000;
    expect(stamps.length / seconds).toBeGreaterThan(rate * 0.6);
    expect(stamps.length / seconds).toBeLessThanOrEqual(rate * 1.1);
  }, 60_000);

  it("a 429 with Retry-After holds every replica's bulk work toward that backend, and fails no item", async () => {
    const [a, b] = await replicas({ BULK_RATE_PLUME: '100', BULK_CONCURRENCY: '4' });
    const clock = stampRequests(plumeApiRequests());
    let id: string;
    let injectedAt = 0;
    try {
      id = await start(a, 80);
      // Mid-job, with both replicas busy: the next level write is refused once.
      await waitForJob(b.url, id, (job) => job.succeeded >= 10);
      injectedAt = clock.stamped().length;
      sandbox.plume.control.inject({
        method: 'PATCH',
        path: `/api/Customers/${scaleCustomerId}/*`,
        status: 429,
        headers: { 'retry-after': '2' },
        times: 1,
      });
      expect(await waitForJob(b.url, id, undefined, { limitMs: 30_000 })).toMatchObject({
        status: 'COMPLETED',
        succeeded: 80,
        failed: 0,
      });
    } finally {
      clock.stop();
    }
    const stamped = clock.stamped();
    const limited = stamped.findIndex((s, i) => i >= injectedAt && s.method === 'PATCH');
    expect(limited).toBeGreaterThanOrEqual(0);
    const at = stamped[limited]!.at;
    // Calls already past their turn may still land just after; then nothing until Retry-After has passed.
    const during = stamped.filter((s) => s.at > at + 300 && s.at < at + 1_900);
    expect(during).toEqual([]);
    expect(stamped.some((s) => s.at >= at + 1_900)).toBe(true);
    const failed = await gql(b.url, BulkJobItems, { id: id!, outcome: ['FAILED'] });
    expect(failed.data?.node.items.totalCount).toBe(0);
  }, 60_000);

  it('an interactive request does not queue behind a running job', async () => {
    const [a] = await replicas({ BULK_RATE_PLUME: '1000', BULK_CONCURRENCY: '8' });
    const measure = async () => {
      const started = performance.now();
      const answer = await gql(a.url, Overview, { id: customerIds.ada });
      expect(answer.data?.customer?.name).toBe('Ada Lovelace');
      return performance.now() - started;
    };
    await measure();
    const quiet = Math.max(...(await Promise.all([measure(), measure(), measure()])));
    // Every bulk write holds its connection for a while: the job keeps the workers busy.
    sandbox.plume.control.inject({
      method: 'PATCH',
      path: `/api/Customers/${scaleCustomerId}/*`,
      delayMs: 300,
    });
    const id = await start(a, 80);
    await waitForJob(a.url, id, (job) => job.succeeded >= 8);
    const busy: number[] = [];
    for (let i = 0; i < 10; i += 1) busy.push(await measure());
    expect((await waitForJob(a.url, id, () => true)).status).toBe('RUNNING');
    // Generous: a second at most, and never more than a few times the quiet latency.
    expect(Math.max(...busy)).toBeLessThan(Math.max(1_000, quiet * 5));
  }, 60_000);
});
