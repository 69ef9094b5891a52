import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';
import type { GatewayStore } from '../../src/store/store.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';

const options = { ttlMs: 60_000, leaseMs: 60_000 };

async function claimed(store: GatewayStore, key: string, fp = 'fp', requestId = 'req-1') {
  const claim = await store.claim(key, fp, requestId);
  if (claim.kind !== 'claimed') throw new Error(`not claimed: ${claim.kind}`);
  return claim;
}

/** The store contract, run against each implementation. */
function storeContract(make: (leaseMs?: number) => GatewayStore) {
  let n = 0;
  const key = () => `customer:c:key-${++n}-${Math.random()}`;

  it('claims a new key, then answers busy while it is held, with the time left on its lease', async () => {
    const store = make();
    const k = key();
    expect(await store.claim(k, 'fp', 'req-1')).toMatchObject({ kind: 'claimed', saved: undefined });
    const busy = await store.claim(k, 'fp', 'req-2');
    expect(busy.kind).toBe('busy');
    expect(busy.kind === 'busy' && busy.retryAfterMs).toBeGreaterThan(50_000);
  });

  it('answers mismatch for the same key with another fingerprint, even while it is held', async () => {
    const store = make();
    const k = key();
    await store.claim(k, 'fp-a', 'req-1');
    expect(await store.claim(k, 'fp-b', 'req-2')).toEqual({ kind: 'mismatch' });
  });

  it('replays a finished outcome', async () => {
    const store = make();
    const k = key();
    const { lease } = await claimed(store, k);
    await store.save(lease, { answer: 42 }, true);
    await store.release(lease);
    expect(await store.claim(k, 'fp', 'req-2')).toEqual({ kind: 'finished', outcome: { answer: 42 } });
  });

  it('hands saved progress of an unfinished run to the next claim, which names the request that started it', async () => {
    const store = make();
    const k = key();
    const { lease } = await claimed(store, k, 'fp', 'req-first');
    await store.save(lease, { step: 1 }, false);
    await store.release(lease);
    const next = await claimed(store, k, 'fp', 'req-second');
    expect(next.saved).toEqual({ step: 1 });
    expect(next.lease.startedBy).toBe('req-first');
  });

  it('refuses a save with a lease it does not hold', async () => {
    const store = make();
    const k = key();
    const { lease } = await claimed(store, k);
    await expect(store.save({ ...lease, owner: 'someone-else' }, {}, true)).rejects.toThrow(/lease/);
  });

  it('a lapsed lease is taken over; the old owner can no longer save or renew (fencing)', async () => {
    const store = make(200);
    const k = key();
    const old = await claimed(store, k);
    await store.save(old.lease, { intent: 'write' }, false);
    expect((await store.claim(k, 'fp', 'req-2')).kind).toBe('busy');
    await new Promise((r) => setTimeout(r, 300));
    const taker = await claimed(store, k, 'fp', 'req-2');
    expect(taker.saved).toEqual({ intent: 'write' });
    await expect(store.save(old.lease, { outcome: 'late' }, true)).rejects.toThrow(/lease/);
    await expect(store.renew(old.lease)).rejects.toThrow(/lease/);
    await store.save(taker.lease, { outcome: 'taker' }, true);
    expect(await store.claim(k, 'fp', 'req-3')).toEqual({ kind: 'finished', outcome: { outcome: 'taker' } });
  });

  it('a hold keeps the key from being taken over after its lease lapses, until the hold ends', async () => {
    const store = make(100);
    const k = key();
    const { lease } = await claimed(store, k);
    await store.save(lease, { intent: 'decrease' }, false, Date.now() + 400);
    await new Promise((r) => setTimeout(r, 200));
    const busy = await store.claim(k, 'fp', 'req-2');
    expect(busy.kind).toBe('busy');
    expect(busy.kind === 'busy' && busy.retryAfterMs).toBeGreaterThan(100);
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.claim(k, 'fp', 'req-3')).toMatchObject({
      kind: 'claimed',
      saved: { intent: 'decrease' },
    });
  });

  it('a renewed lease is never taken over', async () => {
    const store = make(200);
    const k = key();
    const { lease } = await claimed(store, k);
    for (let i = 0; i < 4; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      await store.renew(lease);
    }
    expect((await store.claim(k, 'fp', 'req-2')).kind).toBe('busy');
  });

  it('of two simultaneous claims of one key, exactly one wins', async () => {
    const [a, b] = [make(), make()];
    const k = key();
    const claims = await Promise.all([a.claim(k, 'fp', 'req-a'), b.claim(k, 'fp', 'req-b')]);
    expect(claims.map((c) => c.kind).sort()).toEqual(['busy', 'claimed']);
  });

  it('remembers the first level only, recalls and forgets it', async () => {
    const store = make();
    const location = `c:${key()}`;
    expect(await store.rememberLevel(location, 'fullService')).toBe(true);
    expect(await store.rememberLevel(location, 'noService')).toBe(false);
    expect(await store.recallLevel(location)).toBe('fullService');
    await store.forgetLevel(location);
    expect(await store.recallLevel(location)).toBeUndefined();
  });
}

