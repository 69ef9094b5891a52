import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real redis-server (Debian's package) for a test file: a free loopback port, a temp dir; no persistence
 * unless asked (then AOF with fsync on every write, as production should run it). It can be paused
 * (SIGSTOP: a hung Redis), killed with SIGKILL and started again on the same port and dir; stopped and
 * removed afterwards. Missing locally, the Redis tests are skipped; under CI=true they fail.
 */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const redisAvailable = existsSync(REDIS_SERVER) || process.env.CI === 'true';

export interface TestRedis {
  url: string;
  /** SIGSTOP: the server keeps its connections but answers nothing. */
  pause(): void;
  resume(): void;
  /** SIGKILL, no goodbye; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir (a persistent one reloads its data). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export async function startRedis({ persistent = false } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-redis-'));
  const port = await freePort();
  const persistence = persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--save', '', '--appendonly', 'no'];
  let child: ChildProcess;
  let exited: Promise<void>;
  const launch = async () => {
    child = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence],
      {
        stdio: 'ignore',
      },
    );
    const running = child;
    exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    for (let attempt = 0; !(await accepting(port)); attempt += 1) {
      if (attempt > 200 || running.exitCode !== null) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    restart: launch,
    async stop() {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
