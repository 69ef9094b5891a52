import { afterEach, beforeEach, expect } from 'vitest';
import { SERVICES_ACCOUNT_ID, SERVICES_API_KEY, SERVICES_API_VERSION } from '../../src/sandbox/seed.js';
import { startServicesSimulator, type ServicesSimulator } from '../../src/sandbox/services/index.js';
import type { Envelope } from '../../src/sandbox/services/envelope.js';
import type { LocationService, ServicePage, SubAccountService } from '../../src/sandbox/services/model.js';

/** Test helpers: a fresh services simulator per test and a thin `fetch` client over real HTTP. */

/** Starts a simulator on an ephemeral port before each test and closes it after; call inside `describe`. */
export function useServicesSimulator(): () => ServicesSimulator {
  let simulator: ServicesSimulator | undefined;
  beforeEach(async () => {
    simulator = await startServicesSimulator();
  });
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });
  return () => {
    if (!simulator) throw new Error('The simulator runs only inside a test');
    return simulator;
  };
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absent (`undefined`) values are left out. */
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, e.g. malformed JSON. */
  rawBody?: string;
  /** `null` sends no `api-key` header. */
  apiKey?: string | null;
  /** `null` sends no `v`. */
  version?: string | null;
  account?: string;
}

export interface Reply<T> {
  status: number;
  body: Envelope<T>;
}

/** Calls `/v2/accounts/{account}/{endpoint}` with the seeded key, account and version unless told so. */
export async function callServices<T = unknown>(
  simulator: ServicesSimulator,
  endpoint: string,
  {
    method = 'GET',
    query = {},
    body,
    rawBody,
    apiKey = SERVICES_API_KEY,
    version = SERVICES_API_VERSION,
    account = SERVICES_ACCOUNT_ID,
  }: CallOptions = {},
): Promise<Reply<T>> {
  const url = new URL(`${simulator.url}/v2/accounts/${account}/${endpoint}`);
  if (version !== null) url.searchParams.set('v', version);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== null) headers['api-key'] = apiKey;
  const response = await fetch(url, {
    method,
    headers,
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: response.status, body: (await response.json()) as Envelope<T> };
}

export function listLocationServices(simulator: ServicesSimulator, query: CallOptions['query'] = {}) {
  return callServices<ServicePage<LocationService>>(simulator, 'services', { query });
}

export function listSubAccountServices(simulator: ServicesSimulator, query: CallOptions['query'] = {}) {
  return callServices<ServicePage<SubAccountService>>(simulator, 'subaccountservices', { query });
}

/** The `count` of a location services list. */
export async function countLocationServices(simulator: ServicesSimulator, query?: CallOptions['query']) {
  return (await listLocationServices(simulator, query)).body.response.count;
}

/** The `count` of a sub-account services list. */
export async function countSubAccountServices(simulator: ServicesSimulator, query?: CallOptions['query']) {
  return (await listSubAccountServices(simulator, query)).body.response.count;
}

export function post<T = unknown>(simulator: ServicesSimulator, endpoint: string, body: unknown) {
  return callServices<T>(simulator, endpoint, { method: 'POST', body });
}

export function cancelLocationServices(simulator: ServicesSimulator, body: unknown) {
  return post<LocationService[]>(simulator, 'cancelservices', body);
}

export function decreaseSubAccountServices(simulator: ServicesSimulator, body: unknown) {
  return post<SubAccountService[]>(simulator, 'cancelsubaccountservices', body);
}

export function cancelAllSubAccountServices(simulator: ServicesSimulator, body: unknown) {
  return post<SubAccountService[]>(simulator, 'cancelallsubaccountservices', body);
}

export function idsOf(services: { id: number }[]): number[] {
  return services.map((s) => s.id);
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What an error reply looks like: the envelope with one error and an empty response. */
export function errorReply(status: number, code: number) {
  return {
    status,
    body: {
      meta: {
        uuid: expect.stringMatching(UUID_V4),
        errors: [{ code, type: 'FATAL_ERROR', message: expect.any(String) }],
      },
      response: {},
    },
  };
}

/** Calls the simulator controls under `/__sandbox`. */
export function callSandbox(
  simulator: ServicesSimulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${simulator.url}/__sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The simulator dates `stopped` with its current UTC day. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
