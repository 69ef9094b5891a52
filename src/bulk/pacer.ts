import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { UpstreamName, UpstreamPacer } from '../upstream/http/call.js';
import type { RequestDeadline } from '../upstream/http/deadline.js';
import type { LoopShare } from './loop-share.js';
import { PREFIX } from './model.js';

/**
 * The rate of bulk work toward each backend (BULK_RATE_PLUME, BULK_RATE_SERVICES), shared by every replica:
 * each upstream call of a bulk item reserves the next free slot of its backend in Redis (one script, on
 * Redis's clock, so replicas' clocks do not matter) and waits for it. Calls toward a backend are thus spaced
 * 1/rate apart over all replicas. A 429 pushes that backend's next slot past its Retry-After (or a second
 * without one), so every replica's bulk work toward it waits, and the other backend's does not.
 *
 * BullMQ's own limiter counts jobs per queue, not calls per backend (an item calls both backends a few
 * times), so it cannot express this; docs/bulk-jobs.md says more.
 */

/** Without a Retry-After, a 429 holds bulk work toward its backend this long. */
export const DEFAULT_429_PAUSE_MS = 1_000;
/** A call is worth waiting for only if this much of its deadline is left after its turn. */
const MIN_CALL_MS = 1_000;

// KEYS: the backend's next free slot (µs, Redis clock). ARGV: interval µs. Returns the wait in ms.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], string.format('%.0f', slot + tonumber(ARGV[1])), 'PX', 60000)
return math.floor((slot - now) / 1000)
`;

// KEYS: the backend's next free slot. ARGV: pause ms. No slot before now + pause.
const PAUSE = `
local t = redis.call('TIME')
local resume = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1]) * 1000
if resume > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.0f', resume), 'PX', tonumber(ARGV[1]) + 60000)
end
return 1
`;

interface PacerScripts {
  bulkReserve(key: string, intervalUs: number): Promise<number>;
  bulkPause(key: string, pauseMs: number): Promise<number>;
}

export class SharedPacer implements UpstreamPacer {
  private readonly redis: Redis & PacerScripts;

  constructor(
    redis: Redis,
    private readonly rates: Record<UpstreamName, number>,
    private readonly logger: Logger,
    /** Keeps bulk calls to their share of this replica's event loop. */
    private readonly loop: LoopShare,
    /** Told of every 429 (metrics). */
    private readonly onRateLimited: (upstream: UpstreamName, pauseMs: number) => void = () => {},
  ) {
    redis.defineCommand('bulkReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('bulkPause', { numberOfKeys: 1, lua: PAUSE });
    this.redis = redis as Redis & PacerScripts;
  }

  private key(upstream: UpstreamName) {
    return `${PREFIX}pace:${upstream}`;
  }

  async before(upstream: UpstreamName, deadline?: RequestDeadline): Promise<void> {
    await this.loop.turn(deadline?.signal);
    const waitMs = await this.redis.bulkReserve(this.key(upstream), Math.round(1e6 / this.rates[upstream]));
    if (waitMs <= 0) return;
    // Too long a wait for this item's deadline: it goes back to the queue (nothing was sent).
    if (deadline && waitMs + MIN_CALL_MS > deadline.remainingMs())
      throw new RateLimitedError(upstream, waitMs);
    await sleep(waitMs, undefined, deadline ? { signal: deadline.signal } : {});
  }

  rateLimited(upstream: UpstreamName, retryAfterMs: number | undefined): void {
    const pauseMs = Math.max(retryAfterMs ?? DEFAULT_429_PAUSE_MS, 1);
    this.onRateLimited(upstream, pauseMs);
    this.logger.warn({ upstream, pauseMs }, 'bulk work toward a backend paused after its 429');
    this.redis.bulkPause(this.key(upstream), pauseMs).catch((error: unknown) => {
      this.logger.warn({ err: { message: (error as Error).message } }, 'could not share a bulk pause');
    });
  }
}
