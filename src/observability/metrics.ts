import { createHash, timingSafeEqual } from 'node:crypto';
import { createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UpstreamObserver } from '../upstream/http/call.js';
import type { HttpClient } from '../upstream/http/client.js';

/**
 * Prometheus metrics, one registry per gateway (tests run many gateways in one process): GraphQL operations
 * (name, outcome, duration), refusals by error code, in-flight requests, upstream calls (backend, route
 * template, status, duration) and the Node defaults (event-loop delay, memory, GC). Every label value is
 * bounded: route templates not paths, no ids, no ports, and operation names only those of the persisted
 * manifests (the clients' real operations), every other name `other`: junk names can neither add series
 * nor take a real operation's label.
 */

const METRICS_PATH = '/metrics';

/** Distinct error codes kept as labels. */
const MAX_CODES = 50;
const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
/** Limits that stop a request while it runs; every other refusal leaves a result without `data`. */
const EXECUTION_LIMIT_CODES = new Set(['UPSTREAM_BUDGET_EXCEEDED']);

type Outcome = 'success' | 'partial' | 'failed' | 'refused';

export interface Metrics {
  registry: Registry;
  upstreamObserver: UpstreamObserver;
  plugins: Plugin[];
  /** Exposes each backend's circuit breaker as `upstream_circuit_state` (0 closed, 1 half-open, 2 open). */
  watchBreakers(clients: ReadonlyArray<Pick<HttpClient, 'upstream' | 'breakerState'>>): void;
}

const CIRCUIT_STATES = { closed: 0, 'half-open': 1, open: 2 } as const;

export function createMetrics({
  token,
  operationNames = new Set(),
}: {
  token?: string;
  /** The operation names that get their own label (the persisted manifests'); any other is `other`. */
  operationNames?: ReadonlySet<string>;
} = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    upstreamObserver: upstreamMetrics(registry),
    plugins: [
      ...(token ? [useBearerToken(METRICS_PATH, token)] : []),
      ...graphqlMetrics(registry, operationNames),
    ],
    watchBreakers(clients) {
      new Gauge({
        name: 'upstream_circuit_state',
        help: "Each backend's circuit breaker: 0 closed, 1 half-open (probing), 2 open (failing fast).",
        labelNames: ['upstream'],
        registers: [registry],
        collect() {
          for (const client of clients)
            this.set({ upstream: client.upstream }, CIRCUIT_STATES[client.breakerState()]);
        },
      });
    },
  };
}

/** Keeps the first `max` distinct values of a label as they are and folds any later one into `other`. */
export function boundedLabel(max: number, valid: (value: string) => boolean = () => true) {
  const seen = new Set<string>();
  return (value: string): string => {
    if (seen.has(value)) return value;
    if (!valid(value) || seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

function upstreamMetrics(registry: Registry): UpstreamObserver {
  const duration = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Upstream REST calls by backend, operation, method, route template and status (or failure kind).',
    labelNames: ['upstream', 'operation', 'method', 'route', 'status'] as const,
    registers: [registry],
  });
  // One bound child per label set (all bounded: route templates, statuses): prom-client would otherwise
  // hash the label object on every call.
  const series = new Map<string, { observe(seconds: number): void }>();
  return {
    start: (info) => (end) => {
      const status = end.failure ?? String(end.status);
      const key = `${info.upstream} ${info.operation} ${info.method} ${info.route} ${status}`;
      let child = series.get(key);
      if (!child) {
        child = duration.labels(info.upstream, info.operation, info.method, info.route, status);
        series.set(key, child);
      }
      child.observe(end.durationMs / 1000);
    },
  };
}

function graphqlMetrics(registry: Registry, knownOperations: ReadonlySet<string>): Plugin[] {
  // The library names an unnamed operation `Anonymous`.
  const operationName = (name: string | undefined) =>
    !name || name === 'Anonymous' ? 'anonymous' : knownOperations.has(name) ? name : 'other';
  const errorCode = boundedLabel(MAX_CODES, (code) => CODE.test(code));
  const outcomes = new WeakMap<Request, Outcome>();
  const inFlight = new Gauge({
    name: 'graphql_requests_in_flight',
    help: 'GraphQL HTTP requests being handled now.',
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'graphql_refusals_total',
    help: 'Requests refused (parse, validation, limits), by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const counted = new WeakSet<Request>();
  let graphqlEndpoint = '/graphql';

  const requestMetrics: Plugin = {
    onYogaInit({ yoga }) {
      graphqlEndpoint = yoga.graphqlEndpoint;
    },
    onRequest({ request, url }) {
      if (url.pathname !== graphqlEndpoint) return;
      counted.add(request);
      inFlight.inc();
    },
    onResultProcess({ request, result }) {
      const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
      outcomes.set(request, outcomeOf(results));
      for (const single of results) {
        for (const code of refusalCodesOf(single)) refusals.inc({ code: errorCode(code) });
      }
    },
    onResponse({ request }) {
      if (counted.delete(request)) inFlight.dec();
    },
  };

  // The library serves /metrics and times each parsed request; only its bounded histogram is kept (its
  // defaults label by raw operation name, error path and URL, which are unbounded or carry the port).
  const prometheus = usePrometheus({
    registry,
    endpoint: METRICS_PATH,
    metrics: {
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request: false,
      graphql_envelop_request_duration: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_error_result: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_operation_duration_seconds',
          help: 'GraphQL requests from arrival to response, by operation name, type and outcome.',
          labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
        },
        fillLabelsFn: (params, { request }: { request: Request }) => ({
          operation_name: operationName(params.operationName),
          operation_type: params.operationType ?? 'unknown',
          outcome: outcomes.get(request) ?? 'failed',
        }),
      }),
    },
  });
  return [requestMetrics, prometheus];
}

/** success: no errors; partial: data and errors; failed: no data; refused: never executed (no `data`). */
function outcomeOf(results: ExecutionResult[]): Outcome {
  if (results.every((r) => !r.errors?.length)) return 'success';
  if (results.some((r) => r.data === undefined)) return 'refused';
  return results.some((r) => r.data) ? 'partial' : 'failed';
}

function refusalCodesOf(result: ExecutionResult): Set<string> {
  const codes = new Set<string>();
  for (const error of result.errors ?? []) {
    const code = error.extensions?.code;
    const label = typeof code === 'string' ? code : 'UNKNOWN';
    if (result.data === undefined || EXECUTION_LIMIT_CODES.has(label)) codes.add(label);
  }
  return codes;
}

/** Lets only `Authorization: Bearer <token>` read `path`: metrics name operations and upstream routes. */
function useBearerToken(path: string, token: string): Plugin {
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      const given = createHash('sha256')
        .update(request.headers.get('authorization') ?? '')
        .digest();
      if (!timingSafeEqual(given, expected)) {
        endResponse(new fetchAPI.Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } }));
      }
    },
  };
}
