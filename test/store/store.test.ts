import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';
import type { GatewayStore } from '../../src/store/store.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';

const options = { ttlMs: 60_000, leaseMs: 60_000 };

/** The store contract, run against each implementation. */
function storeContract(make: () => GatewayStore) {
  let n = 0;
  const key = () => `caller:key-${++n}-${Math.random()}`;

  it('claims a new key, then answers busy while it is held', async () => {
    const store = make();
    const k = key();
    const first = await store.claim(k, 'fp');
    expect(first).toMatchObject({ kind: 'claimed', saved: undefined });
    expect(await store.claim(k, 'fp')).toEqual({ kind: 'busy' });
  });

  it('answers mismatch for the same key with another fingerprint, even while it is held', async () => {
    const store = make();
    const k = key();
    await store.claim(k, 'fp-a');
    expect(await store.claim(k, 'fp-b')).toEqual({ kind: 'mismatch' });
  });

  it('replays a finished outcome', async () => {
    const store = make();
    const k = key();
    const claim = await store.claim(k, 'fp');
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await store.save(claim.lease, { answer: 42 }, true);
    await store.release(claim.lease);
    expect(await store.claim(k, 'fp')).toEqual({ kind: 'finished', outcome: { answer: 42 } });
  });

  it('hands saved progress of an unfinished run to the next claim, which resumes it', async () => {
    const store = make();
    const k = key();
    const claim = await store.claim(k, 'fp');
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await store.save(claim.lease, { step: 1 }, false);
    await store.release(claim.lease);
    expect(await store.claim(k, 'fp')).toMatchObject({ kind: 'claimed', saved: { step: 1 } });
  });

  it('refuses a save with a lease it does not hold', async () => {
    const store = make();
    const k = key();
    await store.claim(k, 'fp');
    await expect(store.save({ key: k, owner: 'someone-else' }, {}, true)).rejects.toThrow(/lease/);
  });

  it('of two simultaneous claims of one key, exactly one wins', async () => {
    const [a, b] = [make(), make()];
    const k = key();
    const kinds = (await Promise.all([a.claim(k, 'fp'), b.claim(k, 'fp')])).map((c) => c.kind).sort();
    expect(kinds).toEqual(['busy', 'claimed']);
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
  storeContract(() => shared);
});

describe.runIf(redisAvailable)('RedisStore on a real redis-server', () => {
  let redis: TestRedis;
  const stores: GatewayStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis.stop();
  });
  // Each call is a separate connection, as two gateway replicas would have.
  storeContract(() => {
    const store = new RedisStore(redis.url, options);
    stores.push(store);
    return store;
  });

  it('keeps a record for IDEMPOTENCY_TTL and a level without expiry', async () => {
    const store = new RedisStore(redis.url, { ttlMs: 30_000, leaseMs: 5_000 });
    stores.push(store);
    const claim = await store.claim('caller:ttl', 'fp');
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await store.rememberLevel('c:l', 'basicService');
    const client = new Redis(redis.url);
    const recordTtl = await client.pttl('subscriber-graph:idem:caller:ttl');
    const leaseTtl = await client.pttl('subscriber-graph:lease:caller:ttl');
    const levelTtl = await client.pttl('subscriber-graph:level:c:l');
    await client.quit();
    expect(recordTtl).toBeGreaterThan(5_000);
    expect(recordTtl).toBeLessThanOrEqual(30_000);
    expect(leaseTtl).toBeLessThanOrEqual(5_000);
    expect(levelTtl).toBe(-1);
  });
});
