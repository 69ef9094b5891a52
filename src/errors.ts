import type { ServiceLevelStatus } from './domain/service-level.js';

/**
 * Expected failures of the domain, one class per outcome the contracts list. The schema exposes each
 * as a GraphQL type (src/schema/error-types/); anything that is not a DomainError is masked by Yoga.
 * No GraphQL imports here: adapters throw these, resolvers let them through.
 */

export abstract class DomainError extends Error {
  /** Stable machine-readable code, also used as `extensions.code` where a query field fails. */
  abstract readonly code: string;
}

/** Which half of the contract's 401 row: the token itself, or the customer outside its scope (or unknown). */
export type NotAuthorizedReason = 'TOKEN' | 'CUSTOMER_SCOPE';

/** Contract 401: token missing, expired, or the customer is outside the token's scope (or unknown). */
export class NotAuthorizedError extends DomainError {
  readonly code = 'NOT_AUTHORIZED';
  constructor(
    /** Undefined when the gateway could not tell (the read that would say failed too). */
    readonly reason?: NotAuthorizedReason,
    message = 'Not authorized: the Authorization token is missing, expired, or does not cover this customer.',
  ) {
    super(message);
  }
}

export type ResourceKind = 'Customer' | 'Location' | 'Node' | 'SubAccount';

/** Contract 404: the named resource does not exist (or no longer does). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly resource: ResourceKind,
    readonly id: string,
    reason?: string,
  ) {
    super(`${resource} ${id} was not found${reason ? `: ${reason}` : ''}.`);
  }
}

/** Contract 404 (RMA): the location has zero claimed nodes, so there is nothing to unclaim. */
export class NoClaimedNodesError extends DomainError {
  readonly code = 'NO_CLAIMED_NODES';
  constructor(readonly locationId: string) {
    super(`Location ${locationId} has no claimed nodes.`);
  }
}

/** Contract 400 (RMA): the node was already unclaimed. */
export class NodeAlreadyUnclaimedError extends DomainError {
  readonly code = 'NODE_ALREADY_UNCLAIMED';
  constructor(readonly serialNumber: string) {
    super(`Node ${serialNumber} is already unclaimed.`);
  }
}

/** Contract 409 (Service Cancellation): the location was archived before. */
export class LocationAlreadyArchivedError extends DomainError {
  readonly code = 'LOCATION_ALREADY_ARCHIVED';
  constructor(readonly locationId: string) {
    super(`Location ${locationId} is already archived.`);
  }
}

/** Contract 422 (Account Suspension): the upstream rejected the `status` value. */
export class InvalidServiceLevelError extends DomainError {
  readonly code = 'INVALID_SERVICE_LEVEL';
  constructor(readonly status: ServiceLevelStatus) {
    super(`Service level ${status} was rejected by the WiFi cloud.`);
  }
}

/** Services contract: the backend refused a cancel or decrease, and none of the services it names is active. */
export class NoActiveServicesError extends DomainError {
  readonly code = 'NO_ACTIVE_SERVICES';
  constructor() {
    super('No active service matched the request.');
  }
}

/**
 * The services backend refused a cancel or decrease while services it names are still active: a reason
 * no contract row lists (e.g. a minimum commitment). Our own message; the backend's goes to the log.
 */
export class ServicesRequestRejectedError extends DomainError {
  readonly code = 'SERVICES_REQUEST_REJECTED';
  constructor(readonly upstreamCode: number | null) {
    super('The services backend refused the request; nothing was changed.');
  }
}

/**
 * A destructive call failed ambiguously (timeout, connection lost after sending, 5xx) and re-reading its
 * target could not show that the change took effect: it may have happened, or may still happen.
 */
export class OutcomeUnknownError extends DomainError {
  readonly code = 'OUTCOME_UNKNOWN';
  constructor(
    /** The mutation, e.g. `archiveLocation`. */
    readonly operation: string,
    /** True only when sending the same change again cannot do it twice (e.g. a second archive is a 409). */
    readonly safeToRetry: boolean,
  ) {
    super(
      `${operation}: no clear answer from the backend (timeout, lost connection or server error) and a re-read could not confirm the change; it may have taken effect, or may still. ` +
        (safeToRetry
          ? 'Retrying is safe: a repeat cannot apply it twice.'
          : 'Do not retry blindly: a repeat could apply it twice; check the current state first.'),
    );
  }
}

