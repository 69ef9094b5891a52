import type { BreakerOptions } from '../../config.js';

/**
 * A circuit breaker for one backend. Closed: every attempt goes out. It opens after `failures`
 * consecutive failures, or when at least `minCalls` attempts in the last `windowMs` failed at a rate of
 * `errorRate` or more. Open: attempts fail fast, with no call, for `openMs`. Then half-open: one attempt
 * at a time goes out as a probe; its success closes the breaker, its failure opens it again.
 *
 * Hand-written (about 100 lines) because no resilience library is installed; `cockatiel` (ConsecutiveBreaker,
 * SamplingBreaker) would fit if one is added.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The error rate is counted in this many slices of the window, so old outcomes age out cheaply. */
const SLICES = 10;

export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | undefined;
  private probing = false;
  private readonly slices = new Map<number, { calls: number; failures: number }>();

  constructor(
    private readonly options: BreakerOptions,
    /** Told of every change of state (logs). */
    private readonly onChange: (state: BreakerState) => void = () => {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Milliseconds until an open breaker lets a probe through (0 when it would now). */
  retryInMs(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.options.openMs - (this.now() - this.openedAt));
  }

  /**
   * Asks to send one attempt: false means fail fast. In half-open, `probe` makes the caller the probe,
   * who must then report `success`, `failure` or `release`.
   */
  tryAcquire(): false | 'call' | 'probe' {
    const state = this.state();
    if (state === 'closed') return 'call';
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    this.onChange('half-open');
    return 'probe';
  }

  success(): void {
    this.consecutive = 0;
    if (this.openedAt !== undefined) {
      this.reset();
      this.onChange('closed');
      return;
    }
    this.count(false);
  }

  failure(): void {
    if (this.openedAt !== undefined) {
      // A failed probe (or a late answer to an attempt sent before the breaker opened): open again.
      this.open();
      return;
    }
    this.consecutive += 1;
    const { calls, failures } = this.count(true);
    const { options } = this;
    if (
      this.consecutive >= options.failures ||
      (calls >= options.minCalls && failures / calls >= options.errorRate)
    ) {
      this.open();
    }
  }

  /** The probe proved nothing about the backend (the client left, the deadline passed): frees its slot. */
  release(): void {
    this.probing = false;
  }

  private open(): void {
    this.openedAt = this.now();
    this.probing = false;
    this.onChange('open');
  }

  private reset(): void {
    this.openedAt = undefined;
    this.probing = false;
    this.consecutive = 0;
    this.slices.clear();
  }

  /** Adds one outcome to the current slice, drops slices older than the window, returns the window's sums. */
  private count(failed: boolean): { calls: number; failures: number } {
    const sliceMs = this.options.windowMs / SLICES;
    const current = Math.floor(this.now() / sliceMs);
    const slice = this.slices.get(current) ?? { calls: 0, failures: 0 };
    slice.calls += 1;
    if (failed) slice.failures += 1;
    this.slices.set(current, slice);
    const sum = { calls: 0, failures: 0 };
    for (const [key, value] of this.slices) {
      if (key <= current - SLICES) {
        this.slices.delete(key);
        continue;
      }
      sum.calls += value.calls;
      sum.failures += value.failures;
    }
    return sum;
  }
}

/**
 * A backend's own "not before": after it answered 429 (or 503) with `Retry-After`, every attempt to it fails
 * fast until then, as an open breaker does (the same place in client.ts asks both, before any call). It is
 * kept apart from the breaker's state because it says nothing about the backend's health: a 429 proves the
 * backend up, and the breaker counts it so. One per backend (HttpClient), shared by all its requests.
 */
export class RetryAfterWindow {
  private until = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Holds calls back for `ms` (already capped by parseRetryAfter); an earlier end never shortens a later one. */
  hold(ms: number): void {
    this.until = Math.max(this.until, this.now() + ms);
  }

  /**
   * Milliseconds left before calls may go out again; 0 when they may now. The last few milliseconds count as
   * passed: a retry that slept for exactly the Retry-After may wake a moment early by this clock.
   */
  remainingMs(): number {
    const left = this.until - this.now();
    return left > CLOCK_SLACK_MS ? left : 0;
  }
}

/** Timers may fire this much earlier than performance.now() says (the event loop caches its clock). */
const CLOCK_SLACK_MS = 25;
