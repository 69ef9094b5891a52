import { createHash } from 'node:crypto';

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
