import { afterEach, beforeEach, expect } from 'vitest';
import { startPlumeSimulator, type PlumeSimulator } from '../../src/sandbox/plume/index.js';
import { demoTokens } from '../../src/sandbox/seed.js';

/** The seed's demo tokens, by who holds them. */
export const tokens = demoTokens;

/**
 * Starts a fresh simulator on an ephemeral port before each test of the calling file, closes it after.
 * Its error bodies carry codes whatever SANDBOX_ERROR_STYLE says: these tests check the codes.
 */
export function useFreshSimulator(): () => PlumeSimulator {
  let simulator: PlumeSimulator | undefined;
  beforeEach(async () => {
    simulator = await startPlumeSimulator({ errorStyle: 'coded' });
  });
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });
  return () => {
    if (!simulator) throw new Error('the simulator runs only inside a test');
    return simulator;
  };
}

export interface ApiResponse {
  status: number;
  contentType: string | null;
  /** Parsed JSON, or `undefined` for an empty body. */
  body: unknown;
}

export interface CallOptions {
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, for bodies that must not be JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One request over real HTTP; the token goes bare in `Authorization`, LoopBack style. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  { token, json, rawBody, headers = {} }: CallOptions = {},
): Promise<ApiResponse> {
  const requestHeaders: Record<string, string> = { ...headers };
  if (token !== undefined) requestHeaders.authorization = token;
  if (json !== undefined || rawBody !== undefined) requestHeaders['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: requestHeaders,
    body: rawBody ?? (json === undefined ? undefined : JSON.stringify(json)),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** Asserts a LoopBack error body with the given status and code. */
export function expectError(response: ApiResponse, status: number, code: string): void {
  expect(response).toMatchObject({
    status,
    body: { error: { statusCode: status, code, name: expect.any(String), message: expect.any(String) } },
  });
}

export const paths = {
  customer: (customerId: string) => `/api/Customers/${customerId}`,
  locations: (customerId: string) => `${paths.customer(customerId)}/locations`,
  location: (customerId: string, locationId: string) => `${paths.locations(customerId)}/${locationId}`,
  nodes: (customerId: string, locationId: string) => `${paths.location(customerId, locationId)}/nodes`,
  node: (customerId: string, locationId: string, serial: string) =>
    `${paths.nodes(customerId, locationId)}/${serial}`,
  serviceLevel: (customerId: string, locationId: string) =>
    `${paths.location(customerId, locationId)}/serviceLevel`,
  batch: (ids: string[]) => {
    const filter = { where: { id: { inq: ids } } };
    return `/api/Customers?filter=${encodeURIComponent(JSON.stringify(filter))}`;
  },
};
