import { pino, type Logger } from 'pino';
import { actorOf, type AuditTrail } from '../security/identity.js';

/**
 * The audit trail: one structured record per destructive operation (and per workflow step), written to its
 * own destination (AUDIT_LOG=stdout|<file>|off), apart from the application log. The actor is the caller's
 * name from src/security/identity.ts, never the token itself.
 */

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
