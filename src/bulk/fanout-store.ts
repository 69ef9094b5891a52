import type { Redis } from 'ioredis';
import type { InputLine } from './items.js';
import { keys } from './model.js';
import { FAN_OUT_DONE } from './scripts.js';

/**
 * What a job's fan-out reads and writes in Redis: the jobs whose fan-out is to run (and the lease of the
 * replica running one), the input lines, which lines have a result, the first line naming each item (for
 * DUPLICATE), and the cursor.
 */
export class FanOutStore {
  private readonly redis: Redis & {
    bulkFanOutDone(fanOuts: string, id: string, round: number): Promise<number>;
  };

  constructor(redis: Redis) {
    redis.defineCommand('bulkFanOutDone', { numberOfKeys: 1, lua: FAN_OUT_DONE });
    this.redis = redis as FanOutStore['redis'];
  }

  /** Jobs whose fan-out is to run, with its round. */
  async pendingFanOuts(): Promise<Array<{ id: string; round: number }>> {
    const pending = await this.redis.hgetall(keys.fanOuts);
    return Object.entries(pending).map(([id, round]) => ({ id, round: Number(round) }));
  }

  /** Takes (or renews) the lease on a job's fan-out: one replica at a time runs it. */
  async leaseFanOut(id: string, holder: string, ms: number): Promise<boolean> {
    const key = keys.fanOutLease(id);
    if ((await this.redis.set(key, holder, 'PX', ms, 'NX')) === 'OK') return true;
    if ((await this.redis.get(key)) !== holder) return false;
    await this.redis.pexpire(key, ms);
    return true;
  }

  async fanOutDone(id: string, round: number, holder: string): Promise<void> {
    await this.redis.bulkFanOutDone(keys.fanOuts, id, round);
    if ((await this.redis.get(keys.fanOutLease(id))) === holder) await this.redis.del(keys.fanOutLease(id));
  }

  /** Which of these items have a result already. */
  async hasResults(id: string, indexes: number[]): Promise<boolean[]> {
    if (indexes.length === 0) return [];
    const texts = await this.redis.hmget(`${keys.job(id)}:results`, ...indexes.map(String));
    return texts.map((text) => text !== null);
  }

  async lines(id: string, from: number, count: number): Promise<InputLine[]> {
    const texts = await this.redis.lrange(`${keys.job(id)}:lines`, from, from + count - 1);
    return texts.map((text) => JSON.parse(text) as InputLine);
  }

  setEnqueued(id: string, enqueued: number): Promise<number> {
    return this.redis.hset(keys.job(id), 'enqueued', enqueued);
  }

  /** For each dedupe key, the first line that named it (index and line number): this one when it is the first. */
  async firstLines(
    id: string,
    entries: Array<{ key: string; index: number; line: number }>,
  ): Promise<Array<{ index: number; line: number }>> {
    if (entries.length === 0) return [];
    const seen = `${keys.job(id)}:seen`;
    const pipeline = this.redis.pipeline();
    for (const { key, index, line } of entries) pipeline.hsetnx(seen, key, `${index}:${line}`);
    pipeline.hmget(seen, ...entries.map((e) => e.key));
    const answers = (await pipeline.exec()) ?? [];
    const [error, firsts] = answers.at(-1)!;
    if (error) throw error;
    return (firsts as string[]).map((text) => {
      const [index, line] = text.split(':').map(Number);
      return { index: index!, line: line! };
    });
  }
}
