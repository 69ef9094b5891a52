import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerIds, locationIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { type GraphQLResponse, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { customers, expectTypename, locations, MASKED, secrets, servicesError } from '../helpers/fixtures.js';

/**
 * What the graph does when a backend fails in a way no contract row names: 5xx, stalls, malformed
 * bodies. A read becomes one masked UPSTREAM_ERROR with the request id, never a leak; a destructive
 * mutation is re-read instead (OutcomeUnknownError here; test/graph/read-back.test.ts has the rest).
 */

const Customer = graphql(`
  query UfCustomer($id: ID!) {
    customer(id: $id) {
      customerId
      name
    }
  }
`);

const CustomerServices = graphql(`
  query UfCustomerServices($id: ID!) {
    customer(id: $id) {
      customerId
      services {
        totalCount
      }
    }
  }
`);

const LocationServices = graphql(`
  query UfLocationServices($id: ID!) {
    node(id: $id) {
      ... on Location {
        locationId
        services {
          totalCount
        }
      }
    }
  }
`);

const UnclaimNode = graphql(`
  mutation UfUnclaimNode($input: UnclaimNodeInput!) {
    unclaimNode(input: $input) {
      __typename
      ...ErrorOutcome
    }
  }
`);

const CancelAll = graphql(`
  mutation UfCancelAllSubAccountServices($input: CancelAllSubAccountServicesInput!) {
    cancelAllSubAccountServices(input: $input) {
      __typename
      ...ErrorOutcome
      ... on UnexpectedError {
        requestId
      }
    }
  }
`);

const { ada } = customerIds;
const customerPath = `/api/Customers/${ada}`;
const subAccountServicesPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}/subaccountservices`;
const locationServicesPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}/services`;
const cancelAllPath = `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelallsubaccountservices`;

/** Every response text and every log line so far, checked for secrets at the end of each test. */
const seen: string[] = [];
const track = <T>(response: GraphQLResponse<T>): GraphQLResponse<T> => {
  seen.push(response.text, JSON.stringify([...response.headers]));
  return response;
};

/** The one error of a response: masked, coded UPSTREAM_ERROR, naming this response's request id. */
function expectUpstreamError<T>(response: GraphQLResponse<T>, path: string[], upstreamRequestId?: string) {
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toEqual(expect.any(String));
  expect(response.errors).toEqual([
    {
      message: MASKED,
      path,
      locations: expect.any(Array),
      extensions: {
        code: 'UPSTREAM_ERROR',
        requestId,
        ...(upstreamRequestId ? { upstreamRequestId } : {}),
      },
    },
  ]);
  // Support finds the detail by the id the client was given.
  expect(gw.logs.some((line) => line.includes(requestId!))).toBe(true);
}

