import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { CircuitBreaker } from './breaker.js';
import type { CallContext, UpstreamCallEnd, UpstreamCallInfo, UpstreamObserver } from './call.js';

/** What an attempt proved about the backend, for its circuit breaker. */
export type Verdict = 'up' | 'down' | 'unknown';

/**
 * Records one attempt of an upstream call: what it proved to the breaker, its end to the observers
 * (metrics, tracing) and the request's ledger, and its log line. One per attempt, made by client.ts.
 */
export class AttemptRecorder {
  private started = 0;
  private watchers: Array<(end: UpstreamCallEnd) => void> = [];

  constructor(
    private readonly logger: Logger,
    readonly info: UpstreamCallInfo,
    /** The encoded path sent, for the log (metrics and spans see only `info.route`). */
    private readonly path: string,
    private readonly call: CallContext,
    readonly attempt: number,
    /** The backend's breaker and what it allowed this attempt: a plain call, or the half-open probe. */
    private readonly breaker: CircuitBreaker | undefined,
    private readonly permit: 'call' | 'probe',
  ) {}

  /** Tells the breaker what this attempt proved about the backend. */
  report(verdict: Verdict): void {
    if (verdict === 'up') this.breaker?.success();
    else if (verdict === 'down') this.breaker?.failure();
    else if (this.permit === 'probe') this.breaker?.release();
  }

  /** The call is about to be sent: the observers start watching it (and may add headers). */
  start(headers: Record<string, string>, observers: readonly UpstreamObserver[] = []): void {
    this.started = performance.now();
    this.watchers = observers.map((observer) => observer.start(this.info, headers));
  }

  /** The call ended: observers and the ledger are told, once. */
  finish(end: Omit<UpstreamCallEnd, 'durationMs' | 'attempt'>): UpstreamCallEnd {
    // Spelled out, not spread: one object shape for every call keeps this hot path monomorphic.
    const ended: UpstreamCallEnd = {
      status: end.status,
      durationMs: performance.now() - this.started,
      upstreamRequestId: end.upstreamRequestId,
      failure: end.failure,
      attempt: this.attempt,
    };
    for (const watcher of this.watchers) watcher(ended);
    this.call.ledger?.record(this.info, ended);
    return ended;
  }

  log(level: 'debug' | 'warn', end: UpstreamCallEnd, extra: object = {}): void {
    // Guarded: the line is built on every call, and debug is off in production.
    if (!this.logger.isLevelEnabled(level)) return;
    const { upstream, operation, method } = this.info;
    this.logger[level](
      {
        upstream,
        operation,
        method,
        path: this.path,
        status: end.status,
        durationMs: Math.round(end.durationMs),
        requestId: this.call.requestId,
        ...(this.attempt > 1 ? { attempt: this.attempt } : {}),
        ...(end.upstreamRequestId ? { upstreamRequestId: end.upstreamRequestId } : {}),
        ...extra,
      },
      `upstream ${method} ${operation} ${end.status ?? end.failure ?? 'failed'}`,
    );
  }

  /** Finishes the call as failed (a warning) and gives the masked UpstreamError to throw. */
  fail(
    message: string,
    end: Omit<UpstreamCallEnd, 'durationMs' | 'attempt'>,
    cause?: unknown,
  ): UpstreamError {
    this.log('warn', this.finish(end), { err: message });
    return new UpstreamError(this.info.upstream, this.info.operation, message, {
      status: end.status,
      upstreamRequestId: end.upstreamRequestId,
      failure: end.failure,
      cause,
    });
  }
}
