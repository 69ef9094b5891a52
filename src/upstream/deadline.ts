/**
 * One deadline per GraphQL request (REQUEST_TIMEOUT_MS), shared by all its upstream calls and their
 * retries. Its signal aborts when the time is up or when the client disconnects, whichever comes first.
 * The signal is made on first use, so a request that calls no backend sets no timer.
 */
export class RequestDeadline {
  private readonly expiresAt: number;
  private timer: AbortSignal | undefined;
  private combined: AbortSignal | undefined;

  constructor(
    readonly timeoutMs: number,
    /** The request's own signal: aborts when the client goes away. */
    readonly clientSignal?: AbortSignal,
  ) {
    this.expiresAt = performance.now() + timeoutMs;
  }

  get signal(): AbortSignal {
    if (!this.combined) {
      this.timer = AbortSignal.timeout(this.remainingMs());
      this.combined = this.clientSignal ? AbortSignal.any([this.clientSignal, this.timer]) : this.timer;
    }
    return this.combined;
  }

  /** Whole milliseconds left (timers take integers). */
  remainingMs(): number {
    return Math.max(0, Math.floor(this.expiresAt - performance.now()));
  }

  /** The time is up (not merely the client gone). */
  get expired(): boolean {
    return this.timer?.aborted === true || this.remainingMs() === 0;
  }

  /**
   * The client disconnected. Read from the combined signal: Yoga's request signal (@whatwg-node/server)
   * stops updating its own `aborted` once AbortSignal.any has subscribed to it.
   */
  get clientGone(): boolean {
    if (this.clientSignal?.aborted) return true;
    return this.combined?.aborted === true && !this.expired;
  }
}
