import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import type { BreakerOptions, RetryOptions } from '../../config.js';
import { RateLimitedError, UpstreamError, UpstreamUnavailableError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { DEFAULT_MAX_BODY_BYTES, readCapped } from './body.js';
import { type BreakerState, CircuitBreaker, RetryAfterWindow } from './breaker.js';
import type { CallContext, HttpRequest, UpstreamName, UpstreamObserver } from './call.js';
import { type Attempt, type AnswerReader, readAnswer, transportFailure } from './outcome.js';
import { AttemptRecorder } from './recorder.js';
import { backoffMs, isRetryableMethod } from './retry.js';

/**
 * The one HTTP layer every upstream call goes through: pooled keep-alive connections per backend, a deadline
 * on every call, encoded paths, JSON in and out, body shapes checked at the boundary.
 *
 * How an upstream status becomes a GraphQL outcome, in this order:
 * 1. Here (outcome.ts): no answer is a transport failure, a masked UpstreamError (a read may retry); a 429 is
 *    RateLimitedError for both backends; a 2xx is checked against the call's schema.
 * 2. The backend's table, the call's `classify` (plume/plume-errors.ts, services/services-refusals.ts): an
 *    error status becomes a domain error from src/errors.ts, or stays a masked UpstreamError.
 * 3. Disambiguation by a read, in the adapter, where one status stands for several rows: `explain`
 *    (plume-errors.ts) for an uncoded 401 or 404; a services refusal told by whether its services are
 *    still active (ServicesApi's cancel).
 * 4. Read-back (ambiguity.ts, `confirmWrite`): a write whose failure leaves its outcome unknown is re-read,
 *    and answered as a success (READ_BACK) or OutcomeUnknownError.
 * 5. Masking (`maskError` in src/yoga.ts): a domain error is shown with its code (as its mutation's union
 *    member where the schema lists it); everything else, UpstreamError included, is masked.
 */

export interface HttpClientOptions {
  timeoutMs: number;
  connections: number;
  logger: Logger;
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

/** A retry that would leave less than this before the request's deadline is not worth sending. */
const MIN_ATTEMPT_MS = 50;

export class HttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly breaker?: CircuitBreaker;
  /** The backend's last Retry-After (429, 503): until it passes, attempts fail fast (RateLimitedError). */
  private readonly retryAfter = new RetryAfterWindow();
  private readonly reader: AnswerReader;

  constructor(
    readonly upstream: UpstreamName,
    baseUrl: string,
    private readonly options: HttpClientOptions,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.reader = {
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      retryAfter: this.retryAfter,
      upstreamRequestId: options.upstreamRequestId,
    };
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

  /** One attempt: admitted (pacer, deadline, Retry-After, breaker, budget), sent, and its outcome read. */
  private async attempt<T>(req: HttpRequest<T>, call: CallContext, attempt: number): Promise<Attempt<T>> {
    const { path: requestPath, route } =
      typeof req.path === 'string' ? { path: req.path, route: req.path } : req.path;
    // Bulk work waits for its turn toward this backend first (interactive requests have no pacer).
    if (call.pace) await call.pace.before(this.upstream, call.deadline);
    const left = call.deadline?.remainingMs();
    if (left === 0) {
      throw new UpstreamError(this.upstream, req.operation, `the request's deadline passed before the call`);
    }
    const permit = this.permit(req, call);
    const info = { upstream: this.upstream, operation: req.operation, method: req.method, route };
    const record = new AttemptRecorder(
      this.options.logger,
      info,
      requestPath,
      call,
      attempt,
      this.breaker,
      permit,
    );
    try {
      call.ledger?.admit();
    } catch (error) {
      record.report('unknown');
      throw error;
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': call.requestId,
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...req.headers,
    };
    record.start(headers, this.options.observers);

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
      text = await readCapped(response, this.reader.maxBodyBytes);
    } catch (cause) {
      const timeouts = { timeoutMs, upstreamTimeoutMs: this.options.timeoutMs };
      return transportFailure(cause, status, call, timeouts, record);
    }
    return readAnswer(this.reader, { status, headers: response.headers, text }, req, call, record);
  }

  /** Lets an attempt go out, unless the backend's Retry-After still holds or its breaker is open. */
  private permit(req: HttpRequest<unknown>, call: CallContext): 'call' | 'probe' {
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
    return permit;
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

/** What aborts a call besides its own timer: the request's deadline and the client's disconnect. */
function abortSignalOf(call: CallContext): AbortSignal | undefined {
  if (call.deadline && (!call.signal || call.signal === call.deadline.clientSignal))
    return call.deadline.signal;
  return call.deadline && call.signal ? AbortSignal.any([call.signal, call.deadline.signal]) : call.signal;
}
