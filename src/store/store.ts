/**
 * The gateway's shared memory: idempotency records (one per key, scoped to the resource it acts on) with a
 * lease that makes one request at a time the owner of a key, and each suspended location's earlier service
 * level. One interface, two implementations (memory.ts for one process, redis.ts for replicas); only index.ts
 * knows which one runs.
 *
 * Fencing: a claim writes its owner into the record. Saving checks that owner, not the lease, so a request
 * whose lease ran out while a write was in flight can still record its outcome unless another request took
 * the key over since; and a record lost with a Redis that does not persist is written again by that save.
 */

/** Proof that this request owns a key for now. */
export interface Lease {
  key: string;
  owner: string;
  /** The record's fingerprint, to write it again if the store lost it. */
  fingerprint: string;
  /** The request that first claimed the key (a resumed run names it in its audit record). */
  startedBy: string;
}

export type Claim =
  /** This request owns the key; `saved` is what an earlier, unfinished run stored (its plan, or a write's intent). */
  | { kind: 'claimed'; lease: Lease; saved?: unknown }
  /** A run with this key finished: `outcome` is what it stored. */
  | { kind: 'finished'; outcome: unknown }
  /** Another request holds the key right now, for at most `retryAfterMs` unless it renews its lease. */
  | { kind: 'busy'; retryAfterMs: number }
  /** The key was used before with a different request (another fingerprint). */
  | { kind: 'mismatch' };

export interface StoreOptions {
  /** How long a key's record is kept (IDEMPOTENCY_TTL). */
  ttlMs: number;
  /** How long a claim holds a key unless renewed: a dead replica's keys free themselves after it. */
  leaseMs: number;
}

export interface GatewayStore {
  /** Atomically: mismatch, finished, busy, or take the key (creating its record on first use). */
  claim(key: string, fingerprint: string, requestId: string): Promise<Claim>;
  /**
   * Stores progress (or, with `finished`, the final outcome) under a key this request owns, and renews its
   * lease. Fails with LeaseLostError when another request took the key over. `holdUntil` (epoch ms) keeps
   * the key from being taken over before then even if the lease lapses: a write that is not safe to repeat
   * may still be in flight from a request that died; a later save without it lifts the hold.
   */
  save(lease: Lease, data: unknown, finished: boolean, holdUntil?: number): Promise<void>;
  /** Extends the lease while the work runs. Fails with LeaseLostError when another request took the key. */
  renew(lease: Lease): Promise<void>;
  /** Lets go of the key; its record stays, so the next claim resumes from what was saved. */
  release(lease: Lease): Promise<void>;
  /** Remembers a location's level before a suspension; keeps the first one (true when newly stored). */
  rememberLevel(location: string, level: string): Promise<boolean>;
  recallLevel(location: string): Promise<string | undefined>;
  forgetLevel(location: string): Promise<void>;
  close(): Promise<void>;
  /** A GraphQL document registered by its sha256 hex (APQ, src/security/persisted-operations.ts). */
  getDocument(hash: string): Promise<string | undefined>;
  /** Registers a document under its hash, within REGISTERED_DOCUMENTS' bounds. */
  putDocument(hash: string, document: string): Promise<void>;
}

/** Another request took the key over (this one's lease ran out): this request must stop writing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(key: string) {
    super(`the lease on idempotency key ${key} was lost`);
  }
}

/**
 * Bounds of the documents APQ registers (any client may register in `allow` mode): each is kept this long
 * after it was last used, and the memory store keeps at most this many (least recently used go first).
 * Their size is bounded before they get here (MAX_REGISTERED_DOCUMENT_BYTES).
 */
export const REGISTERED_DOCUMENTS = { ttlMs: 7 * 86_400_000, maxInMemory: 1000 } as const;
