import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Config, UpstreamConfig } from './config.js';
import type { Upstreams } from './context.js';
import type { Logger } from './logger.js';
import { createIdMapping } from './mapping.js';
import { createAuditTrail } from './observability/audit.js';
import { createObservability } from './observability/index.js';
import { DEMO_ADMIN_TOKEN } from './sandbox/seed.js';
import { DEFAULT_MANIFEST, loadManifest } from './security/persisted-operations.js';
import { createStore } from './store/index.js';
import { createPlumeHttp } from './upstream/plume.js';
import { createServicesHttp } from './upstream/services.js';
import { createGateway, type Gateway } from './yoga.js';
import { tourSteps } from './tour/index.js';

/** GraphiQL on the simulators: the tour's steps as tabs, the demo token in every tab's headers. */
function embeddedGraphiql() {
  const headers = JSON.stringify({ Authorization: DEMO_ADMIN_TOKEN }, null, 2);
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
  /** Span processors besides the OTLP exporter (tests pass an in-memory one). */
  spanProcessors?: SpanProcessor[];
}

export interface App {
  gateway: Gateway;
  upstreams: Upstreams;
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
  { embedded = false, spanProcessors }: AppOptions = {},
): App {
  const audit = createAuditTrail(config.auditLog);
  const observability = createObservability(config, { spanProcessors });
  const http = {
    timeoutMs: config.upstreamTimeoutMs,
    connections: config.upstreamConnections,
    logger,
    observers: observability.upstreamObservers,
    retry: config.upstreamRetry,
    breaker: config.upstreamBreaker,
  };
  const upstreams: Upstreams = {
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
  observability.watchBreakers([upstreams.plume, upstreams.services]);
  const graphiqlOn = config.graphiql ?? embedded;
  const gateway = createGateway({
    upstreams,
    logger,
    introspection: config.introspection ?? embedded,
    plugins: observability.plugins,
    security: {
      limits: config.limits,
      // The embedded default serves browser apps a developer runs on this machine; production names its own.
      corsOrigins: config.corsOrigins ?? (embedded ? 'loopback' : []),
      persistedOperations: config.persistedOperations,
      manifest:
        config.persistedOperations === 'off'
          ? undefined
          : loadManifest(config.persistedOperationsManifest ?? DEFAULT_MANIFEST),
    },
    graphiql: graphiqlOn
      ? {
          title: 'subscriber-graph',
          ...(embedded ? embeddedGraphiql() : {}),
        }
      : false,
  });
  return {
    gateway,
    upstreams,
    close: async () => {
      await Promise.all([upstreams.plume.close(), upstreams.services.close(), upstreams.store.close()]);
      audit.close();
      await observability.close();
    },
  };
}
