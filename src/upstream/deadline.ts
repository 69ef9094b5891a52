/**
 * One deadline per GraphQL request (REQUEST_TIMEOUT_MS), shared by all its upstream calls and their
 * retries. Its signal aborts when the time is up, when the client disconnects, or once the request's answer
 * is sent (`settle`: nothing awaits the calls still in flight), whichever comes first. The signal is made on
 * first use, so a request that calls no backend sets no timer.
 */
export class RequestDeadline {
  private readonly expiresAt: number;
  private timer: AbortSignal | undefined;
  private combined: AbortSignal | undefined;
  private answered: AbortController | undefined;
  private settled = false;

  constructor(
    readonly timeoutMs: number,
    /** The request's own signal: aborts when the client goes away. */
    readonly clientSignal?: AbortSignal,
  ) {
    this.expiresAt = performance.now() + timeoutMs;
  }

  get signal(): AbortSignal {
    if (this.settled) return AbortSignal.abort();
    if (!this.combined) {
      this.timer = AbortSignal.timeout(this.remainingMs());
      this.answered = new AbortController();
      const client = this.clientSignal ? [this.clientSignal] : [];
      this.combined = AbortSignal.any([...client, this.timer, this.answered.signal]);
    }
    return this.combined;
  }

  /** The answer is sent: abort what is still in flight upstream (a prefetch whose parent failed, say). */
  settle(): void {
    this.settled = true;
    this.answered?.abort();
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
