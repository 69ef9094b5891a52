import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  customerIds,
  DEMO_ADMIN_TOKEN,
  locationIds,
  SERVICES_ACCOUNT_ID,
  SERVICES_API_KEY,
} from '../../src/sandbox/seed.js';
import { locations, MASKED } from '../helpers/fixtures.js';
import { clearFaults, injectFault } from '../helpers/sandbox-controls.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * Upstream answers are read up to UPSTREAM_MAX_BODY_BYTES (issue 19, finding 5: one 50 MB answer took the
 * gateway's RSS to 253 MB, eight at once to 774 MB). The simulators run in a process of their own, so the
 * gateway process's peak RSS (VmHWM, Linux) counts only what the gateway held; their `padTo` fault pads an
 * answer with spaces (still valid JSON) as it is read, declared by Content-Length or chunked.
 */

const MB = 1_000_000;
const ANSWER_BYTES = 50 * MB;
const cap = loadConfig({}).upstreamMaxBodyBytes;
const sandboxMain = new URL('../../src/sandbox/main.ts', import.meta.url).pathname;
const customerPath = `/api/Customers/${customerIds.ada}`;
const customerQuery = { query: `{ customer(id: "${customerIds.ada}") { name } }` };

const running: ChildProcess[] = [];
let plumeUrl: string;
let gateway: ServerProcess;

function startSimulators(): Promise<{ plume: string; services: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', sandboxMain], {
    env: { ...process.env, PLUME_PORT: '0', SERVICES_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const plume = /"plume":"(http:\/\/[^"]+)\/api"/.exec(output)?.[1];
      const services = /"services":"(http:\/\/[^"]+)\/v2"/.exec(output)?.[1];
      if (plume && services) resolve({ plume, services });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`simulators exited with ${code}:\n${output}`)));
  });
}

/** The gateway process's peak resident memory so far, in bytes. */
function peakRss(): number {
  const status = readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

async function fault(body: Record<string, unknown>): Promise<void> {
  expect(await injectFault(plumeUrl, body)).toBe(204);
}

/** The gateway's log reaches the pipe a little after its answer. */
async function expectLogged(text: string): Promise<void> {
  for (let waited = 0; !gateway.output().includes(text) && waited < 5000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(gateway.output()).toContain(text);
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

async function ask(body: unknown): Promise<{ text: string; json: Answer }> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { text, json: JSON.parse(text) as Answer };
}

function expectMaskedUpstreamError({ text, json }: { text: string; json: Answer }) {
  expect(json.data).toEqual({ customer: null });
  expect(json.errors).toHaveLength(1);
  expect(json.errors![0]).toMatchObject({
    message: MASKED,
    path: ['customer'],
    extensions: { code: 'UPSTREAM_ERROR' },
  });
  expect(text).not.toMatch(/UPSTREAM_MAX_BODY_BYTES|bytes/);
}

describe('upstream answers over UPSTREAM_MAX_BODY_BYTES', () => {
  let baseline: number;

  beforeAll(async () => {
    const simulators = await startSimulators();
    plumeUrl = simulators.plume;
    gateway = await startServer(
      {
        PLUME_API_URL: simulators.plume,
        SERVICES_API_URL: simulators.services,
        SERVICES_API_KEY,
        SERVICES_ACCOUNT_ID,
        AUDIT_LOG: 'off',
      },
      running,
    );
    // Warm: the first answers load code and fill pools; what follows is what the answers themselves cost.
    for (let i = 0; i < 20; i++) expect((await ask(customerQuery)).json.errors).toBeUndefined();
    baseline = peakRss();
  }, 30_000);

  afterAll(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  beforeEach(async () => {
    await clearFaults(plumeUrl);
  });

  it('a declared 50 MB answer is refused unread: masked UPSTREAM_ERROR, the log names the cap', async () => {
    await fault({ method: 'GET', path: customerPath, padTo: ANSWER_BYTES });
    expectMaskedUpstreamError(await ask(customerQuery));
    await expectLogged(`answer larger than UPSTREAM_MAX_BODY_BYTES (${cap} bytes)`);
    expect(peakRss() - baseline).toBeLessThan(ANSWER_BYTES);
  });

  it('a chunked 50 MB answer is cut off at the cap', async () => {
    await fault({ method: 'GET', path: customerPath, padTo: ANSWER_BYTES, padLength: 'chunked' });
    expectMaskedUpstreamError(await ask(customerQuery));
    expect(peakRss() - baseline).toBeLessThan(ANSWER_BYTES);
  });

  it('eight chunked 50 MB answers at once: the peak stays far below one of them per request', async () => {
    await fault({ method: 'GET', path: customerPath, padTo: ANSWER_BYTES, padLength: 'chunked' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => ask(customerQuery)));
    for (const answer of answers) expectMaskedUpstreamError(answer);
    // Each holds at most the cap (5 MB) before it is cut off; they used to hold 400 MB together.
    expect(peakRss() - baseline).toBeLessThan(2 * ANSWER_BYTES);
  });

  it('counts them as their own failure kind in the upstream metrics', async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^upstream_request_duration_seconds_count\{.*status="too-large".*\} \d+$/m);
  });

  it('an answer just under the cap, declared or chunked, is read as usual', async () => {
    for (const padLength of ['declared', 'chunked']) {
      await fault({ method: 'GET', path: customerPath, padTo: cap - 1000, padLength, times: 1 });
      expect((await ask(customerQuery)).json).toEqual({ data: { customer: { name: 'Ada Lovelace' } } });
    }
  });

  it('an error status with a huge body is still told by its status', async () => {
    await fault({ method: 'GET', path: customerPath, status: 404, padTo: ANSWER_BYTES });
    const { json } = await ask(customerQuery);
    expect(json.data).toEqual({ customer: null });
    expect(json.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a write answered 2xx with a body over the cap is confirmed by read-back', async () => {
    await fault({
      method: 'PATCH',
      path: `${customerPath}/locations/${locationIds.adaHome}/serviceLevel`,
      padTo: ANSWER_BYTES,
    });
    const { json } = await ask({
      query: `mutation($input: SetServiceLevelInput!) {
        setServiceLevel(input: $input) {
          __typename
          ... on SetServiceLevelSuccess { confirmedBy serviceLevel { level } }
        }
      }`,
      variables: { input: { locationId: locations.adaHome, level: 'NO_SERVICE' } },
    });
    // The change happened, but the answer that says so went unread: the read-back proves it.
    expect(json).toEqual({
      data: {
        setServiceLevel: {
          __typename: 'SetServiceLevelSuccess',
          confirmedBy: 'READ_BACK',
          serviceLevel: { level: 'NO_SERVICE' },
        },
      },
    });
  });
});
