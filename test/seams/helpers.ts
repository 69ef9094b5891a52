import type { ChildProcess } from 'node:child_process';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Sandbox } from '../../src/sandbox/index.js';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { startServer } from '../helpers/server-process.js';

/**
 * Gateway processes (as `npm start` runs them) over one pair of simulators and one redis-server, for the
 * tests that kill things: Redis, a replica, a connection. Deadlines are short so a test can outwait them.
 */

export const SEAM_TIMEOUTS = {
  REQUEST_TIMEOUT_MS: '6000',
  UPSTREAM_TIMEOUT_MS: '5000',
  STORE_TIMEOUT_MS: '500',
};

export function gatewayEnv(sandbox: Sandbox, redisUrl: string): Record<string, string> {
  return {
    PLUME_API_URL: sandbox.upstream.plumeUrl,
    SERVICES_API_URL: sandbox.upstream.servicesUrl,
    SERVICES_API_KEY: sandbox.upstream.servicesApiKey,
    SERVICES_ACCOUNT_ID: sandbox.upstream.servicesAccountId,
    REDIS_URL: redisUrl,
    AUDIT_LOG: 'off',
    ...SEAM_TIMEOUTS,
  };
}

export interface Replica {
  url: string;
  child: ChildProcess;
  output: () => string;
}

export async function startReplicas(env: Record<string, string>, count: number, running: ChildProcess[]) {
  return Promise.all(Array.from({ length: count }, () => startServer(env, running))) as Promise<Replica[]>;
}

export interface Answer<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: { warnings?: Array<{ code: string; message: string }> };
}

/** One GraphQL request over real HTTP, with a token spelled as given. */
export async function post<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  authorization = DEMO_ADMIN_TOKEN,
): Promise<Answer<TResult>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer<TResult>, 'status'>) };
}

/** The answers a client retries with the same key: the key is busy, or its store was briefly unreachable. */
const RETRYABLE = new Set(['InProgressError', 'StoreUnavailableError']);

/**
 * Retries while the answer is retryable (InProgressError, StoreUnavailableError), as a client would;
 * returns the first other answer, how long it took and how many InProgressErrors came first.
 */
export async function untilSettled<T>(
  attempt: () => Promise<Answer<T>>,
  typenameOf: (answer: Answer<T>) => string | undefined,
  limitMs = 20_000,
): Promise<{ answer: Answer<T>; waitedMs: number; inProgress: number }> {
  const started = Date.now();
  let inProgress = 0;
  for (;;) {
    const answer = await attempt();
    const typename = typenameOf(answer);
    if (!RETRYABLE.has(typename ?? '') || Date.now() - started > limitMs) {
      return { answer, waitedMs: Date.now() - started, inProgress };
    }
    if (typename === 'InProgressError') inProgress += 1;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The decrease: the one write that is not safe to repeat. */
export const Decrease = graphql(`
  mutation SeamDecrease($customerId: ID!, $key: String) {
    reduceSubAccountServices(
      input: { customerId: $customerId, skuRemovals: [{ sku: "SKU-00000195", quantity: 1 }] }
      idempotencyKey: $key
    ) {
      __typename
      ... on ReduceSubAccountServicesSuccess {
        confirmedBy
        services {
          serviceId
          quantity
        }
      }
      ... on InProgressError {
        retryAfterSeconds
      }
      ... on StoreUnavailableError {
        retryAfterSeconds
      }
      ... on Error {
        code
        message
      }
    }
  }
`);
