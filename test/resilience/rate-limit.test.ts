import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { customerIds } from '../../src/sandbox/seed.js';
import { RetryAfterWindow } from '../../src/upstream/http/breaker.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/upstream/http/retry.js';

import { type GraphQLResponse, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  adaPath,
  adaReader,
  cancelAllInput,
  cancelAllPath,
  quickRetries,
  retryAfterFault,
  unclaimInput,
  unclaimPath,
} from './operations.js';

/**
 * Rate limits over real HTTP: a backend's 429 is the typed RateLimitedError (a write did not happen), its
 * Retry-After (and a 503's) holds every later call to that backend until it passes, capped, and the hint
 * reaches the client: `retryAfterSeconds` on the mutation's union member, or in a query error's extensions.
 */

type Json = Record<string, any>;
const doc = (source: string) => parse(source) as TypedDocumentNode<Json, Json>;

// Plain documents, not codegen's `graphql()`: this file adds no operation to the typed set.
const outcome = `__typename ... on Error { code message } ... on RateLimitedError { backend retryAfterSeconds }`;
const UnclaimNode = doc(`mutation RlUnclaim($input: UnclaimNodeInput!) {
  unclaimNode(input: $input) { ${outcome} }
}`);
const CancelAll = doc(`mutation RlCancelAll($input: CancelAllSubAccountServicesInput!) {
  cancelAllSubAccountServices(input: $input) { ${outcome} }
}`);

let gw: TestGateway;
let running: TestGateway | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(overrides: Partial<Config> = {}) {
  gw = running = await startTestGateway({ upstreamRetry: quickRetries, ...overrides });
  return gw;
}
const { readAda, adaReads } = adaReader(() => gw);

/** A mutation's rate-limited outcome: the union member, as data, naming the backend that limits. */
function rateLimited(response: GraphQLResponse<Json>, field: string, backend: 'WIFI_CLOUD' | 'SERVICES') {
  expect(response.errors).toBeUndefined();
  const member = response.data?.[field];
  expect(member).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED', backend });
  return member as { message: string; retryAfterSeconds: number };
}

const outcomeOf = (response: GraphQLResponse<Json>, field: string) => response.data?.[field]?.__typename;

const claimedSerials = () => gw.sandbox.plume.state.inspectCustomer(customerIds.ada)?.claimedSerials;
const activeOnAda = () =>
  gw.sandbox.services.state.listSubAccountServices({ subAccountId: 'ACC-1001' }).count;

const writes = [
  {
    upstream: 'plume',
    method: 'DELETE',
    path: unclaimPath,
    field: 'unclaimNode',
    backend: 'WIFI_CLOUD',
    success: 'UnclaimNodeSuccess',
    run: () => gw.execute(UnclaimNode, unclaimInput),
    unchanged: () => expect(claimedSerials()).toContain('AA11000001'),
    changed: () => expect(claimedSerials()).not.toContain('AA11000001'),
  },
  {
    upstream: 'services',
    method: 'POST',
    path: cancelAllPath,
    field: 'cancelAllSubAccountServices',
    backend: 'SERVICES',
    success: 'CancelAllSubAccountServicesSuccess',
    run: () => gw.execute(CancelAll, cancelAllInput),
    unchanged: () => expect(activeOnAda()).toBe(3),
    changed: () => expect(activeOnAda()).toBe(0),
  },
] as const;

