import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK, QUEUED_AHEAD } from '../../src/bulk/fanout.js';
import { BULL_PREFIX, QUEUE_NAME } from '../../src/bulk/queue.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { StartBulkJob } from './documents.js';
import { bulkConfig, newKey, scaleLocations, upload, waitForJob } from './helpers.js';

/**
 * A large job is enqueued as it runs: the fan-out keeps at most QUEUED_AHEAD items (plus the chunk it is
 * adding) waiting for the workers, so its CPU and BullMQ's copies in Redis are spread over the job, not
 * spent in its first second; and every line still runs once.
 */

const COUNT = 2_500;

describe.runIf(redisAvailable)('the fan-out of a large job', () => {
  let redis: TestRedis;
  let gw: TestGateway;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    gw = await startTestGateway(bulkConfig(redis.url, { rates: { plume: 10_000, services: 10_000 } }), {
      scale: COUNT,
    });
  });
  afterAll(async () => {
    client?.disconnect();
    await gw?.close();
    await redis?.stop();
  });

  it(`keeps at most ${QUEUED_AHEAD} items queued ahead of the workers, and runs every line once`, async () => {
    const csv = ['id', ...scaleLocations(COUNT)].join('\n');
    const uploaded = await upload(gw.url, csv, 'text/csv');
    const { uploadId } = (await uploaded.json()) as { uploadId: string };
    const answer = await gw.execute(StartBulkJob, {
      input: {
        action: 'SUSPEND_LOCATION',
        uploadId,
        level: 'NO_SERVICE',
        reason: 'non-payment',
        dryRun: true,
        idempotencyKey: newKey(),
      },
    });
    const id =
      answer.data?.startBulkJob.__typename === 'StartBulkJobSuccess' ? answer.data.startBulkJob.job.id : '';
    expect(answer.data?.startBulkJob.__typename, JSON.stringify(answer.data ?? answer.errors)).toBe(
      'StartBulkJobSuccess',
    );

    // BullMQ's waiting list and delayed set: the items queued and not yet taken.
    const base = `${BULL_PREFIX}:${QUEUE_NAME}`;
    let mostQueued = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [waiting, delayed] = await Promise.all([
          client.llen(`${base}:wait`),
          client.zcard(`${base}:delayed`),
        ]);
        mostQueued = Math.max(mostQueued, waiting + delayed);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const done = await waitForJob(gw.url, id, undefined, { limitMs: 120_000 }).finally(
      () => (sampling = false),
    );
    await sampler;
    expect(done).toMatchObject({ status: 'COMPLETED', succeeded: COUNT, failed: 0, skipped: 0 });
    expect(mostQueued).toBeGreaterThan(0);
    expect(mostQueued).toBeLessThanOrEqual(QUEUED_AHEAD + CHUNK);
  }, 150_000);
});
