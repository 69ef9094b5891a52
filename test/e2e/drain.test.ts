import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { injectFault, recordedRequests } from '../helpers/sandbox-controls.js';
import { simulatorUrls, startServer as startServerProcess } from '../helpers/server-process.js';

/**
 * The SIGTERM/SIGINT drain of the gateway as a separate process: /readyz answers 503 at once while the
 * gateway still serves for SHUTDOWN_DELAY_MS, then it stops accepting, finishes in-flight requests with
 * `connection: close`, and exits within SHUTDOWN_TIMEOUT_MS.
 */

const running: ChildProcess[] = [];
const agents: Agent[] = [];
const startServer = (env: Record<string, string>) => startServerProcess(env, running);

afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request over a keep-alive agent, so `connection: close` is the server's own choice. */
function send(url: string, path: string, agent: Agent, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        agent,
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const keepAlive = () => {
  const agent = new Agent({ keepAlive: true });
  agents.push(agent);
  return agent;
};
const readAda = { query: '{ customer(id: "650000000000000000000001") { name } }' };
const ADA = JSON.stringify({ data: { customer: { name: 'Ada Lovelace' } } });

/** Makes the WiFi cloud simulator hold its next `times` customer reads for `delayMs`. */
const holdCustomerReads = (output: string, delayMs: number, times: number) =>
  injectFault(simulatorUrls(output).plume, { path: '/api/Customers*', delayMs, times });

/** Resolves once the simulator has received a customer read: the gateway's request is surely in flight. */
async function customerReadArrived(output: string) {
  await expect
    .poll(async () => {
      const requests = await recordedRequests(simulatorUrls(output).plume);
      return requests.some((r) => r.path.startsWith('/api/Customers'));
    })
    .toBe(true);
}

describe('graceful drain', () => {
  it('answers /readyz 503 at once, serves through SHUTDOWN_DELAY_MS, then finishes in-flight work and exits 0', async () => {
    const { child, url, output } = await startServer({
      SHUTDOWN_DELAY_MS: '2500',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    expect((await send(url, '/readyz', keepAlive())).status).toBe(200);
    await holdCustomerReads(output(), 5_000, 1);
    let inFlightSettled = false;
    const inFlight = send(url, '/graphql', keepAlive(), readAda).finally(() => (inFlightSettled = true));
    await customerReadArrived(output());

    const signalled = Date.now();
    child.kill('SIGTERM');
    const probes = keepAlive();
    await expect.poll(async () => (await send(url, '/readyz', probes)).status, { interval: 20 }).toBe(503);
    const draining = await send(url, '/readyz', probes);
    expect(JSON.parse(draining.body)).toEqual({
      status: 'draining',
      backends: { wifiCloud: 'up', services: 'up' },
    });
    // Still serving (liveness too) during the delay, each answer closing its connection.
    const during = await send(url, '/graphql', keepAlive(), readAda);
    expect(during).toMatchObject({ status: 200, body: ADA, headers: { connection: 'close' } });
    expect((await send(url, '/healthz', keepAlive())).status).toBe(200);

    // Then no new connection is accepted, while the held request is still being answered.
    await expect
      .poll(
        () =>
          fetch(`${url}/healthz`).then(
            () => 'accepted',
            () => 'refused',
          ),
        { timeout: 5_000 },
      )
      .toBe('refused');
    expect(inFlightSettled).toBe(false);
    expect(await inFlight).toMatchObject({ status: 200, body: ADA, headers: { connection: 'close' } });

    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(output()).toContain('"signal":"SIGTERM"');
    expect(output()).toContain('no new connections; finishing in-flight requests');
    expect(output()).toContain('"msg":"stopped"');
    expect(output()).not.toContain('did not finish in time');
  });

  it('on SIGINT closes idle keep-alive connections after the delay and cuts what outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const { child, url, output } = await startServer({
      SHUTDOWN_DELAY_MS: '300',
      SHUTDOWN_TIMEOUT_MS: '2500',
    });
    const idleAgent = keepAlive();
    expect((await send(url, '/healthz', idleAgent)).status).toBe(200);
    const [idleSocket] = Object.values(idleAgent.freeSockets).flat();
    expect(idleSocket).toBeDefined();
    const idleClosed = once(idleSocket!, 'close');
    await holdCustomerReads(output(), 60_000, 1);
    let stuckSettled = false;
    const stuck = send(url, '/graphql', keepAlive(), readAda).then(
      () => 'answered',
      () => 'closed',
    );
    void stuck.finally(() => (stuckSettled = true));
    await customerReadArrived(output());

    const signalled = Date.now();
    child.kill('SIGINT');
    await idleClosed;
    // The idle connection went when the delay ended, before the stuck request was cut at the limit.
    expect(stuckSettled).toBe(false);
    expect(await stuck).toBe('closed');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    // Generous room for process exit on a loaded machine; far below the 60 s the request would take.
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(output()).toContain('"signal":"SIGINT"');
    expect(output()).toContain('did not finish in time');
  });
});
