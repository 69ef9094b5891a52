import { describe, expect, it } from 'vitest';
import { startPlumeSimulator } from '../../src/sandbox/plume/index.js';
import { customerIds } from '../../src/sandbox/seed.js';
import { injectFault } from '../helpers/sandbox-controls.js';
import { paths, tokens, useFreshSimulator } from './plume-harness.js';

/** The fault controls the resilience tests need: answer headers, connection resets, a hit probability. */

const simulator = useFreshSimulator();
const adaPath = paths.customer(customerIds.ada);
const getAda = (url = simulator().url) =>
  fetch(`${url}${adaPath}`, { headers: { authorization: tokens.admin } });

/** Which of `count` requests got the injected status, as a string of 1s (hit) and 0s. */
async function hitPattern(url: string, count: number): Promise<string> {
  let pattern = '';
  for (let i = 0; i < count; i += 1) {
    const response = await getAda(url);
    await response.body?.cancel();
    pattern += response.status === 503 ? '1' : '0';
  }
  return pattern;
}

describe('fault headers', () => {
  it('adds headers to an injected answer, e.g. Retry-After on a 429', async () => {
    await injectFault(simulator().url, {
      path: adaPath,
      status: 429,
      headers: { 'retry-after': '1' },
      times: 1,
    });
    const response = await getAda();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { statusCode: 429 } });
  });

  it('adds headers to the real answer when no status is injected', async () => {
    await injectFault(simulator().url, { path: adaPath, headers: { 'x-injected': 'yes' }, times: 1 });
    const response = await getAda();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-injected')).toBe('yes');
    expect(await response.json()).toMatchObject({ name: 'Ada Lovelace' });
  });
});

describe('connection resets', () => {
  it('destroys the connection without an answer, and records the request', async () => {
    await injectFault(simulator().url, { method: 'GET', path: adaPath, reset: true, times: 1 });
    await expect(getAda()).rejects.toThrow();
    expect(simulator().control.count(adaPath, 'GET')).toBe(1);
    // The next request gets a new connection and the real answer.
    expect((await getAda()).status).toBe(200);
  });

  it('never lets a reset DELETE take effect', async () => {
    await injectFault(simulator().url, { method: 'DELETE', path: adaPath, reset: true, times: 1 });
    await expect(
      fetch(`${simulator().url}${adaPath}`, { method: 'DELETE', headers: { authorization: tokens.admin } }),
    ).rejects.toThrow();
    expect(simulator().state.gdprDeletes).toEqual([]);
  });
});

describe('fault rate', () => {
  it('hits a seeded share of requests, the same ones for the same seed', async () => {
    const fault = { method: 'GET', path: adaPath, status: 503, rate: 0.5, seed: 42 };
    await injectFault(simulator().url, fault);
    const first = await hitPattern(simulator().url, 40);

    const other = await startPlumeSimulator();
    try {
      other.control.inject(fault);
      expect(await hitPattern(other.url, 40)).toBe(first);
    } finally {
      await other.close();
    }
    const hits = [...first].filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(35);
  });

  it('counts `times` in hits only, and never hits at rate 0', async () => {
    await injectFault(simulator().url, {
      method: 'GET',
      path: adaPath,
      status: 503,
      rate: 0.3,
      seed: 7,
      times: 3,
    });
    const pattern = await hitPattern(simulator().url, 60);
    expect([...pattern].filter((c) => c === '1')).toHaveLength(3);

    await injectFault(simulator().url, { method: 'GET', path: adaPath, status: 503, rate: 0 });
    expect(await hitPattern(simulator().url, 10)).toBe('0'.repeat(10));
  });

  it.each([{ rate: 1.5 }, { rate: -0.1 }, { reset: false }, { headers: { 'retry-after': 1 } }])(
    'refuses a malformed fault %j',
    async (field) => {
      expect(await injectFault(simulator().url, { path: adaPath, status: 503, ...field })).toBe(400);
    },
  );
});
