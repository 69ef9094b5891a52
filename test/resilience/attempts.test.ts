import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UpstreamError } from '../../src/errors.js';
import { startPlumeSimulator, type PlumeSimulator } from '../../src/sandbox/plume/index.js';
import { customerIds, DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { createPlumeHttp } from '../../src/upstream/plume/plume-api.js';
import {
  path,
  type UpstreamCallEnd,
  type UpstreamCallInfo,
  UpstreamLedger,
} from '../../src/upstream/http/call.js';
import type { HttpClient } from '../../src/upstream/http/client.js';

/**
 * What the HTTP layer's watchers see of retries: every attempt is a call of its own for the observers
 * (metrics, tracing) and the ledger (audit), and counts against the request's call budget.
 */

let simulator: PlumeSimulator;
let http: HttpClient;
const seen: Array<UpstreamCallInfo & UpstreamCallEnd> = [];
beforeEach(async () => {
  seen.length = 0;
  simulator = await startPlumeSimulator();
  http = createPlumeHttp(simulator.url, {
    timeoutMs: 5_000,
    connections: 2,
    logger: pino({ level: 'silent' }),
    retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 5 },
    observers: [{ start: (info) => (end) => seen.push({ ...info, ...end }) }],
  });
});
afterEach(async () => {
  await http.close();
  await simulator.close();
});

const adaPath = `/api/Customers/${customerIds.ada}`;
const getAda = (ledger: UpstreamLedger) =>
  http.request(
    {
      operation: 'getCustomer',
      method: 'GET',
      path: path`/api/Customers/${customerIds.ada}`,
      headers: { authorization: DEMO_ADMIN_TOKEN },
      schema: z.object({ name: z.string() }),
    },
    { requestId: 'attempts-test', ledger },
  );

describe('attempts', () => {
  it('shows observers and the ledger each attempt, numbered', async () => {
    simulator.control.inject({ method: 'GET', path: adaPath, status: 503, times: 1 });
    const ledger = new UpstreamLedger(10);

    expect(await getAda(ledger)).toEqual({ name: 'Ada Lovelace' });

    const attempts = [
      expect.objectContaining({ operation: 'getCustomer', status: 503, attempt: 1 }),
      expect.objectContaining({ operation: 'getCustomer', status: 200, attempt: 2 }),
    ];
    expect(seen).toEqual(attempts);
    expect(ledger.calls).toEqual(attempts);
    expect(ledger.remaining).toBe(8);
  });

  it('stops retrying when the call budget is spent, with the last attempt’s error', async () => {
    simulator.control.inject({ method: 'GET', path: adaPath, status: 503 });
    const ledger = new UpstreamLedger(2);

    await expect(getAda(ledger)).rejects.toThrow(UpstreamError);

    expect(simulator.control.count(adaPath, 'GET')).toBe(2);
    expect(ledger.calls.map((call) => call.attempt)).toEqual([1, 2]);
  });
});
