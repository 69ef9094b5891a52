import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { RateLimitedError, UpstreamError, UpstreamUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type BreakerOptions, type BreakerState, CircuitBreaker, RetryAfterWindow } from './breaker.js';
import type {
  CallContext,
  UpstreamCallEnd,
  UpstreamCallInfo,
  UpstreamName,
  UpstreamObserver,
  UpstreamPath,
} from './call.js';
import {
  backoffMs,
  isBackendWideRetryAfter,
  isRetryableMethod,
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
} from './retry.js';

/**
 * The one HTTP layer every upstream call goes through: pooled keep-alive connections per backend,
 * a deadline on every call, encoded paths, JSON in and out, body shapes checked at the boundary,
 * and non-2xx statuses turned into domain errors (or a masked UpstreamError) in one place.
 */

/** Turns a non-2xx answer into a domain error; `undefined` means "unexpected" (masked upstream error). */
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
  /** Maps this call's error answers; checked before the backend's default. */
  classify?: ClassifyError;
}

export interface HttpClientOptions {
  timeoutMs: number;
  connections: number;
  logger: Logger;
  /** The backend's default mapping of error answers (e.g. 401 → NotAuthorizedError). */
  classify: ClassifyError;
  /** Finds the backend's own request id in a body, e.g. the services `meta.uuid`. */
  upstreamRequestId?: (body: unknown) => string | undefined;
  /** Process-wide watchers of every call (metrics, tracing). */
  observers?: readonly UpstreamObserver[];
  /** Retries of reads; none when absent. */
  retry?: RetryOptions;
  /** Largest answer body read (UPSTREAM_MAX_BODY_BYTES); DEFAULT_MAX_BODY_BYTES when absent. */
  maxBodyBytes?: number;
  /** This backend's circuit breaker; none when absent. */
  breaker?: BreakerOptions;
  /** The jitter's random source (tests may pass a fixed one). */
  random?: () => number;
}

/** One attempt's result: its value, or the error to throw and whether a read may try again. */
type Attempt<T> =
  { ok: true; value: T } | { ok: false; error: Error; retryable: boolean; retryAfterMs?: number };

/** A retry that would leave less than this before the request's deadline is not worth sending. */
const MIN_ATTEMPT_MS = 50;

