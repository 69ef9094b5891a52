import { InputValidationError } from '@pothos/plugin-validation';
import { builder } from '../../builder.js';
import {
  IdempotencyKeyReusedError,
  InProgressError,
  NothingToRestoreError,
  OutcomeUnknownError,
  RateLimitedError,
  StoreUnavailableError,
  UnexpectedError,
  UpstreamBudgetExceededError,
  UpstreamUnavailableError,
} from '../../errors.js';
import { deprecatedLocationId, ErrorInterface, errorType } from './error-interface.js';

/**
 * What the gateway decides on its own, whichever backend is behind: a closed door (breaker, rate limit),
 * a write it cannot vouch for, its limits, idempotency keys and their store, its memory, input validation,
 * and anything unexpected.
 */

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
  locationId: t.exposeString('locationId', deprecatedLocationId),
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
