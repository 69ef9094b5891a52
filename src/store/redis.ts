import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  type Claim,
  type GatewayStore,
  type Lease,
  LeaseLostError,
  REGISTERED_DOCUMENTS,
  type StoreOptions,
} from './store.js';

/**
 * The store shared by gateway replicas (REDIS_URL). A key's record is a hash {fp, fin, data, owner, by} kept
 * for the TTL; its lease is a separate string set with PX. Every check-and-write is one Lua script, so two
 * replicas can never both take a key (no read-then-write race). Every command has a timeout: a Redis that
 * hangs fails the call within it instead of holding the request.
 */

// KEYS: record, lease. ARGV: fingerprint, owner, leaseMs, ttlMs, requestId, now (epoch ms).
const CLAIM = `
local fp = redis.call('HGET', KEYS[1], 'fp')
if fp and fp ~= ARGV[1] then return {'mismatch'} end
if fp and redis.call('HGET', KEYS[1], 'fin') == '1' then return {'finished', redis.call('HGET', KEYS[1], 'data')} end
local held = tonumber(redis.call('HGET', KEYS[1], 'hold') or '0') - tonumber(ARGV[6])
if held > 0 then return {'busy', tostring(held)} end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return {'busy', tostring(redis.call('PTTL', KEYS[2]))}
end
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'fin', '0', 'by', ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
redis.call('HSET', KEYS[1], 'owner', ARGV[2])
return {'claimed', redis.call('HGET', KEYS[1], 'data') or '', redis.call('HGET', KEYS[1], 'by') or ARGV[5]}
`;

// KEYS: record, lease. ARGV: owner, data, fin, leaseMs, fingerprint, ttlMs, startedBy, holdUntil.
// Fenced by the record's owner; a record the store lost (a restart without persistence) is written again.
const SAVE = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return 0 end
if not owner then
  redis.call('HSET', KEYS[1], 'fp', ARGV[5], 'owner', ARGV[1], 'by', ARGV[7])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'fin', ARGV[3], 'hold', ARGV[8])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[4])
return 1
`;

// KEYS: record, lease. ARGV: owner, leaseMs.
const RENEW = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
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
    requestId: string,
    now: number,
  ): Promise<string[]>;
  sgSave(
    record: string,
    lease: string,
    owner: string,
    data: string,
    fin: string,
    leaseMs: number,
    fp: string,
    ttlMs: number,
    startedBy: string,
    holdUntil: number,
  ): Promise<number>;
  sgRenew(record: string, lease: string, owner: string, leaseMs: number): Promise<number>;
  sgRelease(lease: string, owner: string): Promise<number>;
}

const parse = (text: string | undefined): unknown => (text ? JSON.parse(text) : undefined);

export interface RedisStoreOptions extends StoreOptions {
  /** Longest wait for one Redis command (STORE_TIMEOUT_MS), kept inside the request's deadline. */
  commandTimeoutMs: number;
}

/** Whether the Redis behind a store keeps its data across a restart (AOF or RDB snapshots). */
export type Persistence = 'persistent' | 'volatile' | 'unknown';

export class RedisStore implements GatewayStore {
  private readonly redis: Redis & Scripts;

  constructor(
    url: string,
    private readonly options: RedisStoreOptions,
    onError: (error: Error) => void = () => {},
    private readonly prefix = 'subscriber-graph:',
  ) {
    const redis = new Redis(url, {
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(options.commandTimeoutMs, 1000),
      // A command waits for a reconnect only within its timeout; it is not sent again after one.
      maxRetriesPerRequest: 1,
    });
    // ioredis reconnects by itself; without a listener it would print each connection error to stderr.
    redis.on('error', onError);
    redis.defineCommand('sgClaim', { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand('sgSave', { numberOfKeys: 2, lua: SAVE });
    redis.defineCommand('sgRenew', { numberOfKeys: 2, lua: RENEW });
    redis.defineCommand('sgRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis = redis as Redis & Scripts;
  }

  private keys(key: string) {
    return { record: `${this.prefix}idem:${key}`, lease: `${this.prefix}lease:${key}` };
  }

  private level(location: string) {
    return `${this.prefix}level:${location}`;
  }

  async claim(key: string, fingerprint: string, requestId: string): Promise<Claim> {
    const { record, lease } = this.keys(key);
    const owner = randomUUID();
    const { leaseMs, ttlMs } = this.options;
    const [kind, data, startedBy] = await this.redis.sgClaim(
      record,
      lease,
      fingerprint,
      owner,
      leaseMs,
      ttlMs,
      requestId,
      Date.now(),
    );
    if (kind === 'mismatch') return { kind };
    if (kind === 'busy') return { kind, retryAfterMs: Math.max(0, Number(data)) };
    if (kind === 'finished') return { kind, outcome: parse(data) };
    const claimed: Lease = { key, owner, fingerprint, startedBy: startedBy || requestId };
    return { kind: 'claimed', lease: claimed, saved: parse(data) };
  }

  async save(lease: Lease, data: unknown, finished: boolean, holdUntil = 0): Promise<void> {
    const keys = this.keys(lease.key);
    const saved = await this.redis.sgSave(
      keys.record,
      keys.lease,
      lease.owner,
      JSON.stringify(data ?? null),
      finished ? '1' : '0',
      this.options.leaseMs,
      lease.fingerprint,
      this.options.ttlMs,
      lease.startedBy,
      holdUntil,
    );
    if (saved !== 1) throw new LeaseLostError(lease.key);
  }

  async renew(lease: Lease): Promise<void> {
    const keys = this.keys(lease.key);
    const renewed = await this.redis.sgRenew(keys.record, keys.lease, lease.owner, this.options.leaseMs);
    if (renewed !== 1) throw new LeaseLostError(lease.key);
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

  /**
   * Whether this Redis keeps its data across a restart. Without persistence a restart forgets every key,
   * and a retry after it would run again. Managed services often disable CONFIG: then `unknown`.
   */
  async persistence(): Promise<Persistence> {
    try {
      const [, appendonly] = (await this.redis.config('GET', 'appendonly')) as string[];
      const [, save] = (await this.redis.config('GET', 'save')) as string[];
      return appendonly === 'yes' || (save ?? '').trim() !== '' ? 'persistent' : 'volatile';
    } catch {
      return 'unknown';
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private document(hash: string) {
    return `${this.prefix}doc:${hash}`;
  }

  /** GETEX renews the TTL on every use: documents in use stay, forgotten ones expire. */
  async getDocument(hash: string): Promise<string | undefined> {
    const document = await this.redis.getex(this.document(hash), 'PX', REGISTERED_DOCUMENTS.ttlMs);
    return document ?? undefined;
  }

  async putDocument(hash: string, document: string): Promise<void> {
    await this.redis.set(this.document(hash), document, 'PX', REGISTERED_DOCUMENTS.ttlMs);
  }
}
