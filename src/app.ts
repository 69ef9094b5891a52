import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Config, UpstreamConfig } from './config.js';
import { createContextFactory, type GatewayDependencies } from './context.js';
import type { Logger } from './logger.js';
import { startBulkJobs } from './bulk/index.js';
import type { BulkJobs } from './bulk/service.js';
import { createIdMapping } from './mapping.js';
import { createAuditTrail } from './observability/audit.js';
import { createObservability } from './observability/index.js';
import { Readiness } from './readiness.js';
import { loadManifests, manifestPaths } from './security/persisted-manifests.js';
import { createStore } from './store/index.js';
import { createPlumeHttp } from './upstream/plume/plume-api.js';
import { createServicesHttp } from './upstream/services/services-api.js';
import { createGateway, type Gateway } from './yoga.js';
import { tourSteps } from './tour/index.js';

/** GraphiQL on the simulators: the tour's steps as tabs, the demo token in every tab's headers. */
function embeddedGraphiql(demoToken: string | undefined) {
  const headers = JSON.stringify({ Authorization: demoToken }, null, 2);
  return {
    defaultQuery: tourSteps[0]?.document,
    headers,
    defaultHeaders: headers,
    defaultTabs: tourSteps.map((step) => ({ query: step.document, headers })),
  };
}

export interface AppOptions {
  /** The upstreams are the built-in simulators. */
  embedded?: boolean;
  /** The simulators' demo token (server.ts hands it in when it starts them); filled in only when embedded. */
  demoToken?: string;
  /** Span processors besides the OTLP exporter (tests pass an in-memory one). */
  spanProcessors?: SpanProcessor[];
  /** The embedded default's own Redis for bulk jobs (src/bulk/embedded-redis.ts), when no REDIS_URL. */
  bulkRedisUrl?: string;
}

export interface App {
  gateway: Gateway;
  dependencies: GatewayDependencies;
  /** Bulk jobs (src/bulk/); absent without Redis. */
  bulk?: BulkJobs;
  /** What `/readyz` answers; server.ts drains it on SIGTERM. */
  readiness: Readiness;
  /** Closes the upstream connection pools. */
  close(): Promise<void>;
}

/**
 * Wires config → upstream clients → gateway. `embedded` says the upstreams are the built-in simulators:
 * only then does GraphiQL come pre-filled with the demo token.
 */
export function createApp(
  config: Config,
  upstream: UpstreamConfig,
  logger: Logger,
  { embedded = false, demoToken, spanProcessors, bulkRedisUrl }: AppOptions = {},
): App {
  const audit = createAuditTrail(config.auditLog);
  // Read in every mode: the manifests' operation names are the metric labels, besides the allow-list.
  const manifests = loadManifests(manifestPaths(config.persistedOperationsManifests));
  const observability = createObservability(config, {
    spanProcessors,
    operationNames: manifests.operationNames,
  });
  const http = {
    timeoutMs: config.upstreamTimeoutMs,
    connections: config.upstreamConnections,
    maxBodyBytes: config.upstreamMaxBodyBytes,
    logger,
    observers: observability.upstreamObservers,
    retry: config.upstreamRetry,
    breaker: config.upstreamBreaker,
  };
  const dependencies: GatewayDependencies = {
    plume: createPlumeHttp(upstream.plumeUrl, http),
    services: createServicesHttp(upstream.servicesUrl, http),
    servicesAccount: {
      accountId: upstream.servicesAccountId,
      apiKey: upstream.servicesApiKey,
      version: config.servicesApiVersion,
    },
    mapping: createIdMapping(config.subAccountIdField),
    callBudget: config.upstreamCallBudget,
    requestTimeoutMs: config.requestTimeoutMs,
    audit,
    store: createStore(config, logger),
  };
  observability.watchBreakers([dependencies.plume, dependencies.services]);
  const bulkRedis = config.redisUrl ?? bulkRedisUrl;
  let bulk: BulkJobs | undefined;
  if (bulkRedis) {
    // Without REDIS_URL only this process uses the Redis: a credential key of its own is enough.
    const options = { ...config, redisUrl: bulkRedis, settings: config.bulk, ephemeralKey: !config.redisUrl };
    bulk = startBulkJobs(options, dependencies, observability, audit, logger);
  }
  const readiness = new Readiness(
    { wifiCloud: dependencies.plume, services: dependencies.services },
    { intervalMs: config.readinessCheckIntervalMs, logger },
  );
  const graphiqlOn = config.graphiql ?? embedded;
  const gateway = createGateway({
    context: createContextFactory(dependencies, logger),
    bulk,
    readiness,
    logger,
    introspection: config.introspection ?? embedded,
    plugins: observability.plugins,
    security: {
      limits: config.limits,
      memoryBounds: config.memoryBounds,
      // The embedded default serves browser apps a developer runs on this machine; production names its own.
      corsOrigins: config.corsOrigins ?? (embedded ? 'loopback' : []),
      persistedOperations: config.persistedOperations,
      manifests,
      documentRegistry: dependencies.store,
      onRegistryError: (error) =>
        logger.warn({ err: { message: (error as Error).message } }, 'persisted document store error'),
    },
    graphiql: graphiqlOn
      ? {
          title: 'subscriber-graph',
          ...(embedded ? embeddedGraphiql(demoToken) : {}),
        }
      : false,
    // As GraphiQL: the demo token is filled in only where it is the simulators' own.
    jobsPage: (config.jobsPage ?? embedded) ? { token: embedded ? demoToken : undefined } : false,
  });
  return {
    gateway,
    dependencies,
    bulk,
    readiness,
    close: async () => {
      readiness.close();
      // The bulk worker first: its items still use the pools.
      await bulk?.close();
      await Promise.all([
        dependencies.plume.close(),
        dependencies.services.close(),
        dependencies.store.close(),
      ]);
      audit.close();
      await observability.close();
    },
  };
}
