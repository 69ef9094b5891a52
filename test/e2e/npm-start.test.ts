import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { injectFault } from '../helpers/sandbox-controls.js';
import { simulatorUrls } from '../helpers/server-process.js';

/**
 * The README's start command itself: `npm start` builds, then execs Node, so a signal sent to npm (as a
 * container runtime or a terminal does) reaches the gateway and drains it, with no orphan left serving.
 */

const root = new URL('../..', import.meta.url).pathname;
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function npmStart(env: Record<string, string>) {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  const started = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return { child, started, output: () => output };
}

const slowUpstream = (output: string, delayMs: number) =>
  injectFault(simulatorUrls(output).plume, { path: '/api/Customers*', delayMs });

const query = (id: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
  body: JSON.stringify({ query: `{ customer(id: "${id}") { name } }` }),
});

describe('npm start', () => {
  it('passes SIGTERM to the gateway: the in-flight request completes, then everything exits', async () => {
    const { child, started, output } = npmStart({ SHUTDOWN_TIMEOUT_MS: '5000' });
    const url = await started;
    await slowUpstream(output(), 500);
    const inFlight = fetch(`${url}/graphql`, query('650000000000000000000001'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    expect(await (await inFlight).json()).toEqual({ data: { customer: { name: 'Ada Lovelace' } } });
    await once(child, 'exit');
    expect(output()).toContain('"signal":"SIGTERM"');
    expect(output()).toContain('"msg":"stopped"');
    // No orphan: nothing answers on the gateway's port any more.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 120_000);

  it('exits within SHUTDOWN_TIMEOUT_MS when a request would outlast it', async () => {
    const { child, started, output } = npmStart({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const url = await started;
    await slowUpstream(output(), 60_000);
    const stuck = fetch(`${url}/graphql`, query('650000000000000000000001')).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalled = Date.now();
    child.kill('SIGTERM');
    await once(child, 'exit');
    // The 1 s drain, plus generous room for process exit on a loaded machine: far below the 60 s request.
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(output()).toContain('did not finish in time');
    await stuck;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 120_000);
});
