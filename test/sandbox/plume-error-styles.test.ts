import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStyleFromEnv, errorStyles } from '../../src/sandbox/error-style.js';
import { startPlumeSimulator, type PlumeSimulator } from '../../src/sandbox/plume/index.js';
import { customerIds } from '../../src/sandbox/seed.js';
import { tokens } from './plume-harness.js';

/** The simulator's error bodies in each SANDBOX_ERROR_STYLE: rule errors, unknown routes, injected faults. */

const unknownLocation = `/api/Customers/${customerIds.ada}/locations/660000000000000000000999`;

const expected = {
  coded: (statusCode: number, name: string, code: string) => ({ error: { statusCode, name, code } }),
  plain: (statusCode: number) => ({ error: { statusCode, name: 'Error', message: expect.any(String) } }),
  empty: () => undefined,
};

describe.each(errorStyles)('%s error bodies', (errorStyle) => {
  let simulator: PlumeSimulator;
  beforeAll(async () => {
    simulator = await startPlumeSimulator({ errorStyle });
  });
  afterAll(() => simulator.close());

  const read = async (path: string) => {
    const response = await fetch(`${simulator.url}${path}`, { headers: { authorization: tokens.admin } });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  const expectBody = (body: unknown, status: number, name: string, code: string) => {
    if (errorStyle === 'coded') expect(body).toMatchObject(expected.coded(status, name, code));
    else if (errorStyle === 'plain') expect(body).toEqual(expected.plain(status));
    else expect(body).toBeUndefined();
  };

  it('renders a rule error (404 location not found)', async () => {
    const { status, body } = await read(unknownLocation);
    expect(status).toBe(404);
    expectBody(body, 404, 'NotFoundError', 'LOCATION_NOT_FOUND');
  });

  it('renders an unknown route', async () => {
    const { status, body } = await read('/api/Nothing');
    expect(status).toBe(404);
    expectBody(body, 404, 'NotFoundError', 'ROUTE_NOT_FOUND');
  });

  it('renders an injected fault', async () => {
    simulator.control.inject({ method: 'GET', path: unknownLocation, status: 503, times: 1 });
    const { status, body } = await read(unknownLocation);
    expect(status).toBe(503);
    expectBody(body, 503, 'ServiceUnavailableError', 'INTERNAL_ERROR');
  });
});

describe('SANDBOX_ERROR_STYLE', () => {
  it('defaults to coded and accepts the three styles', () => {
    expect(errorStyleFromEnv({})).toBe('coded');
    for (const style of errorStyles) expect(errorStyleFromEnv({ SANDBOX_ERROR_STYLE: style })).toBe(style);
  });

  it('stops the start with a message naming the variable for any other value', () => {
    expect(() => errorStyleFromEnv({ SANDBOX_ERROR_STYLE: 'html' })).toThrow(
      'SANDBOX_ERROR_STYLE must be one of coded, plain, empty; got "html"',
    );
  });
});