describe('MemoryStore', () => {
  const shared = new MemoryStore(options);
  storeContract((leaseMs) => (leaseMs ? new MemoryStore({ ...options, leaseMs }) : shared));
});

describe.runIf(redisAvailable)('RedisStore on a real redis-server', () => {
  let redis: TestRedis;
  const stores: GatewayStore[] = [];
  const open = (overrides: Partial<ConstructorParameters<typeof RedisStore>[1]> = {}) => {
    const store = new RedisStore(redis.url, { ...options, commandTimeoutMs: 500, ...overrides });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis.stop();
  });
  // Each call is a separate connection, as two gateway replicas would have.
  storeContract((leaseMs) => open(leaseMs ? { leaseMs } : {}));

  it('keeps a record for IDEMPOTENCY_TTL and a level without expiry', async () => {
    const store = open({ ttlMs: 30_000, leaseMs: 5_000 });
    const claim = await store.claim('customer:c:ttl', 'fp', 'req-1');
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await store.rememberLevel('c:l', 'basicService');
    const client = new Redis(redis.url);
    const recordTtl = await client.pttl('subscriber-graph:idem:customer:c:ttl');
    const leaseTtl = await client.pttl('subscriber-graph:lease:customer:c:ttl');
    const levelTtl = await client.pttl('subscriber-graph:level:c:l');
    await client.quit();
    expect(recordTtl).toBeGreaterThan(5_000);
    expect(recordTtl).toBeLessThanOrEqual(30_000);
    expect(leaseTtl).toBeLessThanOrEqual(5_000);
    expect(levelTtl).toBe(-1);
  });

  it('a save writes back a record the store lost (a restart without persistence), unless someone took the key', async () => {
    const store = open();
    const { lease } = await claimed(store, 'customer:c:lost');
    const client = new Redis(redis.url);
    await client.del('subscriber-graph:idem:customer:c:lost', 'subscriber-graph:lease:customer:c:lost');
    await client.quit();
    await store.save(lease, { outcome: 'kept' }, true);
    expect(await store.claim('customer:c:lost', 'fp', 'req-2')).toEqual({
      kind: 'finished',
      outcome: { outcome: 'kept' },
    });
  });

  it('says whether its Redis persists', async () => {
    expect(await open().persistence()).toBe('volatile');
  });

  it('a hung Redis (SIGSTOP) fails each command within its timeout instead of holding the caller', async () => {
    const store = open({ commandTimeoutMs: 300 });
    await store.recallLevel('warm-up');
    redis.pause();
    try {
      const started = Date.now();
      await expect(store.claim('customer:c:hung', 'fp', 'req-1')).rejects.toThrow(/timed out/i);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      redis.resume();
    }
  });
});

describe.runIf(redisAvailable)('RedisStore on a persistent redis-server', () => {
  it('keeps finished outcomes and unfinished intents across a kill -9 and restart', async () => {
    const redis = await startRedis({ persistent: true });
    const store = new RedisStore(redis.url, { ...options, commandTimeoutMs: 1_000 });
    try {
      expect(await store.persistence()).toBe('persistent');
      const done = await claimed(store, 'customer:c:done');
      await store.save(done.lease, { outcome: 1 }, true);
      const open = await claimed(store, 'customer:c:open', 'fp', 'req-open');
      await store.save(open.lease, { intent: { facts: { before: 2 } } }, false);
      await redis.kill();
      await redis.restart();
      expect(await store.claim('customer:c:done', 'fp', 'req-2')).toEqual({
        kind: 'finished',
        outcome: { outcome: 1 },
      });
      // The unfinished one is still held by its (renewed) lease, then handed over with its intent.
      expect((await store.claim('customer:c:open', 'fp', 'req-2')).kind).toBe('busy');
      const client = new Redis(redis.url);
      await client.del('subscriber-graph:lease:customer:c:open');
      await client.quit();
      const next = await claimed(store, 'customer:c:open', 'fp', 'req-3');
      expect(next.saved).toEqual({ intent: { facts: { before: 2 } } });
      expect(next.lease.startedBy).toBe('req-open');
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});
