import { createServer } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { capConnections, httpServerOptions } from './connections.js';
import { prepareDrain } from './drain.js';
import { createLogger } from './logger.js';
import { startEmbeddedRedis } from './bulk/embedded-redis.js';
import { startSandbox } from './sandbox/index.js';
import { DEMO_ADMIN_TOKEN } from './sandbox/seed.js';

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
  // Bulk jobs need Redis: the embedded default starts one when it can, as it starts the simulators.
  const embeddedRedis = sandbox && !config.redisUrl ? await startEmbeddedRedis(logger) : undefined;
  if (embeddedRedis) {
    logger.info(
      { redis: embeddedRedis.url },
      'no REDIS_URL: started an embedded redis-server for bulk jobs (not persistent)',
    );
  }
  const app = createApp(config, upstream, logger, {
    embedded: Boolean(sandbox),
    demoToken: sandbox ? DEMO_ADMIN_TOKEN : undefined,
    bulkRedisUrl: embeddedRedis?.url,
  });

  const server = createServer(httpServerOptions(config.connections));
  capConnections(server, config.connections.maxConnections, logger);
  // The drain watches requests before the gateway answers them.
  const drain = prepareDrain(server, {
    delayMs: config.shutdownDelayMs,
    timeoutMs: config.shutdownTimeoutMs,
    readiness: app.readiness,
    logger,
    cleanup: async () => {
      await app.close();
      await embeddedRedis?.close();
      await sandbox?.close();
    },
  });
  server.on('request', app.gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`GraphiQL and the graph at http://${config.host}:${port}/graphql`);

  const stop = (signal: string) => {
    // Bulk items stop being taken at once; those in flight get until shortly before the drain's end.
    app.bulk?.shutdown(Math.max(0, config.shutdownTimeoutMs - 2_000));
    void drain(signal);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

await main();
