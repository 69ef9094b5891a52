import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadinessReport } from '../../src/readiness.js';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { clearRecordedRequests, injectFault, recordedRequests } from '../helpers/sandbox-controls.js';
import { simulatorUrls, startServer as startServerProcess } from '../helpers/server-process.js';

/**
 * `/readyz` of the gateway as a separate process, its simulators driven over HTTP: readiness is the
 * gateway's own (a backend outage names the backend, and the other backend's data is still served), and
 * a flood of probes reaches no backend.
 */

const running: ChildProcess[] = [];
const startServer = (env: Record<string, string> = {}) => startServerProcess(env, running);

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function readyz(url: string): Promise<{ status: number; body: ReadinessReport }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadinessReport };
}

describe('/readyz', () => {
  it('stays 200 through a services outage, naming it down, while WiFi cloud data is still served', async () => {
    const { url, output } = await startServer({ READINESS_CHECK_INTERVAL_MS: '200' });
    // Every services request, the ping included, has its connection reset: an outage.
    await injectFault(simulatorUrls(output()).services, { path: '/*', reset: true });
    await expect
      .poll(
        async () => {
          const { status, body } = await readyz(url);
          expect(status).toBe(200);
          return body;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toEqual({ status: 'ready', backends: { wifiCloud: 'up', services: 'down' } });

    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
      body: JSON.stringify({ query: '{ customer(id: "650000000000000000000001") { name } }' }),
    });
    expect(await response.json()).toEqual({ data: { customer: { name: 'Ada Lovelace' } } });
  });

  it('answers a flood of 200 concurrent probes without calling the backends for each', async () => {
    const { url, output } = await startServer();
    const sims = Object.values(simulatorUrls(output()));
    await Promise.all(sims.map(clearRecordedRequests));

    const answers = await Promise.all(Array.from({ length: 200 }, () => readyz(url)));
    expect(answers.every(({ status, body }) => status === 200 && body.status === 'ready')).toBe(true);

    // One background check at most (two if its interval came round): never one ping per probe.
    for (const sim of sims) {
      expect((await recordedRequests(sim)).length).toBeLessThanOrEqual(2);
    }
  });
});
