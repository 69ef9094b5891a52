import { describe, expect, it } from 'vitest';
import { type BreakerState, CircuitBreaker } from '../../src/upstream/http/breaker.js';
import {
  backoffMs,
  isRetryableMethod,
  isRetryableStatus,
  parseRetryAfter,
} from '../../src/upstream/http/retry.js';

/** The breaker's and the retry policy's rules, on a hand-driven clock (no waiting, no timing). */

function breakerOnClock(options: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
  const clock = { now: 0 };
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker(
    { failures: 3, errorRate: 0.5, minCalls: 10, windowMs: 10_000, openMs: 5_000, ...options },
    (state) => changes.push(state),
    () => clock.now,
  );
  return { breaker, clock, changes };
}

describe('CircuitBreaker', () => {
  it('opens on consecutive failures only: a success in between starts the count again', () => {
    const { breaker, changes } = breakerOnClock();
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.state()).toBe('closed');
    breaker.failure();
    expect(breaker.state()).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(changes).toEqual(['open']);
  });

  it('opens on the error rate in its window once it saw minCalls', () => {
    const { breaker } = breakerOnClock({ failures: 100 });
    for (let i = 0; i < 4; i += 1) {
      breaker.success();
      breaker.failure();
    }
    expect(breaker.state()).toBe('closed'); // 4 of 8: too few calls to judge
    breaker.success();
    breaker.failure();
    expect(breaker.state()).toBe('open'); // 5 of 10
  });

  it('forgets outcomes older than its window', () => {
    const { breaker, clock } = breakerOnClock({ failures: 100 });
    for (let i = 0; i < 5; i += 1) breaker.failure();
    clock.now = 11_000;
    for (let i = 0; i < 5; i += 1) breaker.success();
    breaker.failure();
    expect(breaker.state()).toBe('closed'); // 1 of 6 in the window
  });

  it('half-opens after openMs with one probe at a time; a good probe closes it', () => {
    const { breaker, clock, changes } = breakerOnClock();
    for (let i = 0; i < 3; i += 1) breaker.failure();
    clock.now = 4_000;
    expect(breaker.retryInMs()).toBe(1_000);
    expect(breaker.tryAcquire()).toBe(false);
    clock.now = 5_000;
    expect(breaker.state()).toBe('half-open');
    expect(breaker.tryAcquire()).toBe('probe');
    expect(breaker.tryAcquire()).toBe(false);
    breaker.success();
    expect(breaker.state()).toBe('closed');
    expect(breaker.tryAcquire()).toBe('call');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again for openMs when the probe fails, and frees the probe slot on release', () => {
    const { breaker, clock } = breakerOnClock();
    for (let i = 0; i < 3; i += 1) breaker.failure();
    clock.now = 5_000;
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.release();
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.failure();
    expect(breaker.state()).toBe('open');
    clock.now = 9_999;
    expect(breaker.state()).toBe('open');
    clock.now = 10_000;
    expect(breaker.state()).toBe('half-open');
  });
});

describe('retry policy', () => {
  const options = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('retries reads only, and only statuses that mean "later"', () => {
    expect(
      ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'PUT'].filter((m) => isRetryableMethod(m as 'GET')),
    ).toEqual(['GET', 'HEAD']);
    expect([400, 404, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 502, 503, 504]);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(options, retry, undefined, () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(backoffMs(options, 3, undefined, () => 0.5)).toBe(200);
    expect(backoffMs(options, 3, undefined, () => 0)).toBe(0);
  });

  it('never waits less than Retry-After', () => {
    expect(backoffMs(options, 1, 3_000, () => 1)).toBe(3_000);
    expect(backoffMs(options, 5, 10, () => 1)).toBe(1_000);
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter(['2'], now)).toBe(2_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});
