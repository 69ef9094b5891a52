import { createHash } from 'node:crypto';
import { BoundedCache } from './bounded-cache.js';

/**
 * Who the caller is, decided once: the audit trail, bulk jobs and their uploads name callers this way. A name
 * is a stable hash of the caller's token, never the token itself.
 */

/** Who makes a request, as the request context carries it (bulk jobs need no more of the context). */
export interface Caller {
  requestId: string;
  /** The caller's Authorization header, forwarded to the WiFi cloud; never logged. */
  authorization?: string;
}

/** A stable, non-reversible name for the caller: the same token always gives the same actor. */
export function actorOf(authorization: string | undefined): string {
  if (!authorization) return 'anonymous';
  return `token:${createHash('sha256').update(authorization).digest('hex').slice(0, 32)}`;
}

/**
 * Who owns a job or an upload: the caller's token, hashed as the audit trail names actors. `Bearer`, case
 * and spaces around it do not make another caller. Without a token there is no owner (NotAuthorizedError).
 */
export function ownerOf(authorization: string | undefined): string | undefined {
  const token = authorization
    ?.trim()
    .replace(/^bearer\s+/i, '')
    .trim();
  return token ? actorOf(token) : undefined;
}

export interface AuditRecord {
  /** What ran: a mutation field (`archiveLocation`) or a workflow step (`cancelLocationService.archive`). */
  operation: string;
  /** The ids it acted on, e.g. `{ customerId, locationId }`. */
  targets: Record<string, string>;
  /** `SUCCESS`, an error code (`NOT_FOUND`, ...), or a step status. */
  outcome: string;
  upstreamRequestIds: string[];
  requestId: string;
  /** Workflows: a preview changes nothing but is audited too. */
  dryRun?: boolean;
  detail?: Record<string, unknown>;
}

/**
 * A Mutation field whose `extensions` set this key writes its own, finer records (workflows: one per run
 * and per step), so the generic per-mutation record (audit-plugin.ts) would only repeat them.
 */
export const AUDITS_ITSELF = 'auditsItself';

/** Where destructive operations are recorded against their caller (src/observability/audit.ts writes it). */
export interface AuditTrail {
  /** Writes one record for the caller identified by `authorization` (hashed here, never written). */
  write(authorization: string | undefined, record: AuditRecord): void;
}

/**
 * Customers a token was recently seen to reach, for work that acts on one customer many times in a row (a bulk
 * job's items): an idempotency key's outcome is only answered to a caller proven to reach its customer, and
 * this lets a job's 10,000 items of one customer prove it once a minute instead of 10,000 times (items in
 * flight together share one read). Every write still goes with the token, so the backend's own scope check
 * is never skipped; a proof only stands for `ttlMs`. Bounded: entries are a hashed token and a customer id.
 */
export class AuthorityProofs {
  private readonly proven = new BoundedCache<number>(256 * 1024, (key) => key.length * 2 + 64);
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly ttlMs = 60_000) {}

  /** Resolves once `read` (which throws when the token does not reach the customer) passed, now or lately. */
  async prove(
    authorization: string | undefined,
    customerId: string,
    read: () => Promise<void>,
  ): Promise<void> {
    const key = `${actorOf(authorization)}\n${customerId}`;
    const until = this.proven.get(key);
    if (until !== undefined && until >= Date.now()) return;
    let pending = this.reading.get(key);
    if (!pending) {
      pending = read().then(() => this.proven.set(key, Date.now() + this.ttlMs));
      this.reading.set(key, pending);
      void pending.then(
        () => this.reading.delete(key),
        () => this.reading.delete(key),
      );
    }
    await pending;
  }
}
