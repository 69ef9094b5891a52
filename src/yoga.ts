import type { InputValidationError } from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import { createYoga, type GraphiQLOptions, type Plugin } from 'graphql-yoga';
import type { BulkJobs } from './bulk/service.js';
import { useBulkRoutes } from './bulk/routes.js';
import { type Context, requestIdOf, settleRequest } from './context.js';
import { DomainError, UpstreamError } from './errors.js';
import { selfHostedGraphiql } from './graphiql.js';
import { type JobsPageOptions, useJobsPage } from './jobs-page.js';
import type { Logger } from './logger.js';
import { useAuditTrail } from './observability/audit-plugin.js';
import type { Readiness } from './readiness.js';
import type { GraphContext } from './builder.js';
import { schema } from './schema/index.js';
import { securityLayer, type SecurityOptions } from './security/index.js';

export interface GatewayOptions {
  /** A new Context per request (src/context.ts: createContextFactory). */
  context: (initial: { request: Request }) => Context;
  /** Bulk jobs for the graph's bulk fields and the /bulk routes; absent without Redis. */
  bulk?: BulkJobs;
  logger: Logger;
  /** false, or GraphiQL options (default query, headers). */
  graphiql: false | GraphiQLOptions;
  /** false, or the /jobs page's options (src/jobs-page.ts). */
  jobsPage?: false | Omit<JobsPageOptions, 'graphqlEndpoint'>;
  introspection: boolean;
  /** Observability plugins (src/observability/): metrics, tracing. */
  plugins?: Plugin[];
  /** Limits, CSRF/CORS, persisted operations (src/security/). */
  security: Omit<SecurityOptions, 'introspection'>;
  /** What `/readyz` answers (src/readiness.ts). */
  readiness: Readiness;
}

export const MASKED_MESSAGE = 'Unexpected error. Quote the requestId when reporting it.';

/**
 * Yoga's error masking, extended: expected domain errors (and input validation) reach the client with a
 * stable `extensions.code`; everything else becomes one masked message, logged here with its detail.
 */
function maskError(logger: Logger) {
  return (error: unknown): Error => {
    const graphqlError = error instanceof GraphQLError ? error : undefined;
    const original = graphqlError?.originalError ?? error;
    const located = (message: string, extensions: Record<string, unknown>) =>
      new GraphQLError(message, { nodes: graphqlError?.nodes, path: graphqlError?.path, extensions });

    if (original instanceof DomainError) {
      // A fail-fast outcome (rate limited, breaker open, store away) tells the client when to come back.
      const { retryAfterSeconds } = original as { retryAfterSeconds?: number };
      return located(original.message, {
        code: original.code,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      });
    }
    // Pothos rejects arguments (validation issues, malformed global IDs) with this error. Matched by
    // name, not class: a bundler may load a second copy of the plugin module.
    if (original instanceof Error && original.name === 'PothosValidationError') {
      const { issues } = original as Partial<InputValidationError>;
      return located(original.message, { code: 'BAD_USER_INPUT', ...(issues ? { issues } : {}) });
    }
    // GraphQL's own errors (syntax, validation) and those thrown on purpose with a code are safe to show.
    if (graphqlError && (!graphqlError.originalError || graphqlError.originalError instanceof GraphQLError)) {
      return graphqlError;
    }
    const upstream = original instanceof UpstreamError ? original : undefined;
    logger.error({ err: original, path: graphqlError?.path }, 'unexpected error in a resolver');
    return located(MASKED_MESSAGE, {
      code: upstream ? 'UPSTREAM_ERROR' : 'INTERNAL_SERVER_ERROR',
      ...(upstream?.details.upstreamRequestId
        ? { upstreamRequestId: upstream.details.upstreamRequestId }
        : {}),
    });
  };
}

/** A request's warnings (e.g. an outcome its idempotency key could not store) go to `extensions.warnings`. */
function useWarnings(): Plugin<{ warnings?: Context['warnings'] }> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          const warnings = (args.contextValue as Partial<Context>).warnings;
          if (!warnings?.length || Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, warnings } });
        },
      };
    },
  };
}

/** Every response names its request id: in a header, and in each masked error so support can find the log. */
function useRequestId(): Plugin {
  return {
    onResultProcess({ request, result }) {
      const requestId = requestIdOf(request);
      for (const single of Array.isArray(result) ? result : [result]) {
        const errors = (single as { errors?: GraphQLError[] }).errors ?? [];
        for (const error of errors) {
          const code = error.extensions?.code;
          if (code === 'INTERNAL_SERVER_ERROR' || code === 'UPSTREAM_ERROR') {
            (error.extensions as Record<string, unknown>).requestId = requestId;
          }
        }
      }
    },
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
      settleRequest(request);
    },
  };
}

/**
 * `<path>`: 200 with the backends' states while the gateway can serve, 503 once it drains; answered from
 * memory, with no upstream call. Yoga's useReadinessCheck also tries a URLPattern on every request,
 * about 1.5% of a one-field request's CPU; an exact path is all this needs.
 */
function useReadiness(path: string, readiness: Readiness): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      const report = readiness.report();
      endResponse(
        new fetchAPI.Response(JSON.stringify(report), {
          status: report.status === 'ready' ? 200 : 503,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}

/** The GraphQL server, without listening: tests use it through `yoga.fetch` or a real port. */
export function createGateway({
  context,
  bulk,
  logger,
  graphiql,
  jobsPage = false,
  introspection,
  security,
  readiness,
  plugins = [],
}: GatewayOptions) {
  const graphqlEndpoint = '/graphql';
  const guard = securityLayer({ ...security, introspection });
  // GraphiQL's files come from the gateway, not a CDN: the page works offline and under a strict CSP.
  const selfHosted = graphiql ? selfHostedGraphiql(graphqlEndpoint) : undefined;
  return createYoga({
    schema,
    // Resolvers get bulk jobs beside the request's Context (GraphContext, src/builder.ts).
    context: (initial: { request: Request }): GraphContext => Object.assign(context(initial), { bulk }),
    graphqlEndpoint,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    graphiql,
    ...guard.yogaOptions,
    ...(selfHosted ? { renderGraphiQL: selfHosted.render } : {}),
    logging: {
      debug: (...args) => logger.debug({ args }, 'yoga'),
      info: (...args) => logger.info({ args }, 'yoga'),
      warn: (...args) => logger.warn({ args }, 'yoga'),
      error: (...args) => logger.error({ args }, 'yoga'),
    },
    maskedErrors: { maskError: maskError(logger) },
    plugins: [
      ...plugins,
      useAuditTrail(),
      ...guard.plugins,
      ...(selfHosted ? [selfHosted.plugin] : []),
      // After GraphiQL's plugin: its onResponse would put GraphiQL's policy on this page too.
      ...(jobsPage ? [useJobsPage({ ...jobsPage, graphqlEndpoint })] : []),
      // POST /bulk/uploads and GET /bulk/jobs/{id}/results (BULK_JOBS_UNAVAILABLE without Redis).
      useBulkRoutes(bulk, logger),
      useRequestId(),
      useWarnings(),
      useReadiness('/readyz', readiness),
    ],
  });
}

export type Gateway = ReturnType<typeof createGateway>;
