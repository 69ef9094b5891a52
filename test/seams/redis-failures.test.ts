import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { customerIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { newKey } from '../workflows/helpers.js';
import { Decrease, gatewayEnv, post, type Replica, sleep, startReplicas, untilSettled } from './helpers.js';

/**
 * Exactly once when Redis fails (issue 19, finding 1 and 3): a persistent redis-server killed with SIGKILL
 * in the middle of a decrease and started again, killed after a success, and paused with SIGSTOP. Two
 * gateway processes share it; the decrease is the write that is not safe to repeat.
 */

const DECREASE_PATH = `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelsubaccountservices`;
const typename = (a: { data?: { reduceSubAccountServices: { __typename: string } } | null }) =>
  a.data?.reduceSubAccountServices.__typename;

describe.runIf(redisAvailable)('exactly once when Redis fails', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  let running: ChildProcess[] = [];
  let a: Replica;
  let b: Replica;
  const quantity = () =>
    sandbox.services.state
      .listSubAccountServices({ subAccountId: 'ACC-1003' })
      .services.find((s) => s.id === 9006)?.serviceQuantity;
  const decreases = () =>
    sandbox.services.control.requests.filter((r) => r.method === 'POST' && r.path === DECREASE_PATH).length;

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
  });
  beforeEach(async () => {
    sandbox = await startSandbox();
    [a, b] = (await startReplicas(gatewayEnv(sandbox, redis.url), 2, running)) as [Replica, Replica];
  });
  afterEach(async () => {
    redis.resume();
    for (const child of running) child.kill('SIGKILL');
    running = [];
    await sandbox.close();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('Redis killed mid-decrease and restarted: the client gets the decrease, a retry on the other replica gets it again, one decrease', async () => {
    sandbox.services.control.inject({ method: 'POST', path: DECREASE_PATH, delayMs: 2000, times: 1 });
    const key = newKey();
    const first = post(a.url, Decrease, { customerId: customerIds.linus, key });
    await sleep(700);
    await redis.kill();
    const answer = await first;
    // The write happened: reported as what it was, with a warning that the key may not remember it.
    expect(answer.data?.reduceSubAccountServices).toMatchObject({
      __typename: 'ReduceSubAccountServicesSuccess',
      services: [{ serviceId: 9006, quantity: 4 }],
    });
    expect(answer.extensions?.warnings).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_NOT_STORED' }),
    ]);
    await redis.restart();
    const { answer: retry } = await untilSettled(
      () => post(b.url, Decrease, { customerId: customerIds.linus, key }),
      typename,
    );
    expect(retry.data?.reduceSubAccountServices).toMatchObject({
      __typename: 'ReduceSubAccountServicesSuccess',
      services: [{ serviceId: 9006, quantity: 4 }],
    });
    expect(decreases()).toBe(1);
    expect(quantity()).toBe(4);
  });

  it('Redis restarted after a success: the persisted key still answers the first outcome', async () => {
    const key = newKey();
    const first = await post(a.url, Decrease, { customerId: customerIds.linus, key });
    expect(typename(first)).toBe('ReduceSubAccountServicesSuccess');
    await redis.kill();
    await redis.restart();
    const retry = await post(b.url, Decrease, { customerId: customerIds.linus, key });
    expect(retry.data).toEqual(first.data);
    expect(decreases()).toBe(1);
    expect(quantity()).toBe(4);
  });

  it('Redis paused (SIGSTOP): a keyed decrease is refused within the deadline, nothing written; reads still answer', async () => {
    await post(a.url, Decrease, { customerId: customerIds.linus, key: newKey() });
    sandbox.services.control.clearRequests();
    redis.pause();
    const started = Date.now();
    const refused = await post(a.url, Decrease, { customerId: customerIds.linus, key: newKey() });
    const tookMs = Date.now() - started;
    expect(refused.data?.reduceSubAccountServices).toMatchObject({
      __typename: 'StoreUnavailableError',
      code: 'STORE_UNAVAILABLE',
      retryAfterSeconds: 1,
    });
    expect(tookMs).toBeLessThan(6000);
    expect(decreases()).toBe(0);
    expect(quantity()).toBe(4);
    // A request without a key does not touch the store.
    const unkeyed = await post(b.url, Decrease, { customerId: customerIds.linus });
    expect(typename(unkeyed)).toBe('ReduceSubAccountServicesSuccess');
    redis.resume();
    // Once Redis answers again, so do keys.
    const after = await post(a.url, Decrease, { customerId: customerIds.linus, key: newKey() });
    expect(typename(after)).toBe('ReduceSubAccountServicesSuccess');
  });
});
