import type { Logger } from './logger.js';
import type { BreakerState } from './upstream/http/breaker.js';

/**
 * `/readyz` is the gateway's own: ready while the process can serve, whatever the backends do. Every
 * replica shares the backends, so failing readiness on a backend outage would take all of them out of
 * the load balancer together, and the other backend's data with them. The backends' states are reported
 * for people and dashboards; they come from the circuit breakers and a background ping, never from a
 * call made per `/readyz` request, so a flood of probes costs the backends nothing.
 */

export type BackendState = 'up' | 'degraded' | 'down';
export type BackendName = 'wifiCloud' | 'services';

export interface ReadinessReport {
  status: 'ready' | 'draining';
  backends: Record<BackendName, BackendState>;
}

/** What readiness needs of a backend's client (`HttpClient` has both). */
export interface CheckedBackend {
  breakerState(): BreakerState;
  /** The status the backend answered, or `undefined` when it did not answer in time. */
  ping(timeoutMs: number): Promise<number | undefined>;
}

/** The last background ping of a backend. */
export interface PingOutcome {
  status: number | undefined;
  durationMs: number;
}

const PING_TIMEOUT_MS = 2_000;
/** A ping slower than this reports the backend degraded. */
export const SLOW_PING_MS = 1_000;

/**
 * down: its breaker is open, or the last ping got no answer (refused, reset, timed out);
 * degraded: its breaker is half-open, or the last ping answered a 5xx or took SLOW_PING_MS or more;
 * up: anything else (before the first ping answers, the breaker alone decides).
 */
export function backendState(breaker: BreakerState, ping: PingOutcome | undefined): BackendState {
  if (breaker === 'open' || (ping && ping.status === undefined)) return 'down';
  if (breaker === 'half-open') return 'degraded';
  if (ping && (ping.status! >= 500 || ping.durationMs >= SLOW_PING_MS)) return 'degraded';
  return 'up';
}

export interface ReadinessOptions {
  /** Time between the end of one background check and the start of the next. */
  intervalMs: number;
  logger: Logger;
}

export class Readiness {
  private draining = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly pings: Partial<Record<BackendName, PingOutcome>> = {};
  private readonly reported: Partial<Record<BackendName, BackendState>> = {};

  constructor(
    private readonly backends: Record<BackendName, CheckedBackend>,
    private readonly options: ReadinessOptions,
  ) {}

  /** The current state; the first call starts the background check (a gateway nobody probes pings nothing). */
  report(): ReadinessReport {
    if (!this.checking && !this.timer && !this.closed) void this.check();
    return { status: this.draining ? 'draining' : 'ready', backends: this.states() };
  }

  /** From now on `/readyz` answers 503, so the load balancer stops sending new requests. */
  drain(): void {
    this.draining = true;
  }

  /** Stops the background check. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private states(): Record<BackendName, BackendState> {
    const state = (name: BackendName) => backendState(this.backends[name].breakerState(), this.pings[name]);
    return { wifiCloud: state('wifiCloud'), services: state('services') };
  }

  /** Pings both backends once, then schedules the next check; never two at a time. */
  private async check(): Promise<void> {
    this.checking = true;
    this.timer = undefined;
    await Promise.all(
      (Object.keys(this.backends) as BackendName[]).map(async (name) => {
        const started = performance.now();
        const status = await this.backends[name].ping(PING_TIMEOUT_MS);
        this.pings[name] = { status, durationMs: performance.now() - started };
      }),
    );
    this.checking = false;
    this.logChanges();
    if (this.closed) return;
    // Unref'd: the check never keeps a stopping process alive.
    this.timer = setTimeout(() => void this.check(), this.options.intervalMs).unref();
  }

  private logChanges(): void {
    for (const [name, state] of Object.entries(this.states()) as Array<[BackendName, BackendState]>) {
      const before = this.reported[name];
      this.reported[name] = state;
      if (before === undefined ? state === 'up' : before === state) continue;
      const ping = this.pings[name];
      this.options.logger[state === 'up' ? 'info' : 'warn'](
        { backend: name, state, pingStatus: ping?.status, pingMs: ping && Math.round(ping.durationMs) },
        `backend ${name} is ${state}`,
      );
    }
  }
}
