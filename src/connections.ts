import type { Server, ServerOptions } from 'node:http';
import type { ConnectionLimits } from './config.js';
import type { Logger } from './logger.js';

/**
 * Bounds on the gateway's own HTTP server: a connection cap below the file-descriptor limit (past it the
 * process would refuse everyone, silently), and deadlines for a client to send its headers and its body
 * (Node's defaults let a body that never finishes hold a connection for 300 s).
 */

/** Options for `createServer`: the deadlines are checked by a sweep that runs only this often. */
export function httpServerOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestBodyTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node's default sweep (30 s) would let a stalled request outlive a short deadline by that much.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** How often, at most, the "connections refused" line is logged. */
export const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Caps open connections; each one refused past the cap is counted, and the count is logged at warn at
 * most once per `everyMs`, so a flood of connections cannot flood the log too.
 */
export function capConnections(
  server: Server,
  maxConnections: number,
  logger: Logger,
  everyMs = DROP_LOG_INTERVAL_MS,
): void {
  server.maxConnections = maxConnections;
  let dropped = 0;
  let quiet: NodeJS.Timeout | undefined;
  const flush = () => {
    quiet = undefined;
    if (dropped === 0) return;
    logger.warn(
      { dropped, maxConnections },
      `refused ${dropped} connection(s): MAX_CONNECTIONS (${maxConnections}) reached`,
    );
    dropped = 0;
    quiet = setTimeout(flush, everyMs).unref();
  };
  server.on('drop', () => {
    dropped += 1;
    if (!quiet) flush();
  });
}