export class HttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly breaker?: CircuitBreaker;
  private readonly maxBodyBytes: number;
  /** The backend's last Retry-After (429, 503): until it passes, attempts fail fast (RateLimitedError). */
  private readonly retryAfter = new RetryAfterWindow();

  constructor(
    readonly upstream: UpstreamName,
    baseUrl: string,
    private readonly options: HttpClientOptions,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    if (options.breaker) {
      this.breaker = new CircuitBreaker(options.breaker, (state) =>
        options.logger[state === 'open' ? 'warn' : 'info'](
          { upstream, breaker: state },
          `upstream ${upstream} circuit ${state}`,
        ),
      );
    }
  }

  /** This backend's circuit state, for readiness and metrics (`closed` when it has no breaker). */
  breakerState(): BreakerState {
    return this.breaker?.state() ?? 'closed';
  }

  /**
   * Sends one request. A read whose attempt failed in a passing way (no connection, 429, 502-504) is sent
   * again after a jittered backoff, while the request's deadline and call budget allow; writes never are.
   */
  async request<T = void>(req: HttpRequest<T>, call: CallContext): Promise<T> {
    call.deadline?.enter();
    try {
      return await this.send(req, call);
    } finally {
      call.deadline?.leave();
    }
  }

  private async send<T>(req: HttpRequest<T>, call: CallContext): Promise<T> {
    const retry = isRetryableMethod(req.method) ? this.options.retry : undefined;
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.attempt(req, call, attempt);
      if (result.ok) return result.value;
      if (!retry || !result.retryable || attempt > retry.retries) throw result.error;
      // Never sooner than the backend's window, which another request may have set longer meanwhile.
      const wait = Math.max(
        backoffMs(retry, attempt, result.retryAfterMs, this.options.random),
        this.retryAfter.remainingMs(),
      );
      const left = call.deadline?.remainingMs() ?? this.options.timeoutMs;
      if (wait + MIN_ATTEMPT_MS > left || (call.ledger && call.ledger.remaining <= 0)) throw result.error;
      const signal = abortSignalOf(call);
      const waited = await sleep(wait, true, signal ? { signal } : {}).catch(() => false);
      if (!waited) throw result.error;
    }
  }

  private async attempt<T>(req: HttpRequest<T>, call: CallContext, attempt: number): Promise<Attempt<T>> {
    const { path: requestPath, route } =
      typeof req.path === 'string' ? { path: req.path, route: req.path } : req.path;
    const info: UpstreamCallInfo = {
      upstream: this.upstream,
      operation: req.operation,
      method: req.method,
      route,
    };
    // Bulk work waits for its turn toward this backend first (interactive requests have no pacer).
    if (call.pace) await call.pace.before(this.upstream, call.deadline);
    const left = call.deadline?.remainingMs();
    if (left === 0) {
      throw new UpstreamError(this.upstream, req.operation, `the request's deadline passed before the call`);
    }
    const holdMs = this.retryAfter.remainingMs();
    if (holdMs > 0) {
      this.options.logger.debug(
        { upstream: this.upstream, operation: req.operation, requestId: call.requestId, holdMs },
        `upstream ${req.method} ${req.operation} refused: Retry-After not yet passed`,
      );
      throw new RateLimitedError(this.upstream, holdMs);
    }
    const permit = this.breaker ? this.breaker.tryAcquire() : 'call';
    if (!permit) {
      this.options.logger.debug(
        { upstream: this.upstream, operation: req.operation, requestId: call.requestId },
        `upstream ${req.method} ${req.operation} refused: circuit open`,
      );
      throw new UpstreamUnavailableError(this.upstream, this.breaker?.retryInMs() ?? 0);
    }
    /** Tells the breaker what this attempt proved about the backend. */
    const report = (verdict: 'up' | 'down' | 'unknown') => {
      if (verdict === 'up') this.breaker?.success();
      else if (verdict === 'down') this.breaker?.failure();
      else if (permit === 'probe') this.breaker?.release();
    };
    try {
      call.ledger?.admit();
    } catch (error) {
      report('unknown');
      throw error;
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': call.requestId,
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...req.headers,
    };
    const started = performance.now();
    const watchers = (this.options.observers ?? []).map((observer) => observer.start(info, headers));
    const finish = (end: Omit<UpstreamCallEnd, 'durationMs' | 'attempt'>) => {
      // Spelled out, not spread: one object shape for every call keeps this hot path monomorphic.
      const ended: UpstreamCallEnd = {
        status: end.status,
        durationMs: performance.now() - started,
        upstreamRequestId: end.upstreamRequestId,
        failure: end.failure,
        attempt,
      };
      for (const watcher of watchers) watcher(ended);
      call.ledger?.record(info, ended);
      return ended;
    };
    const log = (level: 'debug' | 'warn', end: UpstreamCallEnd, extra: object = {}) =>
      // Guarded: the line is built on every call, and debug is off in production.
      this.options.logger.isLevelEnabled(level) &&
      this.options.logger[level](
        {
          upstream: this.upstream,
          operation: req.operation,
          method: req.method,
          path: requestPath,
          status: end.status,
          durationMs: Math.round(end.durationMs),
          requestId: call.requestId,
          ...(attempt > 1 ? { attempt } : {}),
          ...(end.upstreamRequestId ? { upstreamRequestId: end.upstreamRequestId } : {}),
          ...extra,
        },
        `upstream ${req.method} ${req.operation} ${end.status ?? end.failure ?? 'failed'}`,
      );
    const fail = (message: string, end: Omit<UpstreamCallEnd, 'durationMs'>, cause?: unknown) => {
      log('warn', finish(end), { err: message });
      return new UpstreamError(this.upstream, req.operation, message, {
        status: end.status,
        upstreamRequestId: end.upstreamRequestId,
        failure: end.failure,
        cause,
      });
    };

    // The attempt's own deadline is the pool's headers/body timeout (UPSTREAM_TIMEOUT_MS); the request's
    // deadline signal cuts it shorter when less is left. No timer or signal is made per attempt: the
    // profile showed them on every call.
    const timeoutMs = Math.min(this.options.timeoutMs, left ?? Infinity);
    const outer = abortSignalOf(call);
    let status: number | undefined;
    let response: Dispatcher.ResponseData;
    /** Undefined: the answer's body was larger than `maxBodyBytes`, and left unread. */
    let text: string | undefined;
    try {
      response = await this.pool.request({
        method: req.method,
        path: this.basePath + requestPath + queryString(req.query),
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        ...(outer ? { signal: outer } : {}),
      });
      status = response.statusCode;
      text = await readCapped(response, this.maxBodyBytes);
    } catch (cause) {
      if (call.signal?.aborted || call.deadline?.abandoned) {
        // The client went away, or the answer was sent without this call: expected, logged once at debug.
        report('unknown');
        log('debug', finish({ status, failure: 'aborted' }));
        throw new UpstreamError(
          this.upstream,
          req.operation,
          'aborted: the client disconnected, or the answer was already sent',
          { cause },
        );
      }
      const code = (cause as { code?: unknown }).code;
      const timedOut = typeof code === 'string' && code.includes('TIMEOUT');
      if (call.deadline && (call.deadline.expired || (timedOut && timeoutMs < this.options.timeoutMs))) {
        // The request ran out of time; this backend is not to blame for it.
        report('unknown');
        const message = `timed out: the request's deadline of ${call.deadline.timeoutMs} ms passed`;
        throw fail(message, { status, failure: 'timeout' }, cause);
      }
      report('down');
      if (timedOut) throw fail(`timed out after ${timeoutMs} ms`, { status, failure: 'timeout' }, cause);
      // A connection refused or reset: a read may try again.
      const error = fail(`request failed: ${describe(cause)}`, { status, failure: 'network' }, cause);
      return { ok: false, error, retryable: true };
    }

    const body = text === undefined ? undefined : parseJson(text);
    const unread =
      text === undefined
        ? ` (its body, over UPSTREAM_MAX_BODY_BYTES of ${this.maxBodyBytes} bytes, unread)`
        : '';
    const upstreamRequestId = this.options.upstreamRequestId?.(body);
    report(status >= 500 ? 'down' : 'up');

    if (status < 200 || status >= 300) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      if (retryAfterMs !== undefined && isBackendWideRetryAfter(status)) this.retryAfter.hold(retryAfterMs);
      if (status === 429) {
        call.pace?.rateLimited(this.upstream, retryAfterMs);
        // Either backend's 429, here for both: the request was not acted on (a write did not happen), so
        // it is a typed outcome rather than a masked fault; a read may still try again.
        log('warn', finish({ status, upstreamRequestId }), { err: 'rate limited', retryAfterMs });
        const error = new RateLimitedError(this.upstream, retryAfterMs ?? 0);
        return { ok: false, error, retryable: true, retryAfterMs };
      }
      const known = req.classify?.(status, body) ?? this.options.classify(status, body);
      if (known) {
        log('debug', finish({ status, upstreamRequestId }), { outcome: known.name });
        throw known;
      }
      const error = fail(`unexpected status ${status}${unread}`, { status, upstreamRequestId });
      return { ok: false, error, retryable: isRetryableStatus(status), retryAfterMs };
    }
    if (!req.schema) {
      log('debug', finish({ status, upstreamRequestId }));
      return { ok: true, value: undefined as T };
    }
    if (text === undefined) {
      // A 2xx says a write's change happened, but its answer went unread: isAmbiguous counts a 2xx failure
      // ambiguous, so a write is confirmed by read-back rather than reported failed. (An error status with a
      // body over the cap was told by its status above, as for an empty error body.)
      throw fail(`answer larger than UPSTREAM_MAX_BODY_BYTES (${this.maxBodyBytes} bytes): not read`, {
        status,
        upstreamRequestId,
        failure: 'too-large',
      });
    }
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      throw fail(`malformed response body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`, {
        status,
        upstreamRequestId,
        failure: 'malformed',
      });
    }
    log('debug', finish({ status, upstreamRequestId }));
    return { ok: true, value: parsed.data };
  }

  /**
   * Readiness (src/readiness.ts): the status the backend answers on its base path (no credentials, so a
   * 401 or 404 still proves it up), or `undefined` when it does not answer within `timeoutMs`.
   */
  async ping(timeoutMs = 2_000): Promise<number | undefined> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: this.basePath || '/',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      return response.statusCode;
    } catch {
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function queryString(query: HttpRequest<unknown>['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The largest legitimate answer, a page of 1,000 services, is ~250 KB: twenty times that. */
export const DEFAULT_MAX_BODY_BYTES = 5_000_000;

// One non-negative integer only, as Content-Length must be.
const CONTENT_LENGTH = /^\d+$/;

/**
 * The answer's body as text, or `undefined` when it is larger than `maxBytes`, so that a backend (or
 * anything between) cannot make the gateway hold an answer of any size: a declared Content-Length above it
 * is refused before reading (undici never delivers more than one declares), and a chunked body is counted
 * as it streams and dropped at the first chunk past it. Either way the connection is closed.
 */
async function readCapped(response: Dispatcher.ResponseData, maxBytes: number): Promise<string | undefined> {
  const declared = response.headers['content-length'];
  if (typeof declared === 'string' && CONTENT_LENGTH.test(declared)) {
    if (Number(declared) <= maxBytes) return response.body.text();
    response.body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  // Leaving the loop early destroys the body, and with it the connection.
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > maxBytes) return undefined;
    chunks.push(chunk);
  }
  // TextDecoder, as undici's text() does: a leading BOM is dropped.
  return new TextDecoder().decode(Buffer.concat(chunks, bytes));
}

/** A body that is not JSON is kept as `undefined`: schemas then reject it as malformed. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What aborts a call besides its own timer: the request's deadline and the client's disconnect. */
function abortSignalOf(call: CallContext): AbortSignal | undefined {
  if (call.deadline && (!call.signal || call.signal === call.deadline.clientSignal))
    return call.deadline.signal;
  return call.deadline && call.signal ? AbortSignal.any([call.signal, call.deadline.signal]) : call.signal;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
