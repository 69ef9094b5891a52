import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { customerIds, DEMO_ADMIN_TOKEN, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { executeAt, startServer } from '../helpers/server-process.js';
import { locations } from '../helpers/fixtures.js';
import {
  newKey,
  ReduceSku195,
  reportOf,
  RestoreLocation,
  statuses,
  SuspendLocation,
  writes,
} from './helpers.js';

/**
 * Two gateway processes (as `npm start` runs them) over one pair of simulators and one real redis-server:
 * they honour one idempotency key and share one suspension memory.
 */

const Cancel = graphql(`
  mutation WfSharedCancel($input: CancelLocationServiceInput!) {
    cancelLocationService(input: $input) {
      __typename
    }
  }
`);

describe.runIf(redisAvailable)('two gateway processes sharing one Redis', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  const running: ChildProcess[] = [];
  let a: string;
  let b: string;
  const resetCounts = () => (sandbox.plume.control.clearRequests(), sandbox.services.control.clearRequests());
  const cottageLevel = () =>
    sandbox.plume.state.getServiceLevel(DEMO_ADMIN_TOKEN, customerIds.ada, locationIds.adaCottage).status;

  beforeAll(async () => {
    [redis, sandbox] = await Promise.all([startRedis(), startSandbox()]);
    const env = {
      PLUME_API_URL: sandbox.upstream.plumeUrl,
      SERVICES_API_URL: sandbox.upstream.servicesUrl,
      SERVICES_API_KEY: sandbox.upstream.servicesApiKey,
      SERVICES_ACCOUNT_ID: sandbox.upstream.servicesAccountId,
      REDIS_URL: redis.url,
      AUDIT_LOG: 'off',
    };
    [a, b] = (await Promise.all([startServer(env, running), startServer(env, running)])).map(
      (s) => s.url,
    ) as [string, string];
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await sandbox?.close();
    await redis?.stop();
  });

  it('a key used on one gateway replays on the other: the retried decrease decreases once', async () => {
    const key = newKey();
    const first = await executeAt(a, ReduceSku195, { customerId: customerIds.linus, quantity: 1, key });
    expect(first.data?.reduceSubAccountServices).toEqual({
      __typename: 'ReduceSubAccountServicesSuccess',
      services: [{ serviceId: 9006, quantity: 4 }],
    });
    resetCounts();
    const retry = await executeAt(b, ReduceSku195, { customerId: customerIds.linus, quantity: 1, key });
    expect(retry.data).toEqual(first.data);
    // One read of the customer (the caller's authority), no write.
    expect(sandbox.plume.control.requests.map((r) => r.method)).toEqual(['GET']);
    expect(sandbox.services.control.requests).toEqual([]);
    expect(
      sandbox.services.state.listSubAccountServices({ subAccountId: 'ACC-1003' }).services[0],
    ).toMatchObject({ id: 9006, serviceQuantity: 4 });
  });

  it('concurrent duplicates on the two gateways do the work once', async () => {
    sandbox.services.control.inject({ method: 'POST', path: '/v2/accounts/*', delayMs: 300, times: 1 });
    resetCounts();
    const input = { locationId: locations.linusGarage, idempotencyKey: newKey() };
    const results = await Promise.all([executeAt(a, Cancel, { input }), executeAt(b, Cancel, { input })]);
    expect(results.map((r) => r.data?.cancelLocationService.__typename).sort()).toEqual([
      'InProgressError',
      'WorkflowReport',
    ]);
    expect(writes({ sandbox }).services).toHaveLength(1);
    expect(writes({ sandbox }).plume).toHaveLength(1);
  });

  it('suspend on one gateway, restore on the other: back to the exact earlier level', async () => {
    expect(cottageLevel()).toBe('basicService');
    const suspended = await executeAt(a, SuspendLocation, {
      input: {
        locationId: locations.adaCottage,
        level: 'NO_SERVICE',
        reason: 'non-payment',
        idempotencyKey: newKey(),
      },
    });
    expect(statuses(reportOf(suspended.data?.suspendLocation))).toEqual([
      'rememberLevel:DONE',
      'setServiceLevel:DONE',
    ]);
    expect(cottageLevel()).toBe('noService');
    const restored = await executeAt(b, RestoreLocation, {
      input: { locationId: locations.adaCottage, idempotencyKey: newKey() },
    });
    expect(reportOf(restored.data?.restoreLocation).preview.serviceLevel).toEqual({
      from: 'NO_SERVICE',
      to: 'BASIC_SERVICE',
    });
    expect(cottageLevel()).toBe('basicService');
  });
});
