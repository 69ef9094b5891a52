import { createServer } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startSandbox } from './sandbox/index.js';

/**
 * Start-up only: config, upstreams (or the embedded simulators), listen, graceful shutdown.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);

  const sandbox = config.upstream ? undefined : await startSandbox();
  const upstream = config.upstream ?? sandbox!.upstream;
  if (sandbox) {
    logger.info(
      { plume: upstream.plumeUrl, services: upstream.servicesUrl },
      'no upstream configured: started the built-in simulators',
    );
  }
  const app = createApp(config, upstream, logger, { embedded: Boolean(sandbox) });

  const server = createServer(app.gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`GraphiQL and the graph at http://${config.host}:${port}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    force.unref();
    // close() stops accepting; keep-alive sockets freed by finished requests are swept as they go idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    await app.close();
    await sandbox?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
