import { InputValidationError } from '@pothos/plugin-validation';
import { builder } from '../builder.js';
import {
  IdempotencyKeyReusedError,
  InProgressError,
  InvalidServiceLevelError,
  LocationAlreadyArchivedError,
  NoActiveServicesError,
  NoClaimedNodesError,
  NodeAlreadyUnclaimedError,
  NotAuthorizedError,
  type NotAuthorizedReason,
  NotFoundError,
  OutcomeUnknownError,
  NothingToRestoreError,
  RateLimitedError,
  ServicesRequestRejectedError,
  StoreUnavailableError,
  UnexpectedError,
  UpstreamBudgetExceededError,
  UpstreamUnavailableError,
} from '../errors.js';
import { ServiceLevel } from './refs.js';

/**
 * The expected failures, as GraphQL types sharing the `Error` interface. Mutations list the ones they
 * can return (errors-as-data); anything else is masked with a request id (see src/yoga.ts).
 */

export const ErrorInterface = builder.interfaceRef<Error & { code?: string }>('Error').implement({
  description: 'An expected failure, returned as data by mutations.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
    code: t.string({
      description: 'A stable machine-readable code, e.g. NOT_FOUND.',
      resolve: (error) => error.code ?? 'INPUT_VALIDATION',
    }),
  }),
});

// Typed by class: the errors plugin matches a thrown error to its GraphQL type with instanceof.
const errorType = (cls: new (...args: any[]) => Error & { code: string }, description: string) =>
  builder.objectType(cls, { name: cls.name, description, interfaces: [ErrorInterface] });

errorType(
  NotAuthorizedError,
  'WiFi cloud 401: the Authorization header is missing or expired, or the customer is outside its administrative scope (or unknown to it).',
);
builder.objectFields(NotAuthorizedError, (t) => ({
  reason: t.field({
    type: builder.enumType('NotAuthorizedReason', {
      description: 'Which half of the 401 row it was.',
      values: {
        TOKEN: { description: 'The token is missing, unknown or expired: log in again.' },
        CUSTOMER_SCOPE: {
          description: 'The token is valid, but the customer is outside its scope (or unknown to the cloud).',
        },
      } as const satisfies Record<NotAuthorizedReason, { description: string }>,
    }),
    nullable: true,
    description: 'Which half of the 401 row it was; null when the gateway could not tell.',
    resolve: (e) => e.reason ?? null,
  }),
}));

const ResourceKind = builder.enumType('ResourceKind', {
  description: 'The kind of resource a NotFoundError names.',
  values: {
    CUSTOMER: { value: 'Customer' },
    LOCATION: { value: 'Location' },
    NODE: { value: 'Node' },
    SUB_ACCOUNT: { value: 'SubAccount' },
  } as const,
});

errorType(NotFoundError, 'WiFi cloud 404: the named customer, location or node does not exist.');
builder.objectFields(NotFoundError, (t) => ({
  resource: t.field({
    type: ResourceKind,
    description: 'Which kind of id was not found.',
    resolve: (e) => e.resource,
  }),
  id: t.exposeString('id', {
    description: 'The upstream id that was not found.',
    deprecationReason:
      'A raw upstream id, which queries and mutations do not take (and which Apollo Client keys every NotFoundError by): use resourceId.',
  }),
}));

errorType(NoClaimedNodesError, 'WiFi cloud 404 on RMA: the location has zero claimed nodes.');
builder.objectFields(NoClaimedNodesError, (t) => ({
  locationId: t.exposeString('locationId', {
    description: 'The WiFi cloud location id.',
    deprecationReason: 'A raw WiFi cloud id, which mutations do not take: use location { id }.',
  }),
}));

errorType(NodeAlreadyUnclaimedError, 'WiFi cloud 400 on RMA: the node is already unclaimed.');
builder.objectFields(NodeAlreadyUnclaimedError, (t) => ({
  serialNumber: t.exposeString('serialNumber', { description: 'The serial number of the node.' }),
}));

errorType(
  LocationAlreadyArchivedError,
  'WiFi cloud 409 on service cancellation: the location is already archived.',
);
builder.objectFields(LocationAlreadyArchivedError, (t) => ({
  locationId: t.exposeString('locationId', {
    description: 'The WiFi cloud location id.',
    deprecationReason: 'A raw WiFi cloud id, which mutations do not take: use location { id }.',
  }),
}));

errorType(InvalidServiceLevelError, "WiFi cloud 422 on suspension: the cloud rejected the 'status' value.");
builder.objectFields(InvalidServiceLevelError, (t) => ({
  level: t.field({
    type: ServiceLevel,
    description: 'The level that was rejected.',
    resolve: (e) => e.status,
  }),
}));

errorType(
  NoActiveServicesError,
  'Services backend: it refused the cancel or decrease and none of the services it names is active (the contract requires at least one).',
);

errorType(
  ServicesRequestRejectedError,
  'Services backend: it refused the cancel or decrease although services it names are still active (e.g. a minimum commitment not yet met). Nothing was changed.',
);
builder.objectFields(ServicesRequestRejectedError, (t) => ({
  upstreamCode: t.int({
    nullable: true,
    description:
      "The services backend's error code, when its answer carried one (codes are not published); null otherwise.",
    resolve: (e) => e.upstreamCode,
  }),
}));

const Backend = builder.enumType('Backend', {
  description: 'One of the REST backends behind the graph.',
  values: { WIFI_CLOUD: { value: 'plume' }, SERVICES: { value: 'services' } } as const,
});

