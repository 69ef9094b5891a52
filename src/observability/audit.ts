import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';

/**
 * The audit trail: one structured record per destructive operation (and per workflow step), written to its
 * own destination (AUDIT_LOG=stdout|<file>|off), apart from the application log. The actor is a stable hash
 * of the caller's token, never the token itself.
 */

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

export interface AuditTrail {
  /** Writes one record for the caller identified by `authorization` (hashed here, never written). */
  write(authorization: string | undefined, record: AuditRecord): void;
}

/** A stable, non-reversible name for the caller: the same token always gives the same actor. */
export function actorOf(authorization: string | undefined): string {
  if (!authorization) return 'anonymous';
  return `token:${createHash('sha256').update(authorization).digest('hex').slice(0, 32)}`;
}

export type AuditDestination = 'stdout' | 'off' | (string & {});

export function createAuditTrail(destination: AuditDestination): AuditTrail & { close(): void } {
  if (destination === 'off') return { write() {}, close() {} };
  const stream = pino.destination({ dest: destination === 'stdout' ? 1 : destination, sync: true });
  const log: Logger = pino({ base: { stream: 'audit' }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return {
    write(authorization, record) {
      log.info({ actor: actorOf(authorization), ...record }, 'audit');
    },
    close() {
      if (destination !== 'stdout') stream.end();
    },
  };
}
