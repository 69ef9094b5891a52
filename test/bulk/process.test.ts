import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { scaleCustomerId } from '../../src/sandbox/scale-seed.js';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { locations } from '../helpers/fixtures.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { startServer } from '../helpers/server-process.js';
import { type Replica, startReplicas } from '../seams/helpers.js';
import { StartBulkJob } from './documents.js';
import { gql, newKey, replicaEnv, scaleLocationId, scaleLocations, sleep, waitForJob } from './helpers.js';

/**
 * The gateway process and its bulk work: SIGTERM ends it within SHUTDOWN_TIMEOUT_MS even with items in
 * flight (another replica finishes them), and the embedded default starts its own redis-server, which dies
 * with the gateway, even with `kill -9`.
 */

const accepting = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
const redisUrlIn = (output: string) => /"redis":"(redis:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];

describe.runIf(redisAvailable)('the gateway process and its bulk work', () => {
  let running: ChildProcess[] = [];
  let redis: TestRedis | undefined;
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    for (const child of running) child.kill('SIGKILL');
    running = [];
    await sandbox?.close();
    sandbox = undefined;
    await redis?.stop();
    redis = undefined;
  });
  afterAll(() => sleep(0));

  it('SIGTERM with items in flight ends within SHUTDOWN_TIMEOUT_MS; the other replica finishes them', async () => {
    [redis, sandbox] = await Promise.all([startRedis(), startSandbox({ scale: 8 })]);
    sandbox.plume.control.inject({
      method: 'PATCH',
      path: `/api/Customers/${scaleCustomerId}/*`,
      delayMs: 2_500,
    });
    const env = replicaEnv(sandbox, redis.url, {
      BULK_CONCURRENCY: '2',
      BULK_RATE_PLUME: '1000',
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    const [a, b] = (await startReplicas(env, 2, running)) as [Replica, Replica];
    const items = scaleLocations(8);
    const answer = await gql(a.url, StartBulkJob, {
      input: {
        action: 'SUSPEND_LOCATION',
        items,
        level: 'NO_SERVICE',
        reason: 'non-payment',
        idempotencyKey: newKey(),
      },
    });
    const id = answer.data.startBulkJob.job.id as string;
    // Both replicas are writing levels (each write takes 2.5 s).
    await sleep(1_000);
    const signalled = Date.now();
    a.child.kill('SIGTERM');
    await exited(a.child);
    expect(Date.now() - signalled).toBeLessThan(3_000 + 1_000);
    const done = await waitForJob(b.url, id, undefined, { limitMs: 60_000 });
    expect(done).toMatchObject({ status: 'COMPLETED', succeeded: 8, failed: 0 });
    for (const gid of items) {
      expect(
        sandbox.plume.state.getServiceLevel(DEMO_ADMIN_TOKEN, scaleCustomerId, scaleLocationId(gid)).status,
      ).toBe('noService');
    }
  }, 90_000);

  it('the embedded default starts its own redis-server: bulk jobs work with no setting, and it stops with the gateway', async () => {
    const server = await startServer({ AUDIT_LOG: 'off' }, running);
    const url = redisUrlIn(server.output());
    expect(url).toBeDefined();
    const answer = await gql(server.url, StartBulkJob, {
      input: {
        action: 'RESTORE_LOCATION',
        items: [locations.adaHome],
        dryRun: true,
        idempotencyKey: newKey(),
      },
    });
    expect(answer.data?.startBulkJob.__typename).toBe('StartBulkJobSuccess');
    await waitForJob(server.url, answer.data.startBulkJob.job.id);
    server.child.kill('SIGTERM');
    await exited(server.child);
    expect(await accepting(url!)).toBe(false);
  }, 30_000);

  it('kill -9 of the embedded default: its redis-server stops within seconds', async () => {
    const server = await startServer({ AUDIT_LOG: 'off' }, running);
    const url = redisUrlIn(server.output())!;
    expect(await accepting(url)).toBe(true);
    server.child.kill('SIGKILL');
    await exited(server.child);
    const started = Date.now();
    while ((await accepting(url)) && Date.now() - started < 5_000) await sleep(100);
    expect(await accepting(url)).toBe(false);
  }, 30_000);

  it('without redis-server on the PATH, bulk jobs are unavailable and the gateway still serves', async () => {
    const server = await startServer({ AUDIT_LOG: 'off', PATH: '/nonexistent' }, running);
    expect(redisUrlIn(server.output())).toBeUndefined();
    const answer = await gql(server.url, StartBulkJob, {
      input: { action: 'RESTORE_LOCATION', items: [locations.adaHome], idempotencyKey: newKey() },
    });
    expect(answer.data?.startBulkJob).toMatchObject({ __typename: 'BulkJobsUnavailableError' });
  }, 30_000);
});