let gw: TestGateway;
const useGateway = (overrides: Parameters<typeof startTestGateway>[0] = {}) => {
  beforeEach(async () => {
    seen.length = 0;
    gw = await startTestGateway(overrides);
  });
  afterEach(async () => {
    const everything = [...seen, ...gw.logs].join('\n');
    await gw.close();
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
};

describe('upstream 5xx', () => {
  useGateway();

  it('masks a WiFi cloud 500 as UPSTREAM_ERROR with the request id of the response', async () => {
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, status: 500 });

    const response = track(await gw.execute(Customer, { id: customers.ada }));

    expect(response.data).toEqual({ customer: null });
    expectUpstreamError(response, ['customer']);
    expect(response.text).not.toContain('INTERNAL_ERROR');
    expect(response.text).not.toContain('Injected fault');
  });

  it.each([500, 503])(
    'masks a services %i as UPSTREAM_ERROR carrying the upstream request id (meta.uuid)',
    async (status) => {
      const uuid = `7d4c9a1e-3f2b-4e8a-9c61-000000000${status}`;
      gw.sandbox.services.control.inject({
        method: 'GET',
        path: subAccountServicesPath,
        status,
        body: servicesError(uuid, 5000),
      });

      const response = track(await gw.execute(CustomerServices, { id: customers.ada }));

      expect(response.data).toEqual({ customer: { customerId: ada, services: null } });
      expectUpstreamError(response, ['customer', 'services'], uuid);
      expect(response.text).not.toContain('Internal error');
    },
  );

  it('masks the services error rows that mean a gateway misconfiguration (401, 403, 2000)', async () => {
    const rows = [
      [401, 401, 'c1a0f7d2-1111-4d6e-8f00-000000000401'],
      [403, 403, 'c1a0f7d2-2222-4d6e-8f00-000000000403'],
      [400, 2000, 'c1a0f7d2-3333-4d6e-8f00-000000002000'],
    ] as const;
    for (const [status, code, uuid] of rows) {
      gw.sandbox.services.control.inject({
        method: 'GET',
        path: locationServicesPath,
        status,
        body: servicesError(uuid, code, `rejected with ${code}`),
        times: 1,
      });

      const response = track(await gw.execute(LocationServices, { id: locations.adaHome }));

      expect(response.data).toEqual({ node: { locationId: locationIds.adaHome, services: null } });
      expectUpstreamError(response, ['node', 'services'], uuid);
      expect(response.text).not.toContain(`rejected with ${code}`);
    }
  });

  it('answers OutcomeUnknownError, not a guess, when a mutation gets a 500 and the re-read shows no change', async () => {
    gw.sandbox.plume.control.inject({
      method: 'DELETE',
      path: `/api/Customers/${ada}/locations/${locationIds.adaHome}/nodes/AA11000001`,
      status: 500,
    });

    const response = track(
      await gw.execute(UnclaimNode, { input: { locationId: locations.adaHome, serialNumber: 'AA11000001' } }),
    );

    expect(response.errors).toBeUndefined();
    expect(expectTypename(response.data?.unclaimNode, 'OutcomeUnknownError')).toMatchObject({
      operation: 'unclaimNode',
      safeToRetry: true,
    });
  });

  it('answers OutcomeUnknownError when a services mutation gets a 500 and nothing stopped', async () => {
    const uuid = '5e9b2f0c-7a41-4b3d-a2c8-e1d0f9a8b7c6';
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: cancelAllPath,
      status: 500,
      body: servicesError(uuid, 5000),
    });

    const response = track(await gw.execute(CancelAll, { input: { customerId: customers.ada } }));

    expect(response.errors).toBeUndefined();
    expectTypename(response.data?.cancelAllSubAccountServices, 'OutcomeUnknownError');
    expect(gw.sandbox.services.state.listSubAccountServices({ subAccountId: 'ACC-1001' }).count).toBe(3);
    // The upstream request id of the failed call stays in the log, for support.
    expect(gw.logs.some((line) => line.includes(uuid))).toBe(true);
  });

  it('echoes a caller-provided x-request-id in the header and the error', async () => {
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, status: 500 });

    const response = track(
      await gw.execute(
        Customer,
        { id: customers.ada },
        { headers: { 'x-request-id': 'uf-support-ticket-42' } },
      ),
    );

    expect(response.headers.get('x-request-id')).toBe('uf-support-ticket-42');
    expectUpstreamError(response, ['customer']);
  });

  it('replaces a malformed caller x-request-id with one of its own', async () => {
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, status: 500 });

    const response = track(
      await gw.execute(Customer, { id: customers.ada }, { headers: { 'x-request-id': 'bad id <script>' } }),
    );

    expect(response.headers.get('x-request-id')).not.toBe('bad id <script>');
    expectUpstreamError(response, ['customer']);
  });

  it('keeps serving once the fault is gone', async () => {
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, status: 500, times: 1 });
    gw.sandbox.plume.control.inject({ method: 'DELETE', path: `${customerPath}/*`, status: 503, times: 1 });
    const unclaim = { input: { locationId: locations.adaHome, serialNumber: 'AA11000001' } };
    expectUpstreamError(track(await gw.execute(Customer, { id: customers.ada })), ['customer']);
    const failed = track(await gw.execute(UnclaimNode, unclaim));
    expectTypename(failed.data?.unclaimNode, 'OutcomeUnknownError');

    const response = track(await gw.execute(Customer, { id: customers.ada }));

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ customer: { customerId: ada, name: 'Ada Lovelace' } });
    const mutation = track(await gw.execute(UnclaimNode, unclaim));
    expectTypename(mutation.data?.unclaimNode, 'UnclaimNodeSuccess');
  });
});

describe('unreachable upstreams', () => {
  useGateway();

  it('masks a WiFi cloud that refuses connections as UPSTREAM_ERROR', async () => {
    await gw.sandbox.plume.close();

    const response = track(await gw.execute(Customer, { id: customers.ada }));

    expect(response.data).toEqual({ customer: null });
    expectUpstreamError(response, ['customer']);
  });

  it('masks a services backend that refuses connections as UPSTREAM_ERROR, after the WiFi cloud answered', async () => {
    await gw.sandbox.services.close();

    const response = track(await gw.execute(CancelAll, { input: { customerId: customers.ada } }));

    // Never sent, so nothing to re-read: unexpected, as data with the request id.
    expect(response.errors).toBeUndefined();
    expect(response.data?.cancelAllSubAccountServices).toMatchObject({
      __typename: 'UnexpectedError',
      code: 'UPSTREAM_ERROR',
      requestId: response.headers.get('x-request-id'),
    });
    expect(gw.upstreamCalls().plume).toBe(1);
  });
});

