import type { ServiceLevelStatus } from './upstream/plume.js';

/**
 * Expected failures of the domain, one class per outcome the contracts list. The schema exposes each
 * as a GraphQL type (src/schema/errors.ts); anything that is not a DomainError is masked by Yoga.
 * No GraphQL imports here: adapters throw these, resolvers let them through.
 */

export abstract class DomainError extends Error {
  /** Stable machine-readable code, also used as `extensions.code` where a query field fails. */
  abstract readonly code: string;
}

/** Contract 401: token missing, expired, or the customer is outside the token's scope (or unknown). */
export class NotAuthorizedError extends DomainError {
  readonly code = 'NOT_AUTHORIZED';
  constructor(
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

/** Services error 2003: nothing active matched the cancel or decrease. */
export class NoActiveServicesError extends DomainError {
  readonly code = 'NO_ACTIVE_SERVICES';
  constructor(message = 'No active service matched the request.') {
    super(message);
  }
}

/** Services errors 2000-2002: the services backend rejected a parameter the gateway passed on. */
export class ServicesRequestRejectedError extends DomainError {
  readonly code = 'SERVICES_REQUEST_REJECTED';
  constructor(
    message: string,
    readonly upstreamCode: number,
  ) {
    super(message);
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
  constructor(readonly idempotencyKey: string) {
    super(
      `A request with idempotency key ${idempotencyKey} is still running; retry shortly for its outcome.`,
    );
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
 * Anything the gateway did not expect of an upstream: 5xx, timeouts, malformed bodies, an unknown
 * status. Never shown to clients as is: Yoga masks it, and the log keeps the detail.
 */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly upstream: 'plume' | 'services',
    readonly operation: string,
    message: string,
    readonly details: { status?: number; upstreamRequestId?: string; cause?: unknown } = {},
  ) {
    super(`${upstream} ${operation}: ${message}`, { cause: details.cause });
  }
}
