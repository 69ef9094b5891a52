import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';

/**
 * Graceful drain on SIGTERM/SIGINT, in the order a load balancer needs:
 * 1. `/readyz` answers 503 at once, while the gateway keeps accepting and serving for `delayMs` (the
 *    balancer's time to notice and stop routing here); every response from then on says
 *    `connection: close`, so keep-alive clients move to another instance.
 * 2. It stops accepting, finishes in-flight requests and closes keep-alive connections as they go idle.
 * 3. At `timeoutMs` minus a cleanup reserve, connections still open are closed; the process exits by
 *    `timeoutMs` whatever happens.
 */

export interface DrainOptions {
  delayMs: number;
  timeoutMs: number;
  readiness: Pick<Readiness, 'drain'>;
  logger: Logger;
  /** Closes what the process holds besides the server (upstream pools, store, simulators). */
  cleanup: () => Promise<void>;
}

/** Time kept after connections are force-closed for `cleanup` (audit file, traces, store) to finish. */
const cleanupReserveMs = (timeoutMs: number) => Math.min(1_000, Math.floor(timeoutMs / 5));

/**
 * Watches `server`'s requests (register it before the request handler) and returns the drain to run on a
 * signal. It ends the process.
 */
export function prepareDrain(server: Server, options: DrainOptions): (signal: string) => Promise<void> {
  const { timeoutMs, readiness, logger, cleanup } = options;
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const forget = function (this: ServerResponse) {
    inFlight.delete(this);
  };
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (draining) {
      response.setHeader('connection', 'close');
      return;
    }
    inFlight.add(response);
    response.once('close', forget);
  });

  return async (signal) => {
    if (draining) return;
    draining = true;
    readiness.drain();
    const forceAt = timeoutMs - cleanupReserveMs(timeoutMs);
    const delayMs = Math.min(options.delayMs, forceAt);
    logger.info(
      { signal, delayMs, timeoutMs },
      'draining: /readyz answers 503; still serving until the delay ends, then finishing in-flight requests',
    );
    // Answers not yet started close their connection too: the client will not reuse a dying socket.
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    inFlight.clear();

    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, forceAt);
    const hardExit = setTimeout(() => {
      logger.error('shutdown did not finish within SHUTDOWN_TIMEOUT_MS; exiting');
      process.exit(1);
    }, timeoutMs);

    if (delayMs > 0) await sleep(delayMs);
    logger.info('no new connections; finishing in-flight requests');
    // close() stops accepting and closes idle connections once; those freed later are swept as they go idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    clearTimeout(force);
    await cleanup();
    clearTimeout(hardExit);
    logger.info('stopped');
    process.exit(0);
  };
}
