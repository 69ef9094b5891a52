import type { Redis } from 'ioredis';

/** Redis's clock minus ours, re-measured every minute: deadlines are checked on Redis's clock. */
const CLOCK_CHECK_MS = 60_000;

/**
 * Redis's time as this process reckons it: a script that must not run past a deadline compares the deadline
 * with Redis's own `TIME`, so the deadline is set on Redis's clock, whatever this replica's clock says.
 */
export class RedisClock {
  private clock: { offsetMs: number; at: number } | undefined;

  constructor(private readonly redis: Redis) {}

  async now(): Promise<number> {
    if (!this.clock || Date.now() - this.clock.at > CLOCK_CHECK_MS) {
      const sent = Date.now();
      const [seconds, micros] = await this.redis.time();
      const received = Date.now();
      const redisMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      this.clock = { offsetMs: redisMs - (sent + received) / 2, at: received };
    }
    return Date.now() + this.clock.offsetMs;
  }
}
