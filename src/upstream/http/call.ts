import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { UpstreamBudgetExceededError } from '../../errors.js';
import type { RequestDeadline } from './deadline.js';

/**
 * What one upstream call is, apart from sending it: the request it belongs to (deadline, budget, record),
 * its path and route template, the request itself, and the watchers that see it. The HTTP layer (client.ts)
 * sends it.
 */

export type UpstreamName = 'plume' | 'services';

/** What each call carries from the GraphQL request that caused it. */
export interface CallContext {
  requestId: string;
  signal?: AbortSignal;
  /** The GraphQL request's deadline (REQUEST_TIMEOUT_MS): bounds every attempt and every retry wait. */
  deadline?: RequestDeadline;
  /** The request's budget of upstream calls and its record of them (audit, upstream request ids). */
  ledger?: UpstreamLedger;
  /** Paces the calls of bulk work (src/bulk/pacer.ts); interactive requests have none. */
  pace?: UpstreamPacer;
}

/** A rate shared by every replica's bulk work toward each backend, and the backend's 429s that slow it. */
export interface UpstreamPacer {
  /** Resolves when this call may go out; rejects (RateLimitedError) when its turn is past the deadline. */
  before(upstream: UpstreamName, deadline?: RequestDeadline): Promise<void>;
  /** The backend answered 429: hold all bulk work toward it back for its Retry-After (or a default). */
  rateLimited(upstream: UpstreamName, retryAfterMs: number | undefined): void;
}

/** An upstream path: `path` is encoded and sent; `route` is its template (`/api/Customers/{id}`) for labels. */
export interface UpstreamPath {
  path: string;
  route: string;
}

/**
 * The backend's table for one call: an error answer → the domain error it is (src/errors.ts); `undefined`
 * means "unexpected", a masked UpstreamError.
 */
export type ClassifyError = (status: number, body: unknown) => Error | undefined;

export interface HttpRequest<T> {
  /** Names the call in logs and errors, e.g. `unclaimNode`. */
  operation: string;
  method: Dispatcher.HttpMethod;
  /** Built with the `path` tag so every segment is encoded; a plain string is a fixed path. */
  path: UpstreamPath | string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Validates a 2xx JSON body; omit for bodiless answers such as 204. */
  schema?: z.ZodType<T>;
  /** The backend's table for this call (plume-errors.ts, services-refusals.ts); none: every error masked. */
  classify?: ClassifyError;
}

/** Names one upstream call, with bounded values only (no ids): for metrics, spans and the ledger. */
export interface UpstreamCallInfo {
  upstream: UpstreamName;
  operation: string;
  method: Dispatcher.HttpMethod;
  route: string;
}

export interface UpstreamCallEnd {
  /** The HTTP status, when an answer came. */
  status?: number;
  durationMs: number;
  upstreamRequestId?: string;
  /** Why no usable answer came: `timeout`, `aborted`, `network`, `malformed`, `too-large` (unread body). */
  failure?: 'timeout' | 'aborted' | 'network' | 'malformed' | 'too-large';
  /** 1 for the first attempt, 2 for the first retry (only reads are retried). */
  attempt?: number;
}

/**
 * Watches every upstream call (metrics, tracing). `start` runs just before the call is sent and may add
 * headers (trace context); the function it returns runs once when the call ends, whatever the outcome.
 * Each retry is a call of its own (with `attempt` > 1); a call the open breaker refused is none.
 */
export interface UpstreamObserver {
  start(info: UpstreamCallInfo, headers: Record<string, string>): (end: UpstreamCallEnd) => void;
}

/** Tagged template that URL-encodes every interpolated path segment: `path\`/a/${id}\``. */
export function path(strings: TemplateStringsArray, ...segments: Array<string | number>): UpstreamPath {
  return {
    path: strings.reduce((out, literal, i) => out + encodeURIComponent(String(segments[i - 1])) + literal),
    route: strings.join('{id}'),
  };
}

/** Appends a fixed suffix to a built path: `appendPath(path\`/v2/accounts/${id}\`, '/services')`. */
export function appendPath(base: UpstreamPath, suffix: string): UpstreamPath {
  return { path: base.path + suffix, route: base.route + suffix };
}

/**
 * One per GraphQL request: admits at most `budget` upstream calls (the last line against fan-out that the
 * static limits let through) and records each call's outcome (the audit trail reads upstream request ids).
 */
export class UpstreamLedger {
  readonly calls: Array<UpstreamCallInfo & UpstreamCallEnd> = [];
  private admitted = 0;

  constructor(readonly budget: number) {}

  admit(): void {
    if (this.admitted >= this.budget) throw new UpstreamBudgetExceededError(this.budget);
    this.admitted += 1;
  }

  /** Calls still admitted; a retry is only made while this is positive. */
  get remaining(): number {
    return this.budget - this.admitted;
  }

  record(info: UpstreamCallInfo, end: UpstreamCallEnd): void {
    const { upstream, operation, method, route } = info;
    const { status, durationMs, upstreamRequestId, failure, attempt } = end;
    this.calls.push({
      upstream,
      operation,
      method,
      route,
      status,
      durationMs,
      upstreamRequestId,
      failure,
      attempt,
    });
  }
}
