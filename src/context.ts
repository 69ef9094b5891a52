import { randomUUID } from 'node:crypto';
import { createLoaders, type Loaders } from './loaders.js';
import type { Logger } from './logger.js';
import type { IdMapping } from './mapping.js';
import type { AuditTrail, AuthorityProofs, Caller } from './security/identity.js';
import { RequestDeadline } from './upstream/http/deadline.js';
import type { GatewayStore } from './store/index.js';
import type { WriteGuard } from './upstream/http/ambiguity.js';
import { UpstreamLedger, type UpstreamPacer } from './upstream/http/call.js';
import type { HttpClient } from './upstream/http/client.js';
import { PlumeApi } from './upstream/plume/plume-api.js';
import { type ServicesAccount, ServicesApi } from './upstream/services/services-api.js';

/**
 * What every request's context is made from, shared for the whole process: the pooled upstream clients,
 * their settings, the id mapping, the audit trail and the store.
 */
export interface GatewayDependencies {
  plume: HttpClient;
  services: HttpClient;
  servicesAccount: ServicesAccount;
  mapping: IdMapping;
  /** Most upstream calls one GraphQL request may make (UPSTREAM_CALL_BUDGET). */
  callBudget: number;
  /** One deadline per GraphQL request for all its upstream calls (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  audit: AuditTrail;
  /** Idempotency keys, workflow plans, suspension memory (memory or Redis: src/store/). */
  store: GatewayStore;
}

/** What each GraphQL request gets, new every time. */
export interface Context extends Caller {
  plume: PlumeApi;
  services: ServicesApi;
  loaders: Loaders;
  mapping: IdMapping;
  logger: Logger;
  /** Every upstream call this request made, and its budget. */
  ledger: UpstreamLedger;
  /** Records destructive operations (src/observability/audit.ts). */
  audit: AuditTrail;
  store: GatewayStore;
  /** Epoch ms at which this request's deadline (REQUEST_TIMEOUT_MS) ends. */
  deadlineAt(): number;
  /** The idempotency key's hold on the keyed mutation field running now (src/workflows/idempotency.ts). */
  writeGuard?: WriteGuard;
  /** Warnings for the response's `extensions.warnings` (e.g. an outcome its key could not store). */
  warnings: Array<{ code: string; message: string }>;
  /** Recent proofs that this token reaches a customer, shared by a bulk job's items; none per request. */
  authorityProofs?: AuthorityProofs;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

const requestIds = new WeakMap<Request, string>();
const deadlines = new WeakMap<Request, RequestDeadline>();

/** Called once the response is sent: the request's upstream calls still in flight are aborted. */
export function settleRequest(request: Request): void {
  deadlines.get(request)?.settle();
}

/**
 * The request's id: a caller's well-formed `x-request-id` is reused so logs line up across hops;
 * otherwise one is made. Memoised per Request so the context, the error masking and the response
 * header all name the same id.
 */
export function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    const given = request.headers.get('x-request-id');
    id = given && REQUEST_ID.test(given) ? given : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/** What a context is made for: a GraphQL request, or one bulk item run with its job owner's credential. */
export interface ContextOptions {
  requestId: string;
  /** The caller's Authorization header, as sent; forwarded to the WiFi cloud, never logged. */
  authorization?: string;
  /** Aborts the upstream calls: the client went away (or a bulk worker is closing). */
  signal?: AbortSignal;
  /** One deadline for all upstream calls; REQUEST_TIMEOUT_MS when absent. */
  timeoutMs?: number;
  /** Paces the upstream calls (bulk work: src/bulk/pacer.ts). */
  pace?: UpstreamPacer;
  /** Shares proofs of authority among a bulk job's items (src/security/identity.ts). */
  authorityProofs?: AuthorityProofs;
}

/** A new Context and its deadline: whoever made it settles the deadline once the work is answered. */
export function contextFor(
  dependencies: GatewayDependencies,
  logger: Logger,
  { requestId, authorization, signal, timeoutMs, pace, authorityProofs }: ContextOptions,
): { context: Context; deadline: RequestDeadline } {
  const ledger = new UpstreamLedger(dependencies.callBudget);
  const deadline = new RequestDeadline(timeoutMs ?? dependencies.requestTimeoutMs, signal);
  const call = { requestId, signal, deadline, ledger, ...(pace ? { pace } : {}) };
  const requestLogger = logger.child({ requestId });
  const plume = new PlumeApi(dependencies.plume, { ...call, authorization });
  const services = new ServicesApi(dependencies.services, dependencies.servicesAccount, call, requestLogger);
  const context: Context = {
    requestId,
    authorization,
    plume,
    services,
    loaders: createLoaders(plume, services, requestLogger),
    mapping: dependencies.mapping,
    logger: requestLogger,
    ledger,
    audit: dependencies.audit,
    store: dependencies.store,
    deadlineAt: () => Date.now() + deadline.remainingMs(),
    warnings: [],
    ...(authorityProofs ? { authorityProofs } : {}),
  };
  return { context, deadline };
}

export function createContextFactory(dependencies: GatewayDependencies, logger: Logger) {
  return ({ request }: { request: Request }): Context => {
    const { context, deadline } = contextFor(dependencies, logger, {
      requestId: requestIdOf(request),
      authorization: request.headers.get('authorization') ?? undefined,
      signal: request.signal,
    });
    deadlines.set(request, deadline);
    return context;
  };
}