describe('malformed upstream bodies', () => {
  useGateway();

  it.each(['not json', '{"unexpected":true}', '', '[]'])(
    'masks a WiFi cloud 200 with body %j as UPSTREAM_ERROR',
    async (body) => {
      gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, status: 200, body });

      const response = track(await gw.execute(Customer, { id: customers.ada }));

      expect(response.data).toEqual({ customer: null });
      expectUpstreamError(response, ['customer']);
    },
  );

  it.each([
    'not json',
    '{"unexpected":true}',
    '{"meta":{"uuid":"x","errors":[]},"response":{"count":"many"}}',
  ])('masks a services 200 with body %j as UPSTREAM_ERROR', async (body) => {
    gw.sandbox.services.control.inject({ method: 'GET', path: subAccountServicesPath, status: 200, body });

    const response = track(await gw.execute(CustomerServices, { id: customers.ada }));

    expect(response.data).toEqual({ customer: { customerId: ada, services: null } });
    expectUpstreamError(response, ['customer', 'services'], body.startsWith('{"meta"') ? 'x' : undefined);
  });

  it('treats a write answered 2xx with a malformed body as ambiguous: re-read, never resent', async () => {
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: cancelAllPath,
      status: 200,
      body: 'not json',
    });

    const response = track(await gw.execute(CancelAll, { input: { customerId: customers.ada } }));

    // The backend accepted something it answered 2xx to; the re-read finds the services still active here.
    expect(response.data?.cancelAllSubAccountServices).toMatchObject({
      __typename: 'OutcomeUnknownError',
      code: 'OUTCOME_UNKNOWN',
    });
    expect(gw.sandbox.services.control.count(cancelAllPath, 'POST')).toBe(1);
  });
});

describe('upstream timeouts', () => {
  useGateway({ upstreamTimeoutMs: 200 });

  it('masks a WiFi cloud that stalls past the deadline as UPSTREAM_ERROR', async () => {
    gw.sandbox.plume.control.inject({ method: 'GET', path: customerPath, delayMs: 1_500, times: 1 });

    const response = track(await gw.execute(Customer, { id: customers.ada }));

    expect(response.data).toEqual({ customer: null });
    expectUpstreamError(response, ['customer']);
    expect(gw.logs.some((line) => line.includes('timed out after 200 ms'))).toBe(true);
  });

  it('masks a services backend that stalls past the deadline as UPSTREAM_ERROR', async () => {
    gw.sandbox.services.control.inject({
      method: 'GET',
      path: subAccountServicesPath,
      delayMs: 1_500,
      times: 1,
    });

    const response = track(await gw.execute(CustomerServices, { id: customers.ada }));

    expect(response.data).toEqual({ customer: { customerId: ada, services: null } });
    expectUpstreamError(response, ['customer', 'services']);
  });

  it('answers OutcomeUnknownError, not UPSTREAM_ERROR, when a services mutation stalls past the deadline', async () => {
    gw.sandbox.services.control.inject({ method: 'POST', path: cancelAllPath, delayMs: 1_500, times: 1 });

    const response = track(await gw.execute(CancelAll, { input: { customerId: customers.ada } }));

    expect(response.errors).toBeUndefined();
    expectTypename(response.data?.cancelAllSubAccountServices, 'OutcomeUnknownError');
  });

  it('answers OutcomeUnknownError when a mutation stalls, and keeps serving afterwards', async () => {
    gw.sandbox.plume.control.inject({
      method: 'DELETE',
      path: `/api/Customers/${ada}/locations/${locationIds.adaHome}/nodes/AA11000001`,
      delayMs: 1_500,
      times: 1,
    });

    const failed = track(
      await gw.execute(UnclaimNode, { input: { locationId: locations.adaHome, serialNumber: 'AA11000001' } }),
    );
    expectTypename(failed.data?.unclaimNode, 'OutcomeUnknownError');

    const response = track(await gw.execute(Customer, { id: customers.ada }));
    expect(response.data).toEqual({ customer: { customerId: ada, name: 'Ada Lovelace' } });
  });
});
