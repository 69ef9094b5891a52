import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopShare } from '../../src/bulk/loop-share.js';
import { SharedPacer } from '../../src/bulk/pacer.js';
import { RateLimitedError } from '../../src/errors.js';
import { RequestDeadline } from '../../src/upstream/http/deadline.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';

/**
 * The shared pacer on a real redis-server, as two replicas use it (two pacers, two connections): one rate
 * per backend for both together, a 429's pause seen by both (its Retry-After, or a second without one),
 * and a turn that would not fit an item's deadline refused at once.
 */

describe.runIf(redisAvailable)('the shared pacer', () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  const pacer = (rates = { plume: 10, services: 1000 }) => {
    const client = new Redis(redis.url);
    clients.push(client);
    // The whole loop: these tests are about the shared rate (test/bulk/loop-share.test.ts: the share).
    return new SharedPacer(client, rates, pino({ level: 'silent' }), new LoopShare(1));
  };
  const timed = async (call: () => Promise<void>) => {
    const started = performance.now();
    await call();
    return performance.now() - started;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  it('spaces calls toward one backend 1/rate apart over both replicas, and leaves the other backend alone', async () => {
    const [a, b] = [pacer(), pacer()];
    const started = performance.now();
    // Ten calls at 10/s from two replicas: the last goes out about 0.9 s after the first.
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).before('plume')));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(800);
    expect(elapsed).toBeLessThan(2_000);
    expect(await timed(() => a.before('services'))).toBeLessThan(200);
  });

  it("a 429's pause holds every replica's calls toward that backend: its Retry-After, or a second without one", async () => {
    const [a, b] = [pacer({ plume: 1000, services: 1000 }), pacer({ plume: 1000, services: 1000 })];
    a.rateLimited('plume', 1_500);
    await new Promise((r) => setTimeout(r, 50));
    const waited = await timed(() => b.before('plume'));
    expect(waited).toBeGreaterThan(1_300);
    expect(waited).toBeLessThan(2_500);
    expect(await timed(() => b.before('services'))).toBeLessThan(200);
    b.rateLimited('services', undefined);
    await new Promise((r) => setTimeout(r, 50));
    const paused = await timed(() => a.before('services'));
    expect(paused).toBeGreaterThan(800);
    expect(paused).toBeLessThan(2_000);
  });

  it("refuses at once (nothing sent) a turn that would not fit the item's deadline", async () => {
    const a = pacer({ plume: 1000, services: 1000 });
    a.rateLimited('plume', 5_000);
    await new Promise((r) => setTimeout(r, 50));
    const deadline = new RequestDeadline(2_000);
    const started = performance.now();
    await expect(a.before('plume', deadline)).rejects.toBeInstanceOf(RateLimitedError);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
