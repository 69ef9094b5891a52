import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type Claim, type GatewayStore, type Lease, LeaseLostError, type StoreOptions } from './store.js';

/**
 * The store shared by gateway replicas (REDIS_URL). A key's record is a hash {fp, fin, data} kept for the
 * TTL; its lease is a separate string set with NX PX. Every check-and-write is one Lua script, so two
 * replicas can never both take a key (no read-then-write race).
 */

// KEYS: record, lease. ARGV: fingerprint, owner, leaseMs, ttlMs.
const CLAIM = `
local fp = redis.call('HGET', KEYS[1], 'fp')
if fp and fp ~= ARGV[1] then return {'mismatch'} end
if fp and redis.call('HGET', KEYS[1], 'fin') == '1' then return {'finished', redis.call('HGET', KEYS[1], 'data')} end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return {'busy'} end
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'fin', '0')
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return {'claimed', redis.call('HGET', KEYS[1], 'data') or ''}
`;

// KEYS: record, lease. ARGV: owner, data, fin, leaseMs.
const SAVE = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] or redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'fin', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
`;

// KEYS: lease. ARGV: owner.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface Scripts {
  sgClaim(
    record: string,
    lease: string,
    fp: string,
    owner: string,
    leaseMs: number,
    ttlMs: number,
  ): Promise<string[]>;
  sgSave(
    record: string,
    lease: string,
    owner: string,
    data: string,
    fin: string,
    leaseMs: number,
  ): Promise<number>;
  sgRelease(lease: string, owner: string): Promise<number>;
}

const parse = (text: string | undefined): unknown => (text ? JSON.parse(text) : undefined);

export class RedisStore implements GatewayStore {
  private readonly redis: Redis & Scripts;

  constructor(
    url: string,
    private readonly options: StoreOptions,
    onError: (error: Error) => void = () => {},
    private readonly prefix = 'subscriber-graph:',
  ) {
    const redis = new Redis(url, { maxRetriesPerRequest: 2 });
    // ioredis reconnects by itself; without a listener it would print each connection error to stderr.
    redis.on('error', onError);
    redis.defineCommand('sgClaim', { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand('sgSave', { numberOfKeys: 2, lua: SAVE });
    redis.defineCommand('sgRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis = redis as Redis & Scripts;
  }

  private keys(key: string) {
    return { record: `${this.prefix}idem:${key}`, lease: `${this.prefix}lease:${key}` };
  }

  private level(location: string) {
    return `${this.prefix}level:${location}`;
  }

  async claim(key: string, fingerprint: string): Promise<Claim> {
    const { record, lease } = this.keys(key);
    const owner = randomUUID();
    const [kind, data] = await this.redis.sgClaim(
      record,
      lease,
      fingerprint,
      owner,
      this.options.leaseMs,
      this.options.ttlMs,
    );
    if (kind === 'mismatch' || kind === 'busy') return { kind };
    if (kind === 'finished') return { kind, outcome: parse(data) };
    return { kind: 'claimed', lease: { key, owner }, saved: parse(data) };
  }

  async save(lease: Lease, data: unknown, finished: boolean): Promise<void> {
    const keys = this.keys(lease.key);
    const saved = await this.redis.sgSave(
      keys.record,
      keys.lease,
      lease.owner,
      JSON.stringify(data),
      finished ? '1' : '0',
      this.options.leaseMs,
    );
    if (saved !== 1) throw new LeaseLostError(lease.key);
  }

  async release(lease: Lease): Promise<void> {
    await this.redis.sgRelease(this.keys(lease.key).lease, lease.owner);
  }

  async rememberLevel(location: string, level: string): Promise<boolean> {
    return (await this.redis.set(this.level(location), level, 'NX')) === 'OK';
  }

  async recallLevel(location: string): Promise<string | undefined> {
    return (await this.redis.get(this.level(location))) ?? undefined;
  }

  async forgetLevel(location: string): Promise<void> {
    await this.redis.del(this.level(location));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
