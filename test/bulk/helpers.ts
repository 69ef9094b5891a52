import { randomBytes, randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { scaleCustomerId } from '../../src/sandbox/scale-seed.js';
import { locationGid } from '../helpers/fixtures.js';
import { gatewayEnv } from '../seams/helpers.js';
import { BulkJobNode } from './documents.js';

/** Shared by the bulk-job tests: keys, settings, the scale seed's locations, and waiting for a job. */

export const newKey = () => `bulk-test-${randomUUID()}`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A credential key as an operator makes one (`openssl rand -base64 32`). */
export const credentialKey = () => randomBytes(32).toString('base64');

/** Config overrides for an in-process gateway whose bulk jobs use `redisUrl`. */
export const bulkConfig = (redisUrl: string, bulk: Partial<ReturnType<typeof loadConfig>['bulk']> = {}) => ({
  redisUrl,
  bulk: { ...loadConfig({}).bulk, credentialKey: randomBytes(32), ...bulk },
});

/** POST /bulk/uploads on the gateway at `baseUrl`; `token: null` sends no Authorization header. */
export const upload = (
  baseUrl: string,
  body: BodyInit,
  type: string,
  token: string | null = DEMO_ADMIN_TOKEN,
  init: RequestInit = {},
) =>
  fetch(`${baseUrl}/bulk/uploads`, {
    method: 'POST',
    headers: { 'content-type': type, ...(token ? { authorization: token } : {}) },
    body,
    ...init,
  });

/** The environment of gateway processes sharing one sandbox and one Redis (replicas need one key). */
export function replicaEnv(sandbox: Sandbox, redisUrl: string, extra: Record<string, string> = {}) {
  return { ...gatewayEnv(sandbox, redisUrl), BULK_CREDENTIAL_KEY: credentialKey(), ...extra };
}

/** The Location global IDs of the scale seed's customer (`startSandbox({ scale })`). */
export const scaleLocations = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    locationGid(scaleCustomerId, `67${String(i + 1).padStart(22, '0')}`),
  );

export const scaleLocationId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[2]!;

export interface JobState {
  id: string;
  status: string;
  succeeded: number;
  failed: number;
  skipped: number;
  objectCount: number;
  errorCode?: string | null;
}

/** One GraphQL request over HTTP (a gateway process or an in-process one). */
export async function gql<T = any>(
  url: string,
  document: Parameters<typeof print>[0],
  variables: object,
  token = DEMO_ADMIN_TOKEN,
) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as {
    data?: T;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
}

/** Polls node(id) until `done` holds (default: the job ended); fails after `limitMs`. */
export async function waitForJob(
  url: string,
  id: string,
  done: (job: JobState) => boolean = (job) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(job.status),
  { limitMs = 60_000, token = DEMO_ADMIN_TOKEN } = {},
): Promise<JobState> {
  const started = Date.now();
  for (;;) {
    const answer = await gql(url, BulkJobNode, { id }, token);
    const job = answer.data?.node as JobState | undefined;
    if (job && done(job)) return job;
    if (Date.now() - started > limitMs) {
      expect.fail(`job ${id} did not get there in ${limitMs} ms: ${JSON.stringify(answer)}`);
    }
    await sleep(100);
  }
}

export interface StampedRequest {
  at: number;
  method: string;
  path: string;
}

/**
 * Stamps each request a simulator records with the time it was first seen (sampled every millisecond, in
 * the test's own process where the simulators run): spacing measured at the backend, within a few ms.
 */
export function stampRequests(requests: ReadonlyArray<{ method: string; path: string }>) {
  const stamped: StampedRequest[] = [];
  const sample = () => {
    const now = performance.now();
    for (let i = stamped.length; i < requests.length; i += 1) {
      stamped.push({ at: now, method: requests[i]!.method, path: requests[i]!.path });
    }
  };
  const timer = setInterval(sample, 1);
  return {
    stamped: () => (sample(), stamped),
    stop: () => clearInterval(timer),
  };
}

/** The most requests in any window of `windowMs` (a sliding window over the stamps). */
export function mostInWindow(stamps: number[], windowMs: number): number {
  let most = 0;
  for (let start = 0, end = 0; end < stamps.length; end += 1) {
    while (stamps[end]! - stamps[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * A subscription over server-sent events, as a browser's fetch sends it (POST, Accept: text/event-stream):
 * every `next` payload until the server completes the stream (or `limitMs` passes).
 */
export async function subscribe<T = any>(
  url: string,
  document: Parameters<typeof print>[0],
  variables: object,
  {
    token = DEMO_ADMIN_TOKEN,
    limitMs = 60_000,
    onEvent,
  }: { token?: string; limitMs?: number; onEvent?: (event: T) => void } = {},
): Promise<{ status: number; events: T[]; completed: boolean }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: token },
    body: JSON.stringify({ query: print(document), variables }),
    signal: AbortSignal.timeout(limitMs),
  });
  const events: T[] = [];
  let completed = false;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines
        .find((line) => line.startsWith('event:'))
        ?.slice(6)
        .trim();
      if (event === 'complete') completed = true;
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim());
      if (event === 'next' && data.join('')) {
        const payload = JSON.parse(data.join('\n')) as T;
        events.push(payload);
        onEvent?.(payload);
      }
    }
  }
  return { status: response.status, events, completed };
}