errorType(
  UpstreamUnavailableError,
  'A backend failed repeatedly and its circuit breaker is open: the gateway did not call it. Retry after retryAfterSeconds.',
);
builder.objectFields(UpstreamUnavailableError, (t) => ({
  backend: t.field({ type: Backend, description: 'The unavailable backend.', resolve: (e) => e.upstream }),
  retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
    description: 'Seconds until the gateway tries the backend again.',
  }),
}));

errorType(
  OutcomeUnknownError,
  'A destructive change got no clear answer (timeout, connection lost after sending, 5xx) and a re-read could not show it in effect: it may have happened, or may still. The gateway did not resend it.',
);
builder.objectFields(OutcomeUnknownError, (t) => ({
  operation: t.exposeString('operation', { description: 'The mutation, e.g. archiveLocation.' }),
  safeToRetry: t.exposeBoolean('safeToRetry', {
    description:
      'True when sending the same change again cannot apply it twice (a repeat answers an "already done" error); false when it could (a decrease would be subtracted again): read the current state first.',
  }),
}));

errorType(
  IdempotencyKeyReusedError,
  'The idempotencyKey was used before, for this customer, with a different request: use a new key.',
);
errorType(
  InProgressError,
  'A request with this idempotencyKey is still running (or one that stopped answering may still be writing); retry after retryAfterSeconds to get its outcome.',
);
for (const cls of [IdempotencyKeyReusedError, InProgressError]) {
  builder.objectFields(cls, (t) => ({
    idempotencyKey: t.exposeString('idempotencyKey', { description: 'The key as sent.' }),
  }));
}
builder.objectFields(InProgressError, (t) => ({
  retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
    description: 'Seconds after which a retry with the same key gets the outcome (or takes the work over).',
  }),
}));

errorType(
  UpstreamBudgetExceededError,
  'The request needed more upstream calls than its budget (UPSTREAM_CALL_BUDGET): ask for less in one request.',
);
builder.objectFields(UpstreamBudgetExceededError, (t) => ({
  budget: t.exposeInt('budget', { description: 'The most upstream calls one request may make.' }),
}));

errorType(
  RateLimitedError,
  'A backend answered 429 (too many requests): nothing was changed. Retry after retryAfterSeconds; until then the gateway does not call that backend.',
);
builder.objectFields(RateLimitedError, (t) => ({
  backend: t.field({
    type: Backend,
    description: 'The backend that is rate limiting.',
    resolve: (e) => e.upstream,
  }),
  retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
    description: 'Seconds until the backend accepts calls again (its Retry-After).',
  }),
}));

errorType(
  StoreUnavailableError,
  "The gateway's store of idempotency keys could not be reached in time, so nothing was changed: retry with the same key after retryAfterSeconds.",
);
builder.objectFields(StoreUnavailableError, (t) => ({
  retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds to wait before retrying.' }),
}));

errorType(
  UnexpectedError,
  'Something the gateway did not expect ended this mutation (code UPSTREAM_ERROR: a backend failed; INTERNAL_SERVER_ERROR: the gateway did). Returned as data so that the other mutations of the request keep their answers. Quote requestId when reporting it.',
);
builder.objectFields(UnexpectedError, (t) => ({
  requestId: t.exposeString('requestId', { description: "The request's id, as in the gateway's logs." }),
  upstreamRequestId: t.string({
    nullable: true,
    description: "The services backend's id of the failed call (its meta.uuid), when it sent one.",
    resolve: (e) => e.upstreamRequestId ?? null,
  }),
}));

errorType(
  NothingToRestoreError,
  'restoreLocation: the gateway remembers no level from a suspendLocation of this location.',
);
builder.objectFields(NothingToRestoreError, (t) => ({
  locationId: t.exposeString('locationId', {
    description: 'The WiFi cloud location id.',
    deprecationReason: 'A raw WiFi cloud id, which mutations do not take: use location { id }.',
  }),
}));

const ValidationIssue = builder
  .objectRef<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>('ValidationIssue')
  .implement({
    description: 'One problem with the input.',
    fields: (t) => ({
      message: t.exposeString('message', { description: 'What is wrong with the value.' }),
      path: t.stringList({
        description: 'Where in the arguments, e.g. ["input", "serialNumber"].',
        resolve: (issue) =>
          (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)),
      }),
    }),
  });

builder.objectType(InputValidationError, {
  name: 'InputValidationError',
  description:
    'The input was rejected before any upstream call was made (the contracts\' 422 "input validation failed").',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({
      type: [ValidationIssue],
      description: 'Each problem found.',
      resolve: (e) => e.issues,
    }),
  }),
});

/**
 * What every WiFi cloud mutation can fail with before its own rows: an open breaker, a rate limit,
 * idempotency keys and their store, and anything unexpected (as data, so sibling mutations keep theirs).
 */
export const wifiErrors = [
  InputValidationError,
  NotAuthorizedError,
  NotFoundError,
  UpstreamUnavailableError,
  RateLimitedError,
  UpstreamBudgetExceededError,
  IdempotencyKeyReusedError,
  InProgressError,
  StoreUnavailableError,
  UnexpectedError,
];
/** What every services mutation can fail with (the owner is checked in the WiFi cloud first). */
export const servicesErrors = [...wifiErrors, NoActiveServicesError, ServicesRequestRejectedError];
