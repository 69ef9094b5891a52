import { expect } from 'vitest';
import { graphql } from '../gql/index.js';
import type { TestGateway } from '../helpers/gateway.js';

/** Shared selections and probes for the workflow tests. */

graphql(`
  fragment ReportFields on WorkflowReport {
    workflow
    dryRun
    replayed
    completed
    preview {
      nodesToUnclaim
      servicesToStop {
        serviceId
        sku
        quantity
        agreementId
        ownerId
      }
      locationsToArchive
      newEmptyLocation
      gdprDeleteStarts
      serviceLevel {
        from
        to
      }
    }
    steps {
      name
      backend
      status
      detail
      licenseEffect
      upstreamRequestIds
      error {
        code
        message
      }
    }
  }
`);

graphql(`
  fragment WorkflowErrorOutcome on Error {
    __typename
    code
    message
    ... on IdempotencyKeyReusedError {
      idempotencyKey
    }
    ... on InProgressError {
      idempotencyKey
    }
  }
`);

export interface Write {
  method: string;
  path: string;
}

/** Every write (not a GET) both simulators served since the last reset, in order per backend. */
export function writes(gw: Pick<TestGateway, 'sandbox'>): { plume: Write[]; services: Write[] } {
  const pick = (requests: readonly Write[]) =>
    requests.filter((r) => r.method !== 'GET').map(({ method, path }) => ({ method, path }));
  return {
    plume: pick(gw.sandbox.plume.control.requests),
    services: pick(gw.sandbox.services.control.requests),
  };
}

/** Everything the simulators hold for a customer and the services of its locations and sub-account. */
export function simulatorState(gw: TestGateway, customerId: string, subAccountId: string) {
  const wifi = gw.sandbox.plume.state.inspectCustomer(customerId);
  const services = gw.sandbox.services.state;
  return {
    wifi,
    gdprDeletes: [...gw.sandbox.plume.state.gdprDeletes],
    locationServices: (wifi?.locations ?? []).map(
      (l) => services.listLocationServices({ locationId: l.id, status: 'ALL', limit: 1000 }).services,
    ),
    subAccountServices: services.listSubAccountServices({ subAccountId, status: 'ALL', limit: 1000 })
      .services,
  };
}

export const statuses = (report: { steps: Array<{ name: string; status: string }> }) =>
  report.steps.map((s) => `${s.name}:${s.status}`);

/** Narrows a workflow result to its report, failing with the error when it is one. */
export function reportOf<T extends { __typename: string }>(value: T | null | undefined) {
  expect(value?.__typename, JSON.stringify(value)).toBe('WorkflowReport');
  return value as Extract<T, { __typename: 'WorkflowReport' }>;
}

let counter = 0;
/** A fresh idempotency key per use. */
export const newKey = () => `test-key-${Date.now()}-${++counter}`;

export const SuspendLocation = graphql(`
  mutation WfSuspendLocation($input: SuspendLocationInput!) {
    suspendLocation(input: $input) {
      __typename
      ...ReportFields
      ...WorkflowErrorOutcome
    }
  }
`);

export const RestoreLocation = graphql(`
  mutation WfRestoreLocation($input: RestoreLocationInput!) {
    restoreLocation(input: $input) {
      __typename
      ...ReportFields
      ...WorkflowErrorOutcome
      ... on NothingToRestoreError {
        locationId
      }
    }
  }
`);

const LevelOf = graphql(`
  query WfLevelOf($id: ID!) {
    node(id: $id) {
      ... on Location {
        serviceLevel {
          level
        }
      }
    }
  }
`);

export const levelOf = async (gw: TestGateway, location: string) => {
  const { data } = await gw.execute(LevelOf, { id: location });
  return data?.node && 'serviceLevel' in data.node ? data.node.serviceLevel?.level : undefined;
};

/** Decreases SKU-00000195 on a customer's sub-account, with an optional idempotency key. */
export const ReduceSku195 = graphql(`
  mutation WfReduceSku195($customerId: ID!, $quantity: Int, $key: String) {
    reduceSubAccountServices(
      input: { customerId: $customerId, skuRemovals: [{ sku: "SKU-00000195", quantity: $quantity }] }
      idempotencyKey: $key
    ) {
      __typename
      ... on ReduceSubAccountServicesSuccess {
        services {
          serviceId
          quantity
        }
      }
      ... on Error {
        code
      }
    }
  }
`);