/** The request would make more upstream calls than its budget (UPSTREAM_CALL_BUDGET) allows. */
export class UpstreamBudgetExceededError extends DomainError {
  readonly code = 'UPSTREAM_BUDGET_EXCEEDED';
  constructor(readonly budget: number) {
    super(`This request needs more than ${budget} upstream calls; ask for less in one request.`);
  }
}

/** An idempotency key was used before, by this caller, with a different request. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency key ${idempotencyKey} was already used with a different request; use a new key.`);
  }
}

/** A request with the same idempotency key is running now; retry after it ends to get its outcome. */
export class InProgressError extends DomainError {
  readonly code = 'IN_PROGRESS';
  /** Whole seconds after which a retry can find the outcome, or take over from a request that died. */
  readonly retryAfterSeconds: number;
  constructor(
    readonly idempotencyKey: string,
    retryInMs: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
    super(
      `A request with idempotency key ${idempotencyKey} is still running; retry in ${seconds} s for its outcome.`,
    );
    this.retryAfterSeconds = seconds;
  }
}

/** restoreLocation: the gateway remembers no level from before a suspension of this location. */
export class NothingToRestoreError extends DomainError {
  readonly code = 'NOTHING_TO_RESTORE';
  constructor(readonly locationId: string) {
    super(`Location ${locationId} has no remembered level from a suspendLocation to restore.`);
  }
}

/**
 * The backend failed repeatedly, so its circuit breaker is open: the gateway answers at once, without
 * calling it, until the breaker lets a probe through (src/upstream/http/breaker.ts).
 */
export class UpstreamUnavailableError extends DomainError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
  /** Whole seconds until the gateway tries the backend again (at least 1). */
  readonly retryAfterSeconds: number;
  constructor(
    readonly upstream: 'plume' | 'services',
    retryInMs: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
    super(
      `The ${upstream === 'plume' ? 'WiFi cloud' : 'services backend'} is unavailable after repeated failures; try again in ${seconds} s.`,
    );
    this.retryAfterSeconds = seconds;
  }
}

/**
 * A backend answered 429 (Too Many Requests). On a write nothing was changed, so the client may resend it
 * after `retryAfterSeconds`; until then the gateway itself fails fast instead of calling that backend.
 */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  /** Whole seconds until the backend accepts calls again (its Retry-After, at least 1). */
  readonly retryAfterSeconds: number;
  constructor(
    readonly upstream: 'plume' | 'services',
    retryInMs: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
    super(
      `The ${upstream === 'plume' ? 'WiFi cloud' : 'services backend'} is rate limiting the gateway; nothing was changed. Try again in ${seconds} s.`,
    );
    this.retryAfterSeconds = seconds;
  }
}

/**
 * The shared store (idempotency keys, plans) could not be reached in time, so a keyed request was refused
 * before any write: retrying with the same key is safe.
 */
export class StoreUnavailableError extends DomainError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly retryAfterSeconds = 1;
  constructor() {
    super(
      'The gateway could not record this idempotency key, so nothing was changed; retry with the same key in a moment.',
    );
  }
}

/**
 * Something the gateway did not expect (an upstream 5xx, a malformed answer, a bug) ended a mutation. Returned
 * as data so that sibling mutations in the same request keep their answers; the detail is in the log under
 * `requestId`.
 */
export class UnexpectedError extends DomainError {
  constructor(
    readonly code: 'UPSTREAM_ERROR' | 'INTERNAL_SERVER_ERROR',
    readonly requestId: string,
    readonly upstreamRequestId?: string,
  ) {
    super('Unexpected error. Quote the requestId when reporting it.');
  }
}

/**
 * Anything the gateway did not expect of an upstream: 5xx, timeouts, malformed bodies, an unknown
 * status. Never shown to clients as is: Yoga masks it, and the log keeps the detail.
 */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly upstream: 'plume' | 'services',
    readonly operation: string,
    message: string,
    readonly details: {
      status?: number;
      upstreamRequestId?: string;
      /** Why no usable answer came (see UpstreamCallEnd.failure in src/upstream/http/call.ts). */
      failure?: 'timeout' | 'aborted' | 'network' | 'malformed' | 'too-large';
      cause?: unknown;
    } = {},
  ) {
    super(`${upstream} ${operation}: ${message}`, { cause: details.cause });
  }
}
