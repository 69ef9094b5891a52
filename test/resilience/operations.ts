import type { Fault } from '../../src/sandbox/control.js';
import { customerIds, locationIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { customers, locations } from '../helpers/fixtures.js';
import type { TestGateway } from '../helpers/gateway.js';

/** The operations and upstream paths the resilience tests drive faults through. */

export const ReadCustomer = graphql(`
  query RsCustomer($id: ID!) {
    customer(id: $id) {
      customerId
      name
    }
  }
`);

/** A mutation's error member, with the fields of an open breaker's error. */
graphql(`
  fragment UnavailableOutcome on Error {
    __typename
    code
    message
    ... on UpstreamUnavailableError {
      backend
      retryAfterSeconds
    }
  }
`);

export const UnclaimNode = graphql(`
  mutation RsUnclaimNode($input: UnclaimNodeInput!) {
    unclaimNode(input: $input) {
      __typename
      ...UnavailableOutcome
    }
  }
`);

export const SetServiceLevel = graphql(`
  mutation RsSetServiceLevel($input: SetServiceLevelInput!) {
    setServiceLevel(input: $input) {
      __typename
      ...UnavailableOutcome
    }
  }
`);

export const CancelAll = graphql(`
  mutation RsCancelAll($input: CancelAllSubAccountServicesInput!) {
    cancelAllSubAccountServices(input: $input) {
      __typename
      ...UnavailableOutcome
    }
  }
`);

export const adaPath = `/api/Customers/${customerIds.ada}`;
export const adaHomePath = `${adaPath}/locations/${locationIds.adaHome}`;
export const unclaimPath = `${adaHomePath}/nodes/AA11000001`;
export const serviceLevelPath = `${adaHomePath}/serviceLevel`;
export const cancelAllPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelallsubaccountservices`;

export const unclaimInput = { input: { locationId: locations.adaHome, serialNumber: 'AA11000001' } };
export const suspendInput = { input: { locationId: locations.adaHome, level: 'NO_SERVICE' as const } };
export const cancelAllInput = { input: { customerId: customers.ada } };

/** Read retries quick enough for a test: the backoff is short, a Retry-After still holds them. */
export const quickRetries = { retries: 2, baseDelayMs: 10, maxDelayMs: 50 };

/** Ada read through the gateway, and the reads of her that reached the WiFi cloud simulator. */
export const adaReader = (gateway: () => TestGateway) => ({
  readAda: () => gateway().execute(ReadCustomer, { id: customers.ada }),
  adaReads: () => gateway().sandbox.plume.control.count(adaPath, 'GET'),
});

/** A backend asking to be left alone: `status` with `Retry-After: retryAfter` on the requests `where` matches. */
export const retryAfterFault = (
  status: 429 | 503,
  retryAfter: string,
  where: Omit<Fault, 'status' | 'headers'>,
): Fault => ({ ...where, status, headers: { 'retry-after': retryAfter } });
