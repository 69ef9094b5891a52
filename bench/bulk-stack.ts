import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort, startGateway, startSimulators, type Running, type SandboxUrls } from './processes.js';

/** What the bulk bench runs beside the simulators: a real redis-server, gateway replicas on it, the bulk API. */

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface BenchRedis {
  url: string;
  pid: number;
  client: Redis;
  /** `INFO memory` used_memory, in bytes. */
  usedMemory(): Promise<number>;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian's redis-server on a free loopback port in a temp dir, set up as docs/bulk-jobs.md asks of production
 * (AOF with fsync every second, `noeviction`), so the bench pays what a real deployment pays.
 */
export async function startRedisServer(): Promise<BenchRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  const settings = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];
  const child = spawn(REDIS_SERVER, [...args, ...settings], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; !(await accepting(port)); attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
    if (attempt > 100) throw new Error('redis-server did not start');
    await sleep(50);
  }
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  return {
    url,
    pid: child.pid!,
    client,
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? NaN),
    flush: async () => void (await client.flushall()),
    async stop() {
      client.disconnect();
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A rate high enough that the gateway, not the shared limiter, sets the pace (the config's maximum). */
export const UNLIMITED_RATE = '10000';

/** The environment of replicas sharing `redisUrl`; a rate left undefined keeps the gateway's default. */
export function replicaEnv(redisUrl: string, rate?: string): Record<string, string | undefined> {
  return {
    REDIS_URL: redisUrl,
    // Every replica must open every other replica's sealed credentials: one key for the run.
    BULK_CREDENTIAL_KEY: credentialKey,
    BULK_RATE_PLUME: rate,
    BULK_RATE_SERVICES: rate,
    // The bench stops replicas between phases: no load balancer to wait for.
    SHUTDOWN_DELAY_MS: '0',
  };
}
const credentialKey = randomBytes(32).toString('base64');

/** `count` gateway processes (`node dist/server.js`) on the simulators, with `env` added. */
export async function startReplicas(
  sims: SandboxUrls,
  count: number,
  env: Record<string, string | undefined>,
): Promise<Running[]> {
  return Promise.all(Array.from({ length: count }, () => startGateway(sims, [], env)));
}

/** The scale seed's size: every phase seeds 10,000 locations (a quick run suspends the first 1,000). */
export const SEED_SCALE = 10_000;

export type Simulators = Awaited<ReturnType<typeof startSimulators>>;

/**
 * Fresh simulators (every location at full service again) and an empty Redis, `count` replicas on them with
 * the given rate (undefined: the gateway's default); everything is stopped after `body`.
 */
export async function withReplicas<T>(
  redis: BenchRedis,
  count: number,
  rate: string | undefined,
  body: (sims: Simulators, replicas: Running[]) => Promise<T>,
): Promise<T> {
  await redis.flush();
  const sims = await startSimulators(SEED_SCALE);
  try {
    const replicas = await startReplicas(sims, count, replicaEnv(redis.url, rate));
    try {
      return await body(sims, replicas);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  } finally {
    await sims.stop();
  }
}
