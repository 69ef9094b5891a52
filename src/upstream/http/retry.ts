import type { Dispatcher } from 'undici';
import type { RetryOptions } from '../../config.js';

/**
 * When and how long to wait before trying a read again. Only reads are retried: a POST, PATCH or
 * DELETE that failed may still have taken effect upstream, so it is sent exactly once.
 *
 * undici's RetryAgent does most of this, but below the layer that knows the request's deadline, its call
 * budget and the breaker, and without jitter; so the policy is these few functions, used by client.ts.
 * Its settings (RetryOptions) are declared with the configuration (src/config/upstream.ts).
 */

/** Statuses that say "try again later" without the request having been acted on. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Answers whose `Retry-After` holds for the whole backend, not just this request: "too many requests",
 * and "unavailable, come back then". The gateway sends nothing to that backend until the time has passed.
 */
const BACKEND_WIDE_STATUSES = new Set([429, 503]);

export function isBackendWideRetryAfter(status: number): boolean {
  return BACKEND_WIDE_STATUSES.has(status);
}

export function isRetryableMethod(method: Dispatcher.HttpMethod): boolean {
  return method === 'GET' || method === 'HEAD';
}

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * The wait before retry number `retry` (1-based): "full jitter" exponential backoff (a random share of
 * base·2^(retry-1), capped), so many gateways retrying together do not hit the backend in step; never
 * less than what the backend asked for in `Retry-After`.
 */
export function backoffMs(
  options: RetryOptions,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.max(Math.round(random() * ceiling), retryAfterMs ?? 0);
}

/**
 * The longest `Retry-After` the gateway honours. A backend (or a proxy in front of it) that asks for hours
 * would otherwise lock the gateway out of it for that long on one answer; after this, a call goes out again
 * and a backend still overloaded answers 429 again.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3), at most
 * MAX_RETRY_AFTER_MS; undefined if absent or bad (a sign, a fraction, an unparsable date).
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // Every HTTP date form names a month and a time of day; Date.parse alone would read `May 1` as a date.
  const date = /[a-z]/i.test(text) && /\d\d:\d\d:\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}
