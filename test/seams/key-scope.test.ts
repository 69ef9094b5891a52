import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { customerIds, demoTokens, SANDBOX_PASSWORD } from '../../src/sandbox/seed.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { newKey } from '../workflows/helpers.js';
import { Decrease, gatewayEnv, post, type Replica, startReplicas } from './helpers.js';

/**
 * Keys belong to the caller's authority over the customer, not to the spelling of the header (issue 19,
 * finding 2): one key sent with five spellings of the admin's token and with a freshly issued token, over
 * two gateway processes, decreases once; a caller without authority never learns the outcome.
 */
describe.runIf(redisAvailable)('idempotency keys across token spellings and refreshes', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  const running: ChildProcess[] = [];
  let replicas: Replica[];
  const quantity = () =>
    sandbox.services.state
      .listSubAccountServices({ subAccountId: 'ACC-1003' })
      .services.find((s) => s.id === 9006)?.serviceQuantity;

  beforeAll(async () => {
    [redis, sandbox] = await Promise.all([startRedis(), startSandbox()]);
    replicas = await startReplicas(gatewayEnv(sandbox, redis.url), 2, running);
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await sandbox?.close();
    await redis?.stop();
  });

  it('five spellings of the token and a refreshed token: one decrease, every answer the first', async () => {
    const login = await fetch(`${sandbox.upstream.plumeUrl}/api/admins/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@sandbox.test', password: SANDBOX_PASSWORD }),
    });
    const { id: refreshed } = (await login.json()) as { id: string };
    const spellings = [
      demoTokens.admin,
      `Bearer ${demoTokens.admin}`,
      `bearer  ${demoTokens.admin}`,
      `BEARER ${demoTokens.admin}`,
      `Bearer\t${demoTokens.admin}`,
      refreshed,
    ];
    const key = newKey();
    const answers = [];
    for (const [i, authorization] of spellings.entries()) {
      const replica = replicas[i % 2]!;
      answers.push(await post(replica.url, Decrease, { customerId: customerIds.linus, key }, authorization));
    }
    expect(answers[0]?.data?.reduceSubAccountServices).toMatchObject({
      __typename: 'ReduceSubAccountServicesSuccess',
      services: [{ serviceId: 9006, quantity: 4 }],
    });
    for (const answer of answers) expect(answer.data).toEqual(answers[0]?.data);
    expect(quantity()).toBe(4);
  });

  it('a caller whose token does not cover the customer gets NotAuthorizedError, not the outcome', async () => {
    const key = newKey();
    await post(replicas[0]!.url, Decrease, { customerId: customerIds.linus, key });
    const before = quantity();
    for (const token of [demoTokens.ada, demoTokens.expired, 'no-such-token']) {
      const answer = await post(replicas[1]!.url, Decrease, { customerId: customerIds.linus, key }, token);
      expect(answer.data?.reduceSubAccountServices).toMatchObject({ __typename: 'NotAuthorizedError' });
      expect(JSON.stringify(answer)).not.toContain('9006');
    }
    expect(quantity()).toBe(before);
  });
});
