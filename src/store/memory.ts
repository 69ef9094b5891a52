import { randomUUID } from 'node:crypto';
import { type Claim, type GatewayStore, type Lease, LeaseLostError, type StoreOptions } from './store.js';

interface MemoryRecord {
  fingerprint: string;
  finished: boolean;
  data?: unknown;
  expiresAt: number;
  owner?: string;
  leaseUntil: number;
}

/**
 * The store for one gateway process (the default without REDIS_URL). JavaScript runs each method to its
 * first await without interleaving, so claim is atomic here without a lock.
 */
export class MemoryStore implements GatewayStore {
  private readonly records = new Map<string, MemoryRecord>();
  private readonly levels = new Map<string, string>();
  private claims = 0;

  constructor(private readonly options: StoreOptions) {}

  private live(key: string): MemoryRecord | undefined {
    const record = this.records.get(key);
    if (record && record.expiresAt <= Date.now()) this.records.delete(key);
    return this.records.get(key);
  }

  async claim(key: string, fingerprint: string): Promise<Claim> {
    // Expired records go when touched; a sweep now and then drops those never touched again.
    if (++this.claims % 1000 === 0) for (const k of [...this.records.keys()]) this.live(k);
    const now = Date.now();
    const record = this.live(key);
    if (record && record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (record?.finished) return { kind: 'finished', outcome: structuredClone(record.data) };
    if (record?.owner && record.leaseUntil > now) return { kind: 'busy' };
    const owner = randomUUID();
    const leaseUntil = now + this.options.leaseMs;
    if (record) Object.assign(record, { owner, leaseUntil });
    else
      this.records.set(key, {
        fingerprint,
        finished: false,
        expiresAt: now + this.options.ttlMs,
        owner,
        leaseUntil,
      });
    return { kind: 'claimed', lease: { key, owner }, saved: structuredClone(record?.data) };
  }

  private owned(lease: Lease): MemoryRecord {
    const record = this.live(lease.key);
    if (!record || record.owner !== lease.owner || record.leaseUntil <= Date.now())
      throw new LeaseLostError(lease.key);
    return record;
  }

  async save(lease: Lease, data: unknown, finished: boolean): Promise<void> {
    const record = this.owned(lease);
    record.data = structuredClone(data);
    record.finished = finished;
    record.leaseUntil = Date.now() + this.options.leaseMs;
  }

  async release(lease: Lease): Promise<void> {
    const record = this.live(lease.key);
    if (record?.owner === lease.owner) record.owner = undefined;
  }

  async rememberLevel(location: string, level: string): Promise<boolean> {
    if (this.levels.has(location)) return false;
    this.levels.set(location, level);
    return true;
  }

  async recallLevel(location: string): Promise<string | undefined> {
    return this.levels.get(location);
  }

  async forgetLevel(location: string): Promise<void> {
    this.levels.delete(location);
  }

  async close(): Promise<void> {}
}
