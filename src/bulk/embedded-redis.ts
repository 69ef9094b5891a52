import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Logger } from '../logger.js';

/**
 * The embedded default's Redis for bulk jobs: with no REDIS_URL and `redis-server` on the PATH, `npm start`
 * starts one on a free loopback port, in a temp dir, without persistence, as it starts the simulators. It
 * lives exactly as long as the gateway: stopped on exit, and a watchdog shell stops it (and removes its dir)
 * should the gateway die without a goodbye (`kill -9`). Only bulk jobs use it; the store stays in memory, as
 * on any embedded default (docs/bulk-jobs.md).
 */

export interface EmbeddedRedis {
  url: string;
  close(): Promise<void>;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const accepting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Starts redis-server, or answers undefined (not installed, or it would not start: logged). */
export async function startEmbeddedRedis(logger: Logger): Promise<EmbeddedRedis | undefined> {
  const binary = onPath('redis-server');
  if (!binary) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'subscriber-graph-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  for (let attempt = 0; !(await accepting(port)); attempt += 1) {
    if (attempt > 200 || child.exitCode !== null) {
      child.kill('SIGKILL');
      remove();
      logger.warn('redis-server is on the PATH but did not start: bulk jobs are unavailable');
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  // Outlives a gateway killed with SIGKILL by a second at most: then stops redis-server and removes the dir.
  spawn(
    '/bin/sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill "$2" 2>/dev/null; sleep 1; rm -rf "$3"',
      'sh',
    ].concat([String(process.pid), String(child.pid), dir]),
    { stdio: 'ignore', detached: true },
  ).unref();
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    async close() {
      process.off('exit', killOnExit);
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1_000).unref())]);
      child.kill('SIGKILL');
      remove();
    },
  };
}
