import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { customerIds, DEMO_ADMIN_TOKEN, locationIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { locations } from '../helpers/fixtures.js';
import { newKey } from '../workflows/helpers.js';
import { Decrease, gatewayEnv, post, type Replica, sleep, startReplicas, untilSettled } from './helpers.js';

/**
 * A replica killed with SIGKILL in the middle of keyed work (issue 19, finding 3): its claim is taken over
 * by the other replica within seconds (the lease it renewed lapses), and the taker verifies by reading
 * before it writes again. A decrease (not safe to repeat) waits until the dead request's deadline first.
 */

const CancelLocation = graphql(`
  mutation SeamCancelLocation($input: CancelLocationServiceInput!) {
    cancelLocationService(input: $input) {
      __typename
      ... on WorkflowReport {
        completed
        replayed
        steps {
          name
          status
        }
      }
      ... on InProgressError {
        retryAfterSeconds
      }
      ... on Error {
        code
      }
    }
  }
`);

const DECREASE_PATH = `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelsubaccountservices`;
const CANCEL_PATH = `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelservices`;

describe.runIf(redisAvailable)('a replica killed mid-work', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  let running: ChildProcess[] = [];
  let a: Replica;
  let b: Replica;
  const posts = (path: string) =>
    sandbox.services.control.requests.filter((r) => r.method === 'POST' && r.path === path).length;

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
  });
  beforeEach(async () => {
    sandbox = await startSandbox();
    [a, b] = (await startReplicas(gatewayEnv(sandbox, redis.url), 2, running)) as [Replica, Replica];
  });
  afterEach(async () => {
    for (const child of running) child.kill('SIGKILL');
    running = [];
    await sandbox.close();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('kill -9 mid-workflow: the retry on the other replica gets InProgressError with a hint, then resumes within seconds and converges', async () => {
    sandbox.services.control.inject({ method: 'POST', path: CANCEL_PATH, delayMs: 1500, times: 1 });
    const input = { locationId: locations.linusGarage, idempotencyKey: newKey() };
    void post(a.url, CancelLocation, { input }).catch(() => undefined);
    await sleep(500);
    a.child.kill('SIGKILL');
    const busy = await post(b.url, CancelLocation, { input });
    expect(busy.data?.cancelLocationService).toMatchObject({ __typename: 'InProgressError' });
    const hint = (busy.data?.cancelLocationService as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(hint).toBeGreaterThanOrEqual(1);
    expect(hint).toBeLessThanOrEqual(6);
    const { answer, waitedMs } = await untilSettled(
      () => post(b.url, CancelLocation, { input }),
      (r) => r.data?.cancelLocationService.__typename,
    );
    expect(waitedMs).toBeLessThan(8000);
    const report = answer.data?.cancelLocationService as {
      completed: boolean;
      steps: Array<{ status: string }>;
    };
    expect(report).toMatchObject({ __typename: 'WorkflowReport', completed: true, replayed: false });
    // The dead replica's services cancel took effect upstream; the resumed step converges on it.
    expect(report.steps.map((s) => s.status)).toEqual([
      expect.stringMatching(/^(DONE|ALREADY_DONE)$/),
      'DONE',
    ]);
    const location = sandbox.plume.state.getLocation(
      DEMO_ADMIN_TOKEN,
      customerIds.linus,
      locationIds.linusGarage,
    );
    expect(location.archived).toBe(true);
    const left = sandbox.services.state
      .listLocationServices({ locationId: locationIds.linusGarage })
      .services.filter((s) => s.status === 'ACTIVE');
    expect(left).toEqual([]);
  });

  it('kill -9 mid-decrease: the other replica waits out the dead request, then verifies by reading: one decrease', async () => {
    sandbox.services.control.inject({ method: 'POST', path: DECREASE_PATH, delayMs: 1500, times: 1 });
    const key = newKey();
    void post(a.url, Decrease, { customerId: customerIds.linus, key }).catch(() => undefined);
    await sleep(500);
    a.child.kill('SIGKILL');
    const { answer, inProgress } = await untilSettled(
      () => post(b.url, Decrease, { customerId: customerIds.linus, key }),
      (r) => r.data?.reduceSubAccountServices.__typename,
    );
    expect(inProgress).toBeGreaterThan(0);
    expect(answer.data?.reduceSubAccountServices).toMatchObject({
      __typename: 'ReduceSubAccountServicesSuccess',
      confirmedBy: 'READ_BACK',
      services: [{ serviceId: 9006, quantity: 4 }],
    });
    expect(posts(DECREASE_PATH)).toBe(1);
  });

  it('kill -9 after the intent was recorded but before the write was sent: the taker writes once', async () => {
    // The decrease's facts read is held, so the replica dies before it sends the write.
    sandbox.services.control.inject({ method: 'GET', path: '/v2/accounts/*', delayMs: 1500, times: 1 });
    const key = newKey();
    void post(a.url, Decrease, { customerId: customerIds.linus, key }).catch(() => undefined);
    await sleep(700);
    a.child.kill('SIGKILL');
    await sleep(1000);
    const { answer } = await untilSettled(
      () => post(b.url, Decrease, { customerId: customerIds.linus, key }),
      (r) => r.data?.reduceSubAccountServices.__typename,
    );
    expect(answer.data?.reduceSubAccountServices).toMatchObject({
      __typename: 'ReduceSubAccountServicesSuccess',
      services: [{ serviceId: 9006, quantity: 4 }],
    });
    expect(posts(DECREASE_PATH)).toBe(1);
  });
});
