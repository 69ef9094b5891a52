import { expect } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import { customerIds, DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import type { TestGateway } from '../helpers/gateway.js';

/**
 * Raw HTTP for the security tests: their documents are generated (thousands of aliases, deep nesting),
 * and some requests are not GraphQL at all (forms, oversized or malformed bodies).
 */

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, when it is JSON. */
  json?: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  };
}

export async function send(url: string, init: RequestInit & { path?: string } = {}): Promise<RawResponse> {
  const response = await fetch(`${url}${init.path ?? '/graphql'}`, init);
  const text = await response.text();
  let json: RawResponse['json'];
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A JSON POST, as every GraphQL client sends it; the demo admin token unless `token: null`. */
export function post(
  gateway: TestGateway,
  body: Record<string, unknown>,
  {
    token = DEMO_ADMIN_TOKEN,
    headers = {},
  }: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return send(gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: token }),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** The `extensions.code` of every error, in order. */
export const codesOf = (response: RawResponse) =>
  (response.json?.errors ?? []).map((error) => error.extensions?.code);

/** After every refusal: the same gateway still answers an ordinary query. */
export async function expectStillServes(gateway: TestGateway): Promise<void> {
  const response = await post(gateway, { query: `{ customer(id: "${customerIds.ada}") { name } }` });
  expect(response.json).toEqual({ data: { customer: { name: 'Ada Lovelace' } } });
}

/** Config overrides with some request limits changed (the rest at their defaults). */
export function withLimits(limits: Partial<Config['limits']>): Partial<Config> {
  return { limits: { ...loadConfig({}).limits, ...limits } };
}

/** `count` copies of `make(i)`, joined by spaces. */
export const repeat = (count: number, make: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => make(i)).join(' ');
