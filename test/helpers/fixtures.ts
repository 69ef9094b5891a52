import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { customerIds, demoTokens, locationIds, SERVICES_API_KEY } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';

/** Global IDs of the seeded data (src/sandbox/seed.ts), as the graph hands them out. */

export const customerGid = (customerId: string): string => encodeGlobalID('Customer', customerId);
export const locationGid = (customerId: string, locationId: string): string =>
  encodeGlobalID('Location', `${customerId}:${locationId}`);
export const wifiNodeGid = (customerId: string, locationId: string, serialNumber: string): string =>
  encodeGlobalID('WifiNode', `${customerId}:${locationId}:${serialNumber}`);

export const customers = {
  ada: customerGid(customerIds.ada),
  grace: customerGid(customerIds.grace),
  linus: customerGid(customerIds.linus),
  margaret: customerGid(customerIds.margaret),
} as const;

export const locations = {
  adaHome: locationGid(customerIds.ada, locationIds.adaHome),
  adaCottage: locationGid(customerIds.ada, locationIds.adaCottage),
  adaOldFlat: locationGid(customerIds.ada, locationIds.adaOldFlat),
  graceApartment: locationGid(customerIds.grace, locationIds.graceApartment),
  linusHome: locationGid(customerIds.linus, locationIds.linusHome),
  linusGarage: locationGid(customerIds.linus, locationIds.linusGarage),
  margaretOffice: locationGid(customerIds.margaret, locationIds.margaretOffice),
} as const;

/** The seed's WiFi cloud tokens, by who holds them (docs/sandbox-plume.md). */
export const tokens = demoTokens;

/** Every seeded token and the services API key: none may reach a response or a log line. */
export const secrets = [...Object.values(tokens), SERVICES_API_KEY];

/** Yoga's masked message for anything unexpected (src/yoga.ts). */
export const MASKED = 'Unexpected error. Quote the requestId when reporting it.';

/** A services error envelope with a known `meta.uuid`, as the backend sends it. */
export const servicesError = (uuid: string, code: number, message = 'Internal error'): string =>
  JSON.stringify({ meta: { uuid, errors: [{ code, type: 'FATAL_ERROR', message }] }, response: {} });

/** Asserts a union result's exact `__typename` and narrows it to that member. */
export function expectTypename<T extends { __typename: string }, N extends T['__typename']>(
  value: T | null | undefined,
  typename: N,
): Extract<T, { __typename: N }> {
  expect(value?.__typename).toBe(typename);
  return value as Extract<T, { __typename: N }>;
}

/** The errors of a response, by path and code. */
export const errorsOf = (response: {
  errors?: Array<{ path?: unknown; extensions?: Record<string, unknown> }>;
}) => (response.errors ?? []).map((e) => ({ path: e.path, code: e.extensions?.code }));

/**
 * Asserts that a nullable field came back (a field backed by its own upstream call is null when that
 * call fails) and narrows it.
 */
export function present<T>(value: T | null | undefined): T {
  expect(value ?? null).not.toBeNull();
  return value as T;
}

/*
 * Selections the graph tests share: spread them by name (`...ErrorOutcome`) in any operation under
 * test/; codegen adds the definitions to each operation that uses them.
 */

/**
 * The error member of a mutation result: `code` and `message`, plus the fields of each error type.
 * Spread it into the result union beside the success member's selection.
 */
graphql(`
  fragment ErrorOutcome on Error {
    code
    message
    ... on NotFoundError {
      resource
      id
    }
    ... on InputValidationError {
      issues {
        path
        message
      }
    }
    ... on ServicesRequestRejectedError {
      upstreamCode
    }
    ... on NoClaimedNodesError {
      locationId
    }
    ... on NodeAlreadyUnclaimedError {
      serialNumber
    }
    ... on LocationAlreadyArchivedError {
      locationId
    }
    ... on InvalidServiceLevelError {
      level
    }
    ... on NotAuthorizedError {
      reason
    }
    ... on OutcomeUnknownError {
      operation
      safeToRetry
    }
  }
`);

/** A service as the services backend reports it, with the location or sub-account it belongs to. */
graphql(`
  fragment ServiceFields on Service {
    serviceId
    sku
    agreementId
    status
    stoppedOn
    ... on LocationService {
      locationId
    }
    ... on SubAccountService {
      subAccountId
      quantity
    }
  }
`);

/** A location with the customer it leads to. */
graphql(`
  fragment LocationOwner on Location {
    name
    customer {
      id
      name
    }
  }
`);
