import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { scaleCustomerId } from '../../src/sandbox/scale-seed.js';
import { tokens } from '../helpers/fixtures.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { type Replica, startReplicas } from '../seams/helpers.js';
import { BulkJobProgress, StartBulkJob } from './documents.js';
import { gql, newKey, replicaEnv, scaleLocations, subscribe, waitForJob } from './helpers.js';

/**
 * bulkJobProgress over server-sent events, across replicas through Redis pub/sub: a subscriber on one
 * replica follows a job whose items both replicas run. It gets the current state first, then growing
 * counts, then the final state, and the stream ends. Another caller's subscription is NOT_FOUND.
 */

interface Progress {
  data?: {
    bulkJobProgress: {
      status: string;
      succeeded: number;
      failed: number;
      skipped: number;
      objectCount: number;
    };
  };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe.runIf(redisAvailable)('bulkJobProgress across replicas', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  const running: ChildProcess[] = [];
  let a: Replica;
  let b: Replica;
  const start = async (count: number) => {
    const answer = await gql(a.url, StartBulkJob, {
      input: {
        action: 'SUSPEND_LOCATION',
        items: scaleLocations(count),
        level: 'NO_SERVICE',
        reason: 'non-payment',
        idempotencyKey: newKey(),
      },
    });
    return answer.data.startBulkJob.job.id as string;
  };

  beforeAll(async () => {
    [redis, sandbox] = await Promise.all([startRedis(), startSandbox({ scale: 40 })]);
    sandbox.plume.control.inject({
      method: 'PATCH',
      path: `/api/Customers/${scaleCustomerId}/*`,
      delayMs: 100,
    });
    [a, b] = (await startReplicas(
      replicaEnv(sandbox, redis.url, { BULK_CONCURRENCY: '2', BULK_RATE_PLUME: '1000' }),
      2,
      running,
    )) as [Replica, Replica];
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await sandbox?.close();
    await redis?.stop();
  });

  it('delivers the current state, then growing counts, then the final state, and the stream ends', async () => {
    const id = await start(40);
    const { status, events, completed } = await subscribe<Progress>(b.url, BulkJobProgress, { id });
    expect(status).toBe(200);
    expect(completed).toBe(true);
    const states = events.map((event) => event.data!.bulkJobProgress);
    expect(states[0]!.status).toMatch(/^(CREATED|RUNNING)$/);
    expect(states.at(-1)).toMatchObject({ status: 'COMPLETED', succeeded: 40, objectCount: 40 });
    expect(states.slice(0, -1).every((s) => s.status !== 'COMPLETED')).toBe(true);
    const counts = states.map((s) => s.succeeded);
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
    // Several states in between, not just the first and the last.
    expect(new Set(counts).size).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it("a finished job's stream is its final state alone; another caller's subscription is NOT_FOUND", async () => {
    const id = await start(3);
    await waitForJob(a.url, id);
    const finished = await subscribe<Progress>(b.url, BulkJobProgress, { id }, { limitMs: 10_000 });
    expect(finished.events.map((e) => e.data?.bulkJobProgress.status)).toEqual(['COMPLETED']);
    expect(finished.completed).toBe(true);
    const theirs = await subscribe<Progress>(
      b.url,
      BulkJobProgress,
      { id },
      { token: tokens.ada, limitMs: 10_000 },
    );
    expect(theirs.events.flatMap((e) => e.errors?.map((error) => error.extensions?.code) ?? [])).toEqual([
      'NOT_FOUND',
    ]);
    expect(theirs.events.some((e) => e.data?.bulkJobProgress)).toBe(false);
  }, 30_000);
});
