import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { injectFault } from '../helpers/sandbox-controls.js';
import { nodeArgs, simulatorUrls, startServer as startServerProcess } from '../helpers/server-process.js';

/** The gateway as `npm start` runs it: a separate process on the embedded default, real HTTP only. */

const running: ChildProcess[] = [];
const startServer = (env: Record<string, string> = {}) => startServerProcess(env, running);

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start on the embedded default', () => {
  it('serves the seeded graph, health and readiness over HTTP', async () => {
    const { url, output } = await startServer();
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
      body: JSON.stringify({
        query: '{ customer(id: "650000000000000000000001") { name locations { name } } }',
      }),
    });
    expect(await response.json()).toEqual({
      data: {
        customer: { name: 'Ada Lovelace', locations: [{ name: 'Home' }, { name: 'Holiday cottage' }] },
      },
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(output()).toContain('started the built-in simulators');
    expect(output()).not.toContain(DEMO_ADMIN_TOKEN);
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const { child, url, output } = await startServer();
    // Make the WiFi cloud simulator answer slowly, so the request is surely in flight at SIGTERM.
    await injectFault(simulatorUrls(output()).plume, { path: '/api/Customers*', delayMs: 400 });
    const inFlight = fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
      body: JSON.stringify({
        query: '{ customers(ids: ["650000000000000000000001", "650000000000000000000003"]) { name } }',
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGTERM');
    const body = await (await inFlight).json();
    expect(body).toEqual({ data: { customers: [{ name: 'Ada Lovelace' }, { name: 'Linus Torvalds' }] } });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it.each([
    [{ PORT: 'not-a-port' }, 'PORT: Invalid input: expected number'],
    [
      { PLUME_API_URL: 'http://127.0.0.1:1' },
      'SERVICES_API_URL: is required when an upstream URL is configured',
    ],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS'],
  ])('fails fast on bad configuration %j, naming the variable', async (env, message) => {
    const child = spawn(process.execPath, nodeArgs, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c));
    child.stderr!.on('data', (c: Buffer) => (output += c));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output).toContain(message);
  });
});
