import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { FanOutStore } from './fanout-store.js';

/**
 * Runs pending fan-outs on this replica: every second (and at once when this replica made a job), it looks
 * at the jobs whose fan-out is to run and takes those it can lease. The lease is renewed each chunk; a
 * replica that dies lets it lapse, and another takes the fan-out over from its saved cursor. A job is made
 * whole in one script with its fan-out pending, so no request ever leaves a job that nobody fans out.
 */

const POLL_MS = 1_000;
const LEASE_MS = 10_000;

export type RunFanOut = (id: string, round: number, keepLease: () => Promise<boolean>) => Promise<boolean>;

export class FanOutLoop {
  private readonly holder = randomUUID();
  private readonly running = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly store: FanOutStore,
    private readonly run: RunFanOut,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const { id, round } of await this.store.pendingFanOuts()) {
        if (this.stopped || this.running.has(id)) continue;
        if (!(await this.store.leaseFanOut(id, this.holder, LEASE_MS))) continue;
        this.running.add(id);
        void this.runOne(id, round).finally(() => this.running.delete(id));
      }
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'bulk fan-out poll failed');
    } finally {
      this.polling = false;
    }
  }

  private async runOne(id: string, round: number): Promise<void> {
    try {
      const keepLease = async () => !this.stopped && this.store.leaseFanOut(id, this.holder, LEASE_MS);
      if (await this.run(id, round, keepLease)) await this.store.fanOutDone(id, round, this.holder);
    } catch (error) {
      // The lease lapses and a replica (this one too) takes it over from the saved cursor.
      this.logger.warn({ err: { message: (error as Error).message }, bulkJobId: id }, 'bulk fan-out failed');
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
