import type { Dispatcher } from 'undici';

/**
 * When and how long to wait before trying a read again. Only reads are retried: a POST, PATCH or
 * DELETE that failed may still have taken effect upstream, so it is sent exactly once.
 *
 * undici's RetryAgent does most of this, but below the layer that knows the request's deadline, its call
 * budget and the breaker, and without jitter; so the policy is these few functions, used by http.ts.
 */

export interface RetryOptions {
  /** Retries after the first attempt (0 turns retrying off). */
  retries: number;
  /** The first backoff's ceiling; each later one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Statuses that say "try again later" without the request having been acted on. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

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

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or bad. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
