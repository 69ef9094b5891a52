/**
 * One deadline per GraphQL request (REQUEST_TIMEOUT_MS), shared by all its upstream calls and their
 * retries. Its signal aborts when the time is up, when the client disconnects, or once the request's answer
 * is sent (`settle`: nothing awaits the calls still in flight), whichever comes first.
 *
 * One AbortController and one timer, made on first use (a request that calls no backend sets none), and
 * aborted with shared reasons: `AbortSignal.timeout`/`AbortSignal.any` and an abort without a reason (which
 * builds a DOMException with its stack) cost about 8% of the gateway's CPU per request (docs/performance.md).
 */
const TIME_UP = new Error("the request's deadline passed");
const CLIENT_GONE = new Error('the client disconnected');
const ANSWERED = new Error('the answer was already sent');

export class RequestDeadline {
  private readonly expiresAt: number;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  /** Calls between `enter` and `leave`: only they need aborting once the answer is sent. */
  private inFlight = 0;
  private readonly onClientGone = () => this.abort(CLIENT_GONE);

  constructor(
    readonly timeoutMs: number,
    /** The request's own signal: aborts when the client goes away. */
    readonly clientSignal?: AbortSignal,
  ) {
    this.expiresAt = performance.now() + timeoutMs;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      this.timer = setTimeout(() => this.abort(TIME_UP), this.remainingMs());
      this.timer.unref();
      this.clientSignal?.addEventListener('abort', this.onClientGone, { once: true });
    }
    // A call made after the answer was sent (settle aborts only calls in flight), or after the client left.
    if (this.settled) this.abort(ANSWERED);
    else if (this.clientSignal?.aborted) this.abort(CLIENT_GONE);
    return this.controller.signal;
  }

  /** An upstream call (with its retries) starts using this deadline. */
  enter(): void {
    this.inFlight += 1;
  }

  leave(): void {
    this.inFlight -= 1;
  }

  /**
   * The answer is sent: abort what is still in flight upstream (a prefetch whose parent failed, say). With
   * nothing in flight, the timer and listener are only cleared: an abort event costs about 2% of a
   * one-field request's CPU, and a later call sees the signal aborted all the same.
   */
  settle(): void {
    this.settled = true;
    if (this.inFlight > 0) this.abort(ANSWERED);
    else this.release();
  }

  /** Whole milliseconds left (timers take integers). */
  remainingMs(): number {
    return Math.max(0, Math.floor(this.expiresAt - performance.now()));
  }

  /** The time is up (not merely the client gone). */
  get expired(): boolean {
    return this.controller?.signal.reason === TIME_UP || this.remainingMs() === 0;
  }

  /** Nobody awaits the calls any more: the client disconnected, or the answer was sent without them. */
  get abandoned(): boolean {
    const reason = this.controller?.signal.reason;
    return this.clientSignal?.aborted === true || reason === CLIENT_GONE || reason === ANSWERED;
  }

  private abort(reason: Error): void {
    this.release();
    if (this.controller && !this.controller.signal.aborted) this.controller.abort(reason);
  }

  private release(): void {
    clearTimeout(this.timer);
    if (this.controller) this.clientSignal?.removeEventListener('abort', this.onClientGone);
  }
}