describe('a 429 on a write', () => {
  it.each(writes)(
    '$upstream $method: RateLimitedError, nothing written, no call until Retry-After has passed',
    async (w) => {
      await start();
      gw.sandbox[w.upstream].control.inject(
        retryAfterFault(429, '2', { method: w.method, path: w.path, times: 1 }),
      );

      const first = rateLimited(await w.run(), w.field, w.backend);
      expect(first.retryAfterSeconds).toBe(2);
      expect(first.message).toContain('nothing was changed');
      expect(gw.sandbox[w.upstream].control.count(w.path, w.method)).toBe(1);
      w.unchanged();

      // Within the window: the same answer, sooner or equal, and that backend is not called at all.
      gw.resetCounts();
      const second = rateLimited(await w.run(), w.field, w.backend);
      expect(second.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(second.retryAfterSeconds).toBeLessThanOrEqual(first.retryAfterSeconds);
      expect(gw.upstreamCalls()[w.upstream]).toBe(0);
      w.unchanged();

      // After it: calls go through again (the fault hit once only), and the write is made.
      await expect
        .poll(async () => outcomeOf(await w.run(), w.field), { timeout: 6_000, interval: 250 })
        .toBe(w.success);
      expect(gw.sandbox[w.upstream].control.count(w.path, w.method)).toBe(1);
      w.changed();
    },
  );

  it("holds only that backend: the other one's calls still go out", async () => {
    await start();
    gw.sandbox.services.control.inject(
      retryAfterFault(429, '30', { method: 'POST', path: cancelAllPath, times: 1 }),
    );
    rateLimited(await gw.execute(CancelAll, cancelAllInput), 'cancelAllSubAccountServices', 'SERVICES');
    gw.resetCounts();

    const read = await readAda();

    expect(read.errors).toBeUndefined();
    expect(read.data?.customer).toMatchObject({ customerId: customerIds.ada });
    expect(gw.upstreamCalls().plume).toBe(1);
  });
});

describe('a 429 on a read', () => {
  const rateLimitedField = (response: GraphQLResponse<unknown>, retryAfterSeconds: number) => {
    expect(response.data).toEqual({ customer: null });
    expect(response.errors).toMatchObject([
      { path: ['customer'], extensions: { code: 'RATE_LIMITED', retryAfterSeconds } },
    ]);
  };

  it('ends, after its retries, as RATE_LIMITED with retryAfterSeconds; the next read makes no call', async () => {
    await start({ upstreamRetry: { ...quickRetries, retries: 1 } });
    gw.sandbox.plume.control.inject(retryAfterFault(429, '1', { method: 'GET', path: adaPath }));

    rateLimitedField(await readAda(), 1);
    expect(adaReads()).toBe(2);

    rateLimitedField(await readAda(), 1);
    expect(adaReads()).toBe(2);
  });

  it("fails fast, without waiting, when the Retry-After would pass the request's deadline", async () => {
    await start({ requestTimeoutMs: 8_000 });
    gw.sandbox.plume.control.inject(retryAfterFault(429, '30', { method: 'GET', path: adaPath, times: 1 }));

    const started = performance.now();
    const response = await readAda();

    rateLimitedField(response, 30);
    expect(adaReads()).toBe(1);
    // Far below the deadline: it did not sleep towards a retry it could not make.
    expect(performance.now() - started).toBeLessThan(6_000);
  });

  it('is held by a 503 with Retry-After as well: the next read answers RATE_LIMITED without a call', async () => {
    await start({ upstreamRetry: { ...quickRetries, retries: 0 } });
    gw.sandbox.plume.control.inject(retryAfterFault(503, '20', { method: 'GET', path: adaPath, times: 1 }));

    expect((await readAda()).errors).toMatchObject([{ extensions: { code: 'UPSTREAM_ERROR' } }]);
    const held = await readAda();

    expect(held.errors).toMatchObject([{ extensions: { code: 'RATE_LIMITED' } }]);
    expect(held.errors?.[0]?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(20);
    expect(adaReads()).toBe(1);
  });
});

describe('Retry-After values', () => {
  it.each([
    ['ten years in seconds', '315360000'],
    ['an HTTP date in 2100', 'Fri, 01 Jan 2100 00:00:00 GMT'],
    ['more digits than a number holds', '99999999999999999999999'],
  ])('caps %s at 60 s', async (_name, value) => {
    await start();
    gw.sandbox.plume.control.inject(
      retryAfterFault(429, value, { method: 'DELETE', path: unclaimPath, times: 1 }),
    );

    const limited = rateLimited(await gw.execute(UnclaimNode, unclaimInput), 'unclaimNode', 'WIFI_CLOUD');

    expect(limited.retryAfterSeconds).toBe(MAX_RETRY_AFTER_MS / 1000);
  });

  it.each(['soon', '-5', '1.5', ''])(
    'ignores Retry-After %j: still RATE_LIMITED (at least 1 s), and no window holds the next call',
    async (value) => {
      await start();
      gw.sandbox.plume.control.inject(
        retryAfterFault(429, value, { method: 'DELETE', path: unclaimPath, times: 1 }),
      );

      const limited = rateLimited(await gw.execute(UnclaimNode, unclaimInput), 'unclaimNode', 'WIFI_CLOUD');
      expect(limited.retryAfterSeconds).toBe(1);

      const next = await gw.execute(UnclaimNode, unclaimInput);
      expect(outcomeOf(next, 'unclaimNode')).toBe('UnclaimNodeSuccess');
      expect(gw.sandbox.plume.control.count(unclaimPath, 'DELETE')).toBe(2);
    },
  );

  it('parses and caps: delta-seconds, dates, nonsense', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('59', now)).toBe(59_000);
    expect(parseRetryAfter('61', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('315360000', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
    for (const nonsense of ['1.5', '+1', '1e3', '0x10', 'soon', ' ', 'May 1', '-5']) {
      expect(parseRetryAfter(nonsense, now)).toBeUndefined();
    }
  });

  it('holds a window until its end; a shorter Retry-After never shortens it', () => {
    const clock = { now: 1_000 };
    const window = new RetryAfterWindow(() => clock.now);
    expect(window.remainingMs()).toBe(0);
    window.hold(5_000);
    clock.now = 2_000;
    expect(window.remainingMs()).toBe(4_000);
    window.hold(1_000);
    expect(window.remainingMs()).toBe(4_000);
    clock.now = 6_000;
    expect(window.remainingMs()).toBe(0);
  });
});
