import { randomUUID } from 'node:crypto';
import {
  type Claim,
  type GatewayStore,
  type Lease,
  LeaseLostError,
  REGISTERED_DOCUMENTS,
  type StoreOptions,
} from './store.js';

interface MemoryRecord {
  fingerprint: string;
  finished: boolean;
  data?: unknown;
  expiresAt: number;
  owner: string;
  startedBy: string;
  leaseUntil: number;
  holdUntil: number;
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

  async claim(key: string, fingerprint: string, requestId: string): Promise<Claim> {
    // Expired records go when touched; a sweep now and then drops those never touched again.
    if (++this.claims % 1000 === 0) for (const k of [...this.records.keys()]) this.live(k);
    const now = Date.now();
    const record = this.live(key);
    if (record && record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (record?.finished) return { kind: 'finished', outcome: structuredClone(record.data) };
    const heldUntil = Math.max(record?.leaseUntil ?? 0, record?.holdUntil ?? 0);
    if (heldUntil > now) return { kind: 'busy', retryAfterMs: heldUntil - now };
    const owner = randomUUID();
    const leaseUntil = now + this.options.leaseMs;
    const startedBy = record?.startedBy ?? requestId;
    if (record) Object.assign(record, { owner, leaseUntil });
    else {
      const expiresAt = now + this.options.ttlMs;
      const fresh = { fingerprint, finished: false, expiresAt, owner, startedBy, leaseUntil, holdUntil: 0 };
      this.records.set(key, fresh);
    }
    const lease = { key, owner, fingerprint, startedBy };
    return { kind: 'claimed', lease, saved: structuredClone(record?.data) };
  }

  private owned(lease: Lease): MemoryRecord {
    const record = this.live(lease.key);
    if (!record || record.owner !== lease.owner) throw new LeaseLostError(lease.key);
    return record;
  }

  async save(lease: Lease, data: unknown, finished: boolean, holdUntil = 0): Promise<void> {
    const record = this.owned(lease);
    record.data = structuredClone(data);
    record.finished = finished;
    record.holdUntil = holdUntil;
    record.leaseUntil = Date.now() + this.options.leaseMs;
  }

  async renew(lease: Lease): Promise<void> {
    this.owned(lease).leaseUntil = Date.now() + this.options.leaseMs;
  }

  async release(lease: Lease): Promise<void> {
    const record = this.live(lease.key);
    if (record?.owner === lease.owner) record.leaseUntil = 0;
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

  /** Registered documents, least recently used first (a Map keeps insertion order). */
  private readonly documents = new Map<string, { document: string; expiresAt: number }>();

  async getDocument(hash: string): Promise<string | undefined> {
    const entry = this.documents.get(hash);
    if (!entry) return undefined;
    this.documents.delete(hash);
    if (entry.expiresAt <= Date.now()) return undefined;
    this.documents.set(hash, {
      document: entry.document,
      expiresAt: Date.now() + REGISTERED_DOCUMENTS.ttlMs,
    });
    return entry.document;
  }

  async putDocument(hash: string, document: string): Promise<void> {
    this.documents.delete(hash);
    this.documents.set(hash, { document, expiresAt: Date.now() + REGISTERED_DOCUMENTS.ttlMs });
    for (const oldest of this.documents.keys()) {
      if (this.documents.size <= REGISTERED_DOCUMENTS.maxInMemory) break;
      this.documents.delete(oldest);
    }
  }
}
