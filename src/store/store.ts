/**
 * The gateway's shared memory: idempotency records (one per caller-scoped key) with a lease that makes
 * one request at a time the owner of a key, and each suspended location's earlier service level.
 * One interface, two implementations (memory.ts for one process, redis.ts for replicas); only index.ts
 * knows which one runs.
 */

/** Proof that this request owns a key for now; saving or releasing with a lost lease fails. */
export interface Lease {
  key: string;
  owner: string;
}

export type Claim =
  /** This request owns the key; `saved` is what an earlier, unfinished run stored (its plan, its steps). */
  | { kind: 'claimed'; lease: Lease; saved?: unknown }
  /** A run with this key finished: `outcome` is what it stored. */
  | { kind: 'finished'; outcome: unknown }
  /** Another request holds the key right now. */
  | { kind: 'busy' }
  /** The key was used before with a different request (another fingerprint). */
  | { kind: 'mismatch' };

export interface StoreOptions {
  /** How long a key's record is kept (IDEMPOTENCY_TTL). */
  ttlMs: number;
  /** How long a claim holds a key without saving: a crashed gateway frees its keys after this. */
  leaseMs: number;
}

export interface GatewayStore {
  /** Atomically: mismatch, finished, busy, or take the key (creating its record on first use). */
  claim(key: string, fingerprint: string): Promise<Claim>;
  /** Stores progress (or, with `finished`, the final outcome) under a key this request holds. */
  save(lease: Lease, data: unknown, finished: boolean): Promise<void>;
  /** Lets go of the key; its record stays, so the next claim resumes from what was saved. */
  release(lease: Lease): Promise<void>;
  /** Remembers a location's level before a suspension; keeps the first one (true when newly stored). */
  rememberLevel(location: string, level: string): Promise<boolean>;
  recallLevel(location: string): Promise<string | undefined>;
  forgetLevel(location: string): Promise<void>;
  close(): Promise<void>;
}

/** A lease was lost (it expired and another request took the key): this request must stop writing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(key: string) {
    super(`the lease on idempotency key ${key} was lost`);
  }
}
